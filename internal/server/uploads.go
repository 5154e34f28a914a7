package server

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/setad/setad/internal/i18n"
)

// readsOwnBody reports the addresses whose handlers read the body within a limit of their own, larger
// than a form's: the imports, which take a file of up to maxImportBytes as it arrives (importPost), and the
// forms with attachments, read within maxUploadPost (readUploadForm).
func readsOwnBody(path string) bool {
	return path == "/candidates/import" || path == "/guidance" || path == "/trainings" ||
		strings.HasPrefix(path, "/guidance/") && strings.HasSuffix(path, "/attachments") ||
		strings.HasPrefix(path, "/trainings/") && strings.HasSuffix(path, "/attachments") ||
		strings.HasPrefix(path, "/boards/") && strings.HasSuffix(path, "/pool/import") ||
		strings.HasPrefix(path, "/counties/") && strings.HasSuffix(path, "/cities/import")
}

// importPost reads an import's multipart post part by part as it arrives, within maxImportBytes: a chosen
// file goes to file, which reads it from the part; a post without one, the confirmation of a preview,
// gives confirm the preview's id and the answer to its question. Whatever the answer, the rest of the body
// (within the limit) is then read without being kept, so that a browser still sending gets the answer
// rather than a broken connection. A body over the limit, or one with neither a file nor a preview,
// returns the problem (a *fileProblem) and calls neither.
func importPost(w http.ResponseWriter, r *http.Request, file func(*multipart.Part), confirm func(id int64, answer string)) error {
	if r.ContentLength > maxImportBytes {
		w.Header().Set("Connection", "close") // rather than read what is refused
		return tooBig()
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxImportBytes)
	defer func() { _, _ = io.Copy(io.Discard, r.Body) }()
	mr, err := r.MultipartReader()
	if err != nil {
		return problem(i18n.M("err.file"))
	}
	var importID, answer string
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return readProblem(err)
		}
		switch part.FormName() {
		case "import":
			v, _ := io.ReadAll(io.LimitReader(part, 20))
			importID = string(v)
		case "confirm":
			v, _ := io.ReadAll(io.LimitReader(part, 20))
			answer = string(v)
		case "file":
			if part.FileName() != "" { // a form sent without a chosen file has an empty one
				file(part)
				return nil
			}
		}
	}
	if id, ok := pathID(importID); ok {
		confirm(id, answer)
		return nil
	}
	return problem(i18n.M("err.file"))
}

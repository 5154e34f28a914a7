package server

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/filetype"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
)

// Attachments of the committees' work (a circular's files, a training session's materials). A form that
// takes them is a multipart post read part by part as it arrives (readUploadForm): its fields as
// parseForm reads them, its files each spooled to a temporary file, never held whole, and checked by
// their content (internal/filetype) before the form's work; the store then copies each, chunk by chunk,
// into PostgreSQL. A download (serveAttachment) is streamed from the chunks with the stored type, as an
// attachment that no browser opens in the page.

// Limits of a post with attachments.
const (
	maxUploadPost   = 50 << 20  // the whole request, multipart framing included
	maxUploadField  = 100 << 10 // one field's value: a body of 20,000 four-byte characters fits
	maxUploadFields = 400       // parts other than files (the audience's counties are one each)
)

// attachedFile is a file received and checked, spooled to a temporary file.
type attachedFile struct {
	name   string // filetype.SafeName of the name it was sent with
	mime   string // the canonical type of its content
	size   int64
	sha256 string
	file   *os.File
}

// uploadForm is a multipart post read: its fields, and the files of its file field, checked.
type uploadForm struct {
	form  components.Form
	files []attachedFile
}

// Close removes the spooled files.
func (u *uploadForm) Close() {
	for _, f := range u.files {
		_ = f.file.Close()
		_ = os.Remove(f.file.Name())
	}
	u.files = nil
}

// attachments are the checked files as the store takes them, each read from its start.
func (u *uploadForm) attachments() ([]store.NewAttachment, error) {
	var out []store.NewAttachment
	for _, f := range u.files {
		if _, err := f.file.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		out = append(out, store.NewAttachment{Name: f.name, MIME: f.mime, Size: f.size, SHA256: f.sha256, Content: f.file})
	}
	return out, nil
}

// readUploadForm reads a multipart post within maxUploadPost: its text fields into the form, cleaned as
// parseForm cleans them, and the files of fileField, at most store.MaxAttachments, each checked as it
// arrives. A refused file puts its message on fileField (and the form's own message names the file);
// reading then stops, since every file must be chosen again. It answers the error page itself and returns
// false when the post cannot be read at all: 413 for a body declared or found over the limit, 400 for one
// that is not a multipart form of valid text. The caller closes the form.
func (s *Server) readUploadForm(w http.ResponseWriter, r *http.Request, fileField string) (*uploadForm, bool) {
	u := &uploadForm{form: components.NewForm()}
	if r.ContentLength > maxUploadPost {
		w.Header().Set("Connection", "close") // rather than read what is refused
		s.errorPage(w, r, http.StatusRequestEntityTooLarge)
		return nil, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadPost)
	mr, err := r.MultipartReader()
	if err != nil {
		s.errorPage(w, r, http.StatusBadRequest)
		return nil, false
	}
	fail := func(err error) (*uploadForm, bool) {
		u.Close()
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			w.Header().Set("Connection", "close")
			s.errorPage(w, r, http.StatusRequestEntityTooLarge)
		} else {
			s.errorPage(w, r, http.StatusBadRequest)
		}
		return nil, false
	}
	fields := 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return u, true
		}
		if err != nil {
			return fail(err)
		}
		name := part.FormName()
		if !isFilePart(part) {
			if fields++; fields > maxUploadFields {
				return fail(errors.New("too many fields"))
			}
			v, err := io.ReadAll(io.LimitReader(part, maxUploadField+1))
			if err != nil {
				return fail(err)
			}
			if len(v) > maxUploadField {
				u.form.Errors[name] = i18n.M("err.too_long")
				continue
			}
			if !validText(name) || !utf8.Valid(v) {
				return fail(errors.New("not valid text"))
			}
			u.form.Values.Add(name, typedText(string(v)))
			continue
		}
		if name != fileField || part.FileName() == "" {
			continue // a file of no field that takes one is not read; a chooser left empty sends no file
		}
		if len(u.files) == store.MaxAttachments {
			u.form.Errors[fileField] = i18n.M("err.attachments_many", i18n.ArgNum("n", store.MaxAttachments))
			u.Close()
			return u, true
		}
		f, refusal, err := spoolAttachment(part)
		if err != nil {
			return fail(err)
		}
		if !refusal.IsZero() {
			u.form.Errors[fileField] = refusal
			u.form.Errors[""] = i18n.M("err.attachment_named", i18n.ArgText("name", filetype.SafeName(part.FileName())))
			u.Close()
			return u, true // what follows is not read: the files must be chosen again
		}
		u.files = append(u.files, f)
	}
}

// readAddedFiles reads a post that adds files (field attachment) to a record: at least one, each checked.
// A post refused for what was sent returns the form with its messages and no files, for the caller's page
// to show (422); ok is false when the post could not be read at all and its error page is answered. The
// caller closes the form.
func (s *Server) readAddedFiles(w http.ResponseWriter, r *http.Request) (up *uploadForm, files []store.NewAttachment, ok bool) {
	up, ok = s.readUploadForm(w, r, "attachment")
	if !ok {
		return nil, nil, false
	}
	if len(up.files) == 0 && up.form.Valid() {
		up.form.Errors["attachment"] = i18n.M("err.file")
	}
	if !up.form.Valid() {
		return up, nil, true
	}
	files, err := up.attachments()
	if err != nil {
		up.Close()
		s.serverError(w, r, err)
		return nil, nil, false
	}
	return up, files, true
}

// attachmentNumber is the attachment number n of a download's address (1 to store.MaxAttachments, written
// as such), or false.
func attachmentNumber(r *http.Request) (int, bool) {
	nv := chi.URLParam(r, "n")
	n, err := strconv.Atoi(nv)
	return n, err == nil && n >= 1 && n <= store.MaxAttachments && strconv.Itoa(n) == nv && utf8.RuneCountInString(nv) <= 2
}

// isFilePart reports whether a part without a file name is a file chooser's (a chooser left empty sends
// a part with filename="" and a type).
func isFilePart(p *multipart.Part) bool {
	_, params, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	_, has := params["filename"]
	return err == nil && has
}

// spoolAttachment copies a file part to a temporary file, at most filetype.MaxBytes of it (one byte more
// refuses it without reading on), and checks it: its kind from its first bytes, a Word or Excel file's
// parts from its directory, then its name and declared type against that kind. A refused file returns the
// message why, and no file.
func spoolAttachment(part *multipart.Part) (attachedFile, i18n.Msg, error) {
	tmp, err := os.CreateTemp("", "setad-attachment-*")
	if err != nil {
		return attachedFile{}, i18n.Msg{}, err
	}
	keep := false
	defer func() {
		if !keep {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	n, err := io.Copy(tmp, io.TeeReader(io.LimitReader(part, filetype.MaxBytes+1), h))
	if err != nil {
		return attachedFile{}, i18n.Msg{}, err
	}
	refused := func(err error) (attachedFile, i18n.Msg, error) {
		var fe *filetype.Error
		if errors.As(err, &fe) {
			return attachedFile{}, fe.Msg(), nil
		}
		return attachedFile{}, i18n.Msg{}, err
	}
	if n > filetype.MaxBytes {
		return refused(&filetype.Error{Reason: filetype.ReasonTooBig})
	}
	head := make([]byte, filetype.SniffBytes)
	m, err := tmp.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return attachedFile{}, i18n.Msg{}, err
	}
	kind, ok := filetype.Sniff(head[:m])
	if !ok {
		return refused(&filetype.Error{Reason: filetype.ReasonNotAllowed})
	}
	if kind == filetype.Container {
		if kind, err = filetype.CheckArchive(tmp, n); err != nil {
			return refused(err)
		}
	}
	if err := filetype.Check(part.FileName(), part.Header.Get("Content-Type"), kind); err != nil {
		return refused(err)
	}
	keep = true
	return attachedFile{name: filetype.SafeName(part.FileName()), mime: kind.MIME(), size: n, sha256: hex.EncodeToString(h.Sum(nil)),
		file: tmp}, i18n.Msg{}, nil
}

// serveAttachment sends a stored file as a download: its stored type, its name (RFC 5987, with an ASCII
// name for older clients), never opened in the page nor sniffed, and a policy that would give it nothing
// to run if a browser did open it.
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request, a store.Attachment) {
	h := w.Header()
	h.Set("Content-Type", a.MIME)
	h.Set("Content-Length", strconv.FormatInt(a.Size, 10))
	h.Set("Content-Disposition", contentDisposition(a.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("ETag", `"`+a.SHA256+`"`)
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	if _, err := s.store.CopyAttachment(r.Context(), a.ID, w); err != nil {
		// The headers are gone: the download ends short, which the client sees by its length.
		s.log.Error("attachment download", "attachment", a.ID, "err", err.Error())
	}
}

// contentDisposition names a download: filename* carries the name in UTF-8 (RFC 5987), filename an ASCII
// stand-in for clients that do not read it.
func contentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r >= 0x7f || r == '"' || r == '\\' || r == '%' || r == ';':
			return '_'
		}
		return r
	}, name)
	if ext := asciiExt(name); strings.Trim(strings.TrimSuffix(ascii, ext), "_. ") == "" {
		ascii = "file" + ext // a name of no ASCII letters is not worth its underscores
	}
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + attrValue(name)
}

// attrValue percent-encodes a value as RFC 5987 wants: every byte but its attr-char.
func attrValue(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// asciiExt is a name's extension when it is ASCII.
func asciiExt(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return ""
	}
	ext := name[i:]
	for _, r := range ext {
		if r >= utf8.RuneSelf {
			return ""
		}
	}
	return ext
}

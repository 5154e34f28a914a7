// Package filetype decides what an uploaded attachment is, from its content and never from its name,
// and whether its name and declared type agree with that: PDF, PNG and JPEG images, Word and Excel files
// (DOCX, XLSX, and the older DOC and XLS). It also makes the name the file is kept and served under. Its
// refusals are values of type *Error whose Msg the page shows (ErrRead is the reader's failure, not the
// file's); they never hold the file's name or a path. It has no I/O but reading the file it is given.
//
// The way through it: read at most MaxBytes (refuse more with ReasonTooBig); Sniff the first SniffBytes;
// for a Container, CheckArchive the whole file; then Check the name and the declared Content-Type against
// the Kind found, and keep the file under SafeName(name). It is served with Kind.MIME() as its
// Content-Type, Content-Disposition: attachment and X-Content-Type-Options: nosniff, which Sniff relies
// on (see there).
package filetype

import (
	"bytes"
	"fmt"
	"mime"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/setad/setad/internal/i18n"
)

// MaxBytes is the largest attachment taken.
const MaxBytes = 10 << 20

// SniffBytes is how much of the file's start Sniff looks at.
const SniffBytes = 8

// Kind is what a file's content is. Its value is a short lower-case word, fit to be stored.
type Kind string

// The kinds of attachment taken, and Container: a ZIP or an OLE compound file, which CheckArchive opens
// to tell which document (if any) it holds.
const (
	PDF       Kind = "pdf"
	PNG       Kind = "png"
	JPEG      Kind = "jpeg"
	DOCX      Kind = "docx"
	XLSX      Kind = "xlsx"
	DOC       Kind = "doc"
	XLS       Kind = "xls"
	Container Kind = "container"
)

// kindInfo is what each kind taken knows about itself.
type kindInfo struct {
	mime       string
	extensions []string // the first is the usual one
	label      string   // the i18n key of its name for people
	// aliases are other Content-Types that browsers and systems send for it.
	aliases []string
}

const (
	docxMIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	xlsxMIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

var kinds = map[Kind]kindInfo{
	PDF:  {"application/pdf", []string{".pdf"}, "attachment.kind_pdf", []string{"application/x-pdf"}},
	PNG:  {"image/png", []string{".png"}, "attachment.kind_image", []string{"image/x-png"}},
	JPEG: {"image/jpeg", []string{".jpg", ".jpeg"}, "attachment.kind_image", []string{"image/pjpeg", "image/jpg"}},
	// A DOCX or XLSX is a ZIP, and a browser on a computer that does not know the extension may say so.
	DOCX: {docxMIME, []string{".docx"}, "attachment.kind_word", []string{"application/zip", "application/x-zip-compressed"}},
	XLSX: {xlsxMIME, []string{".xlsx"}, "attachment.kind_excel", []string{"application/zip", "application/x-zip-compressed"}},
	DOC:  {"application/msword", []string{".doc"}, "attachment.kind_word", []string{"application/vnd.ms-word", "application/x-msword"}},
	XLS:  {"application/vnd.ms-excel", []string{".xls"}, "attachment.kind_excel", []string{"application/x-msexcel", "application/x-excel"}},
}

// Kinds are the kinds taken, in the order a page lists them.
func Kinds() []Kind { return []Kind{PDF, PNG, JPEG, DOCX, XLSX, DOC, XLS} }

// Allowed reports whether k is a kind taken (Container and anything else are not).
func (k Kind) Allowed() bool { _, ok := kinds[k]; return ok }

// MIME is the Content-Type the file is served with, "" for a kind not taken.
func (k Kind) MIME() string { return kinds[k].mime }

// Extensions are the name endings of the kind, lower-case with their dot, the usual one first.
func (k Kind) Extensions() []string { return slices.Clone(kinds[k].extensions) }

// LabelKey is the i18n key of the kind's name for people: PDF, image, Word, Excel.
func (k Kind) LabelKey() string { return kinds[k].label }

// Sniff tells a file's kind from its first bytes (at least SniffBytes of them, when the file has so
// many): PDF, PNG, JPEG, or Container for a ZIP or an OLE compound file, which CheckArchive must open.
// It returns false for anything else, an empty file included.
//
// A file that starts with %PDF- is taken as a PDF whatever follows, even an HTML page made to start so:
// attachments are served as downloads (Content-Disposition: attachment) with X-Content-Type-Options:
// nosniff and the PDF type, so no browser reads one as a page.
func Sniff(head []byte) (Kind, bool) {
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return PDF, true
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, true
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return JPEG, true
	case bytes.HasPrefix(head, zipSignature), bytes.HasPrefix(head, cfbSignature):
		return Container, true
	}
	return "", false
}

// Reason is why a file is refused.
type Reason int

// The reasons.
const (
	ReasonNotAllowed    Reason = iota + 1 // not a kind taken, or a container that holds none
	ReasonExtension                       // the name's extension is not one of the content's kind
	ReasonDeclared                        // the declared Content-Type is not the content's kind
	ReasonMacros                          // a Word or Excel file with macros or other active content
	ReasonEncrypted                       // a Word or Excel file locked with a password
	ReasonTooBig                          // more than MaxBytes
	ReasonUnpacksTooBig                   // a Word or Excel file that unpacks to far more than it holds (a zip bomb)
)

// Error is a refused file: why, and what its content is when that is known (ReasonExtension,
// ReasonDeclared). It holds neither the file's name nor any path.
type Error struct {
	Reason  Reason
	Content Kind
}

func (e *Error) Error() string {
	switch e.Reason {
	case ReasonExtension:
		return fmt.Sprintf("filetype: the name's extension does not match the content (%s)", e.Content)
	case ReasonDeclared:
		return fmt.Sprintf("filetype: the declared type does not match the content (%s)", e.Content)
	case ReasonMacros:
		return "filetype: a document with macros"
	case ReasonEncrypted:
		return "filetype: a document locked with a password"
	case ReasonTooBig:
		return fmt.Sprintf("filetype: larger than %d bytes", MaxBytes)
	case ReasonUnpacksTooBig:
		return "filetype: a document that unpacks to far more than its size"
	}
	return "filetype: type not allowed"
}

// Msg is the error for people, in their language.
func (e *Error) Msg() i18n.Msg {
	switch e.Reason {
	case ReasonExtension:
		// The left-to-right mark keeps the dot before the extension in a right-to-left line.
		return i18n.M("err.attachment_extension", i18n.ArgText("ext", "\u200e"+strings.Join(e.Content.Extensions(), " / ")))
	case ReasonDeclared:
		return i18n.M("err.attachment_declared", i18n.ArgKey("kind", e.Content.LabelKey()))
	case ReasonMacros:
		return i18n.M("err.attachment_macros")
	case ReasonEncrypted:
		return i18n.M("err.attachment_encrypted")
	case ReasonTooBig:
		return i18n.M("err.file_too_big", i18n.ArgNum("mb", MaxBytes>>20))
	case ReasonUnpacksTooBig:
		return i18n.M("err.attachment_unpacks")
	}
	return i18n.M("err.attachment_type")
}

func refuse(r Reason, content Kind) error { return &Error{Reason: r, Content: content} }

// Check holds a file's name and its declared Content-Type to its content's kind: the extension of
// the name (in any case; .jpg and .jpeg alike) must be one of the kind's, and the declared type, unless
// empty or application/octet-stream (which say nothing), must be the kind's or one of the other names
// browsers give it. A name without an extension does not match. content must be a kind taken.
func Check(name, declaredType string, content Kind) error {
	info, ok := kinds[content]
	if !ok {
		return refuse(ReasonNotAllowed, "")
	}
	if ext := strings.ToLower(path.Ext(SafeName(name))); !slices.Contains(info.extensions, ext) {
		return refuse(ReasonExtension, content)
	}
	if strings.TrimSpace(declaredType) == "" {
		return nil
	}
	declared, _, err := mime.ParseMediaType(declaredType)
	if err != nil {
		return refuse(ReasonDeclared, content)
	}
	if declared != "application/octet-stream" && declared != info.mime && !slices.Contains(info.aliases, declared) {
		return refuse(ReasonDeclared, content)
	}
	return nil
}

// Name limits.
const (
	maxNameChars = 100
	maxExtChars  = 10 // a longer "extension" is a part of the name after a dot
)

// SafeName is the name a file is kept and served under: the last part of name (after either slash),
// without control characters, invisible formatting characters (bidi embeddings, overrides and isolates,
// direction marks, zero-width spaces; the zero-width non-joiner and joiner, which Persian words need,
// stay), without the characters Windows refuses in a name (< > : " | ? *, each made _), white space made
// plain spaces, without leading dots and spaces or trailing ones, and at most 100 characters, its
// extension kept. Persian letters stay as they are. A name left empty becomes "file" with the
// extension.
func SafeName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(nameRune, strings.ToValidUTF8(name, ""))
	ext := path.Ext(name)
	if len(ext) < 2 || utf8.RuneCountInString(ext) > maxExtChars || strings.Contains(ext, " ") {
		ext = ""
	}
	stem := strings.TrimSpace(strings.TrimRight(strings.TrimLeft(name[:len(name)-len(ext)], ". "), ". "))
	if stem == "" {
		stem = "file"
	}
	if n := maxNameChars - utf8.RuneCountInString(ext); utf8.RuneCountInString(stem) > n {
		stem = strings.TrimRight(firstChars(stem, n), ". \u200c\u200d")
	}
	return stem + ext
}

// nameRune keeps a character of a name, changes it, or drops it (-1); see SafeName.
func nameRune(r rune) rune {
	switch {
	case r == '\u200c' || r == '\u200d':
		return r
	case unicode.IsSpace(r):
		return ' '
	case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
		return -1
	case strings.ContainsRune(`<>:"|?*`, r):
		return '_'
	}
	return r
}

// firstChars is s up to its nth character.
func firstChars(s string, n int) string {
	count := 0
	for i := range s {
		if count == n {
			return s[:i]
		}
		count++
	}
	return s
}

package filetype

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"

	"github.com/setad/setad/internal/i18n"
)

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head []byte
		want Kind // "" when refused
	}{
		{"PDF", pdfFile(), PDF},
		{"PNG", pngFile(t), PNG},
		{"JPEG", jpegFile(t), JPEG},
		{"DOCX is a container", zipFile(t, docxParts...), Container},
		{"XLSX is a container", excelizeFile(t), Container},
		{"plain ZIP is a container", zipFile(t, "a.txt"), Container},
		{"DOC is a container", compoundFile(docNodes, nil), Container},
		{"XLS is a container", compoundFile(xlsNodes, nil), Container},
		{"first bytes only", pdfFile()[:SniffBytes], PDF},
		// A page made to start as a PDF is taken as one: it is served as a PDF download with nosniff.
		{"HTML starting %PDF-", []byte("%PDF-1.4\n<html><script>alert(1)</script></html>"), PDF},
		{"empty", nil, ""},
		{"short", []byte("%PD"), ""},
		{"PDF header not first", []byte("\n%PDF-1.4\n"), ""},
		{"EXE", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), ""},
		{"ELF", []byte("\x7fELF\x02\x01\x01"), ""},
		{"HTML", []byte("<!DOCTYPE html><html><script>alert(1)</script>"), ""},
		{"SVG", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), ""},
		{"SVG with XML declaration", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), ""},
		{"GIF", []byte("GIF89a\x01\x00\x01\x00"), ""},
		{"WebP", []byte("RIFF\x24\x00\x00\x00WEBPVP8 "), ""},
		{"empty ZIP", []byte("PK\x05\x06" + strings.Repeat("\x00", 18)), ""},
		{"RAR", []byte("Rar!\x1a\x07\x01\x00"), ""},
		{"text", []byte("گزارش جلسه"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Sniff(tt.head)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("Sniff = %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
}

func TestCheckArchive(t *testing.T) {
	withMacros := append(slices.Clone(docNodes), cfbNode{name: "Macros", storage: true, children: []cfbNode{{name: "VBA", storage: true}}})
	xlsMacros := append(slices.Clone(xlsNodes), cfbNode{name: "_VBA_PROJECT_CUR", storage: true, children: []cfbNode{{name: "VBA", storage: true}}})
	// An Excel workbook with a Word document inside it: the document's streams are not the root's.
	xlsWithDoc := append(slices.Clone(xlsNodes), cfbNode{name: "MBD0001", storage: true, children: docNodes})
	many := make([]string, maxEntries+1)
	for i := range many {
		many[i] = "xl/media/image" + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + ".png"
	}
	tests := []struct {
		name   string
		file   []byte
		want   Kind
		reason Reason // when refused
	}{
		{"DOCX", zipFile(t, docxParts...), DOCX, 0},
		{"XLSX", zipFile(t, xlsxParts...), XLSX, 0},
		{"XLSX written by excelize", excelizeFile(t), XLSX, 0},
		{"part names in another case", zipFile(t, "[CONTENT_TYPES].XML", "Word/Document.xml"), DOCX, 0},
		{"parts but the lists and Word's text are not unpacked", packageFile(t, zpart{name: "[Content_Types].xml", text: "<Types/>"},
			zpart{name: "word/document.xml", text: "<document/>"}, zpart{name: "word/media/image1.png", raw: true, packed: 4, unpacked: 4}), DOCX, 0},
		{"XLSX with many pictures", zipFile(t, append(slices.Clone(xlsxParts), many[:maxEntries-len(xlsxParts)]...)...), XLSX, 0},
		{"DOC", compoundFile(docNodes, nil), DOC, 0},
		{"XLS", compoundFile(xlsNodes, nil), XLS, 0},
		// 14,000 sectors take 110 FAT sectors: the directory's is found through the DIFAT.
		{"DOC of 7 MB, its directory at the end", compoundFileOf(3, 14_000, docNodes, nil), DOC, 0},
		{"DOC with 4,096-byte sectors", compoundFileOf(4, 0, docNodes, nil), DOC, 0},
		{"XLS with 4,096-byte sectors", compoundFileOf(4, 0, xlsNodes, nil), XLS, 0},
		{"Excel 5 workbook", compoundFile([]cfbNode{{name: "Book"}}, nil), XLS, 0},
		{"XLS holding a Word document", compoundFile(xlsWithDoc, nil), XLS, 0},
		{"compound names in another case", compoundFile([]cfbNode{{name: "WORDDOCUMENT"}}, nil), DOC, 0},

		{"plain ZIP", zipFile(t, "a.txt", "b/c.pdf"), "", ReasonNotAllowed},
		{"ZIP renamed .docx, with document.xml only", zipFile(t, "word/document.xml"), "", ReasonNotAllowed},
		{"ZIP with content types only", zipFile(t, "[Content_Types].xml"), "", ReasonNotAllowed},
		{"JAR", zipFile(t, "META-INF/MANIFEST.MF", "a/Main.class"), "", ReasonNotAllowed},
		{"OpenDocument text", zipFile(t, "mimetype", "content.xml", "styles.xml", "META-INF/manifest.xml"), "", ReasonNotAllowed},
		{"PowerPoint", zipFile(t, "[Content_Types].xml", "ppt/presentation.xml"), "", ReasonNotAllowed},
		{"both Word and Excel", zipFile(t, "[Content_Types].xml", "word/document.xml", "xl/workbook.xml"), "", ReasonNotAllowed},
		{"binary Excel workbook", zipFile(t, "[Content_Types].xml", "xl/workbook.bin"), "", ReasonNotAllowed},
		{"DOCM renamed DOCX", zipFile(t, append(slices.Clone(docxParts), "word/vbaProject.bin")...), "", ReasonMacros},
		{"XLSM renamed XLSX", zipFile(t, append(slices.Clone(xlsxParts), "xl/vbaProject.bin")...), "", ReasonMacros},
		{"too many parts", zipFile(t, append(slices.Clone(xlsxParts), many...)...), "", ReasonNotAllowed},
		{"damaged ZIP", append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0xAB}, 100)...), "", ReasonNotAllowed},
		{"truncated DOCX", zipFile(t, docxParts...)[:200], "", ReasonNotAllowed},

		{"DOC with macros", compoundFile(withMacros, nil), "", ReasonMacros},
		{"XLS with macros", compoundFile(xlsMacros, nil), "", ReasonMacros},
		{"password-protected DOCX", compoundFile([]cfbNode{{name: "EncryptionInfo"}, {name: "EncryptedPackage"}}, nil), "", ReasonEncrypted},
		{"PowerPoint 97", compoundFile([]cfbNode{{name: "PowerPoint Document"}, {name: "Current User"}}, nil), "", ReasonNotAllowed},
		{"Outlook message", compoundFile([]cfbNode{{name: "__properties_version1.0"}, {name: "__nameid_version1.0", storage: true}}, nil), "", ReasonNotAllowed},
		{"Word stream in a storage only", compoundFile([]cfbNode{{name: "ObjectPool", storage: true, children: docNodes}}, nil), "", ReasonNotAllowed},
		{"WordDocument as a storage", compoundFile([]cfbNode{{name: "WordDocument", storage: true}}, nil), "", ReasonNotAllowed},
		{"both Word and Excel streams", compoundFile([]cfbNode{{name: "WordDocument"}, {name: "Workbook"}}, nil), "", ReasonNotAllowed},
		{"empty compound file", compoundFile(nil, nil), "", ReasonNotAllowed},
		{"too many directory entries", compoundFile(slices.Repeat([]cfbNode{{name: "x"}}, maxEntries), nil), "", ReasonNotAllowed},
		{"directory chain loops", compoundFile(docNodes, func(_ []byte, fat []uint32, _ [][]byte) { fat[1] = 1 }), "", ReasonNotAllowed},
		{"directory chain runs out of the file", compoundFile(docNodes, func(_ []byte, fat []uint32, _ [][]byte) { fat[1] = 5000 }), "", ReasonNotAllowed},
		{"directory tree loops", compoundFile(docNodes, func(_ []byte, _ []uint32, dir [][]byte) {
			binary.LittleEndian.PutUint32(dir[2][72:], 1)
		}), "", ReasonNotAllowed},
		{"directory tree points outside", compoundFile(docNodes, func(_ []byte, _ []uint32, dir [][]byte) {
			binary.LittleEndian.PutUint32(dir[1][68:], 0x7FFFFFFF)
		}), "", ReasonNotAllowed},
		{"first entry not the root", compoundFile(docNodes, func(_ []byte, _ []uint32, dir [][]byte) { dir[0][66] = 1 }), "", ReasonNotAllowed},
		{"big-endian", compoundFile(docNodes, func(h []byte, _ []uint32, _ [][]byte) { binary.LittleEndian.PutUint16(h[28:], 0xFEFF) }), "", ReasonNotAllowed},
		{"sector size of another version", compoundFile(docNodes, func(h []byte, _ []uint32, _ [][]byte) { binary.LittleEndian.PutUint16(h[30:], 12) }), "", ReasonNotAllowed},
		{"more FAT sectors than the file", compoundFile(docNodes, func(h []byte, _ []uint32, _ [][]byte) { binary.LittleEndian.PutUint32(h[44:], 1<<30) }), "", ReasonNotAllowed},
		{"DIFAT chain outside the file", compoundFile(docNodes, func(h []byte, _ []uint32, _ [][]byte) {
			binary.LittleEndian.PutUint32(h[44:], 110)
			binary.LittleEndian.PutUint32(h[72:], 1)
			binary.LittleEndian.PutUint32(h[68:], 9999)
		}), "", ReasonNotAllowed},
		{"truncated compound file", compoundFile(docNodes, nil)[:700], "", ReasonNotAllowed},
		{"header only", compoundFile(docNodes, nil)[:512], "", ReasonNotAllowed},

		{"PDF is no container", pdfFile(), "", ReasonNotAllowed},
		{"PNG is no container", pngFile(t), "", ReasonNotAllowed},
		{"empty", nil, "", ReasonNotAllowed},
		{"short", []byte("PK\x03"), "", ReasonNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := checkArchiveWithin(t, tt.file)
			if got != tt.want {
				t.Errorf("CheckArchive = %q, %v; want %q", got, err, tt.want)
			}
			if tt.reason == 0 {
				if err != nil {
					t.Errorf("error %v", err)
				}
				return
			}
			var fe *Error
			if !errors.As(err, &fe) || fe.Reason != tt.reason {
				t.Errorf("error %v, want reason %d", err, tt.reason)
			}
		})
	}
}

// checkArchiveWithin is CheckArchive of file, which must answer within seconds: a directory that loops
// must not make it loop.
func checkArchiveWithin(t *testing.T, file []byte) (Kind, error) {
	t.Helper()
	type result struct {
		kind Kind
		err  error
	}
	done := make(chan result, 1)
	go func() {
		k, err := CheckArchive(bytes.NewReader(file), int64(len(file)))
		done <- result{k, err}
	}()
	select {
	case r := <-done:
		return r.kind, r.err
	case <-time.After(10 * time.Second):
		t.Fatal("CheckArchive did not answer")
		return "", nil
	}
}

// The compound files built above are what a real reader of the format finds in them: the same names
// under the root, so that CheckArchive is tried on well-formed files.
func TestCompoundFilesAreWellFormed(t *testing.T) {
	tests := []struct {
		version uint16
		pad     int
		nodes   []cfbNode
	}{
		{3, 0, docNodes},
		{3, 0, xlsNodes},
		{3, 0, []cfbNode{{name: "Macros", storage: true, children: []cfbNode{{name: "VBA"}}}, {name: "WordDocument"}}},
		{4, 0, xlsNodes},
		{3, 14_000, docNodes},
		{4, 2_000, docNodes},
	}
	for _, tt := range tests {
		nodes := tt.nodes
		b := compoundFileOf(tt.version, tt.pad, nodes, nil)
		r, err := mscfb.New(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for f, err := r.Next(); err == nil; f, err = r.Next() {
			if len(f.Path) == 0 {
				got = append(got, f.Name)
			}
		}
		var want []string
		for _, n := range nodes {
			want = append(want, strings.TrimLeft(n.name, "\x01\x05")) // mscfb drops a leading control character
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("mscfb reads %q, built %q", got, want)
		}
	}
}

// failingReader fails every read, as a broken disk would, and counts them.
type failingReader struct{ reads int }

func (f *failingReader) ReadAt([]byte, int64) (int, error) {
	f.reads++
	return 0, errors.New("read /tmp/upload-123: input/output error")
}

// shortReader answers io.EOF with the whole buffer at the end of the data, as io.ReaderAt allows.
type shortReader struct{ b []byte }

func (s shortReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := bytes.NewReader(s.b).ReadAt(p, off)
	if err == nil && off+int64(n) == int64(len(s.b)) {
		err = io.EOF
	}
	return n, err
}

func TestCheckArchiveReading(t *testing.T) {
	r := &failingReader{}
	if _, err := CheckArchive(r, MaxBytes+1); !isReason(err, ReasonTooBig) || r.reads != 0 {
		t.Errorf("a file over MaxBytes: %v after %d reads", err, r.reads)
	}
	if _, err := CheckArchive(r, 1000); !errors.Is(err, ErrRead) || strings.Contains(err.Error(), "/tmp") {
		t.Errorf("a failing reader: %v", err)
	}
	for name, file := range map[string][]byte{"DOCX": zipFile(t, docxParts...), "DOC": compoundFile(docNodes, nil)} {
		if k, err := CheckArchive(shortReader{file}, int64(len(file))); err != nil || k == "" {
			t.Errorf("%s read to its last byte with io.EOF: %q, %v", name, k, err)
		}
	}
}

func isReason(err error, r Reason) bool {
	var fe *Error
	return errors.As(err, &fe) && fe.Reason == r
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name, file, declared string
		content              Kind
		reason               Reason // 0 when accepted
	}{
		{"PDF", "بخشنامه.pdf", "application/pdf", PDF, 0},
		{"extension in capitals", "SCAN.PDF", "application/pdf", PDF, 0},
		{"jpg", "photo.jpg", "image/jpeg", JPEG, 0},
		{"jpeg", "photo.JPEG", "image/jpeg", JPEG, 0},
		{"PNG", "chart.png", "image/png", PNG, 0},
		{"DOCX", "نامه.docx", docxMIME, DOCX, 0},
		{"XLSX", "آمار.xlsx", xlsxMIME, XLSX, 0},
		{"DOC", "old.doc", "application/msword", DOC, 0},
		{"XLS", "old.xls", "application/vnd.ms-excel", XLS, 0},
		{"no declared type", "a.pdf", "", PDF, 0},
		{"blank declared type", "a.pdf", "  ", PDF, 0},
		{"octet-stream says nothing", "a.docx", "application/octet-stream", DOCX, 0},
		{"declared type with parameters and case", "a.pdf", "Application/PDF; charset=binary", PDF, 0},
		{"old browser's JPEG type", "a.jpg", "image/pjpeg", JPEG, 0},
		{"DOCX declared as ZIP", "a.docx", "application/zip", DOCX, 0},
		{"path in the name", `C:\Users\x\Desktop\a.pdf`, "", PDF, 0},

		{"PDF named .png", "scan.png", "image/png", PDF, ReasonExtension},
		{"PNG named .jpg", "a.jpg", "", PNG, ReasonExtension},
		{"XLSX named .docx", "a.docx", "", XLSX, ReasonExtension},
		{"DOCX named .doc", "a.doc", "", DOCX, ReasonExtension},
		{"no extension", "report", "", PDF, ReasonExtension},
		{"executable extension", "report.pdf.exe", "", PDF, ReasonExtension},
		{"HTML extension", "a.html", "text/html", PDF, ReasonExtension},
		{"extension hidden by a right-to-left override", "report\u202efdp.exe", "", PDF, ReasonExtension},
		{"PDF declared as HTML", "a.pdf", "text/html", PDF, ReasonDeclared},
		{"PNG declared as SVG", "a.png", "image/svg+xml", PNG, ReasonDeclared},
		{"XLSX declared as Word", "a.xlsx", docxMIME, XLSX, ReasonDeclared},
		{"PDF declared as ZIP", "a.pdf", "application/zip", PDF, ReasonDeclared},
		{"unreadable declared type", "a.pdf", "application/pdf; x", PDF, ReasonDeclared},

		{"container", "a.docx", "", Container, ReasonNotAllowed},
		{"unknown kind", "a.gif", "image/gif", Kind("gif"), ReasonNotAllowed},
		{"no kind", "a.pdf", "", "", ReasonNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.file, tt.declared, tt.content)
			if tt.reason == 0 {
				if err != nil {
					t.Errorf("Check(%q, %q, %q) = %v", tt.file, tt.declared, tt.content, err)
				}
				return
			}
			var fe *Error
			if !errors.As(err, &fe) || fe.Reason != tt.reason {
				t.Fatalf("Check(%q, %q, %q) = %v, want reason %d", tt.file, tt.declared, tt.content, err, tt.reason)
			}
			if tt.reason != ReasonNotAllowed && fe.Content != tt.content {
				t.Errorf("error's content %q, want %q", fe.Content, tt.content)
			}
		})
	}
}

// An upload goes through Sniff, CheckArchive and Check: these are the files a careless or hostile
// uploader sends, and what each comes to.
func TestUploads(t *testing.T) {
	tests := []struct {
		name, file, declared string
		body                 []byte
		want                 Kind
		reason               Reason
	}{
		{"PDF", "بخشنامه ۱۲.pdf", "application/pdf", pdfFile(), PDF, 0},
		{"DOCX", "نامه.docx", docxMIME, zipFile(t, docxParts...), DOCX, 0},
		{"XLS", "آمار.xls", "application/vnd.ms-excel", compoundFile(xlsNodes, nil), XLS, 0},
		{"PDF named .png", "scan.png", "image/png", pdfFile(), "", ReasonExtension},
		{"plain ZIP named .docx", "a.docx", docxMIME, zipFile(t, "a.txt"), "", ReasonNotAllowed},
		{"EXE named .pdf", "a.pdf", "application/pdf", []byte("MZ\x90\x00\x03\x00\x00\x00"), "", ReasonNotAllowed},
		{"HTML named .pdf", "a.pdf", "application/pdf", []byte("<html><script>alert(1)</script>"), "", ReasonNotAllowed},
		{"SVG named .png", "a.png", "image/png", []byte(`<svg onload="alert(1)"/>`), "", ReasonNotAllowed},
		{"empty", "a.pdf", "application/pdf", nil, "", ReasonNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := upload(tt.file, tt.declared, tt.body)
			if got != tt.want || !(tt.reason == 0 && err == nil || isReason(err, tt.reason)) {
				t.Errorf("upload = %q, %v; want %q, reason %d", got, err, tt.want, tt.reason)
			}
		})
	}
}

// upload is the way through the package that its doc comment gives.
func upload(name, declared string, body []byte) (Kind, error) {
	if len(body) > MaxBytes {
		return "", &Error{Reason: ReasonTooBig}
	}
	kind, ok := Sniff(body[:min(len(body), SniffBytes)])
	if !ok {
		return "", &Error{Reason: ReasonNotAllowed}
	}
	if kind == Container {
		var err error
		if kind, err = CheckArchive(bytes.NewReader(body), int64(len(body))); err != nil {
			return "", err
		}
	}
	if err := Check(name, declared, kind); err != nil {
		return "", err
	}
	return kind, nil
}

func TestKinds(t *testing.T) {
	tests := []struct {
		kind  Kind
		mime  string
		exts  []string
		label string
	}{
		{PDF, "application/pdf", []string{".pdf"}, "attachment.kind_pdf"},
		{PNG, "image/png", []string{".png"}, "attachment.kind_image"},
		{JPEG, "image/jpeg", []string{".jpg", ".jpeg"}, "attachment.kind_image"},
		{DOCX, docxMIME, []string{".docx"}, "attachment.kind_word"},
		{XLSX, xlsxMIME, []string{".xlsx"}, "attachment.kind_excel"},
		{DOC, "application/msword", []string{".doc"}, "attachment.kind_word"},
		{XLS, "application/vnd.ms-excel", []string{".xls"}, "attachment.kind_excel"},
		{Container, "", nil, ""},
		{Kind("gif"), "", nil, ""},
	}
	for _, tt := range tests {
		if got := tt.kind.MIME(); got != tt.mime {
			t.Errorf("%q.MIME() = %q, want %q", tt.kind, got, tt.mime)
		}
		if got := tt.kind.Extensions(); !slices.Equal(got, tt.exts) {
			t.Errorf("%q.Extensions() = %q, want %q", tt.kind, got, tt.exts)
		}
		if got := tt.kind.LabelKey(); got != tt.label {
			t.Errorf("%q.LabelKey() = %q, want %q", tt.kind, got, tt.label)
		}
		if got := tt.kind.Allowed(); got != (tt.mime != "") {
			t.Errorf("%q.Allowed() = %v", tt.kind, got)
		}
	}
	for _, k := range Kinds() {
		for _, lang := range []i18n.Lang{i18n.Fa, i18n.En} {
			if text := i18n.Message(lang, k.LabelKey()); text == k.LabelKey() || text == "" {
				t.Errorf("%s lacks the label of %q", lang, k)
			}
		}
	}
	// Extensions is a copy: changing it changes no kind.
	PDF.Extensions()[0] = ".exe"
	if PDF.Extensions()[0] != ".pdf" {
		t.Error("Extensions shares the kind's list")
	}
}

// Each refusal says why in both languages, and neither its message nor its Error names the file or a
// path.
func TestErrorMessages(t *testing.T) {
	tests := []struct {
		err    *Error
		fa, en string
	}{
		{&Error{Reason: ReasonNotAllowed}, "این نوع فایل را نمی‌توان پیوست کرد", "This kind of file cannot be attached"},
		{&Error{Reason: ReasonExtension, Content: JPEG}, "باید به \u200e.jpg / .jpeg ختم شود", "must end in \u200e.jpg / .jpeg."},
		{&Error{Reason: ReasonExtension, Content: PDF}, "باید به \u200e.pdf ختم شود", "must end in \u200e.pdf."},
		{&Error{Reason: ReasonDeclared, Content: DOCX}, "با محتوای آن (Word) همخوانی ندارد", "does not match its content (Word)"},
		{&Error{Reason: ReasonDeclared, Content: PNG}, "(تصویر)", "(Image)"},
		{&Error{Reason: ReasonMacros}, "ماکرو", "macros"},
		{&Error{Reason: ReasonEncrypted}, "گذرواژه", "Password-protected"},
		{&Error{Reason: ReasonTooBig}, "۱۰ مگابایت", "10 MB"},
	}
	for _, tt := range tests {
		m := tt.err.Msg()
		fa, en := m.In(i18n.Fa), m.In(i18n.En)
		if !strings.Contains(fa, tt.fa) || !strings.Contains(en, tt.en) {
			t.Errorf("reason %d: fa %q, en %q; want %q, %q", tt.err.Reason, fa, en, tt.fa, tt.en)
		}
		if strings.Contains(tt.err.Error(), "{") || !strings.HasPrefix(tt.err.Error(), "filetype: ") {
			t.Errorf("reason %d: Error %q", tt.err.Reason, tt.err.Error())
		}
	}
	err := Check("/home/ali/secret plans/report.exe", "", PDF)
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatal(err)
	}
	for _, text := range []string{err.Error(), fe.Msg().In(i18n.Fa), fe.Msg().In(i18n.En)} {
		if strings.Contains(text, "secret") || strings.Contains(text, "/home") || strings.Contains(text, "report") {
			t.Errorf("%q names the file", text)
		}
	}
}

func TestSafeName(t *testing.T) {
	long := strings.Repeat("ب", 120)
	tests := []struct{ in, want string }{
		{"بخشنامه شماره ۱۲.pdf", "بخشنامه شماره ۱۲.pdf"},
		{"گزارش‌های هیئت.docx", "گزارش‌های هیئت.docx"}, // the ZWNJ stays
		{"Report.PDF", "Report.PDF"},
		{"/home/ali/docs/a.pdf", "a.pdf"},
		{`C:\Users\ali\Desktop\a.pdf`, "a.pdf"},
		{`..\..\etc\passwd`, "passwd"},
		{"../../.ssh/id_rsa", "id_rsa"},
		{"dir/", "file"},
		{"", "file"},
		{".pdf", "file.pdf"},
		{"...pdf", "file.pdf"},
		{".hidden.pdf", "hidden.pdf"},
		{"  . a.pdf", "a.pdf"},
		{"a.pdf. . ", "a.pdf"},
		{"a.", "a"},
		{"report\u202efdp.exe", "reportfdp.exe"},
		{"a\u2066b\u2069c\u202a\u202b\u202c\u202d.pdf", "abc.pdf"},
		{"a\u200e\u200f\u200b\ufeff\u00adb.pdf", "ab.pdf"},
		{"a\x00b\x1b[31mc\x7f.pdf", "ab[31mc.pdf"},
		{"line\nbreak\ttab.pdf", "line break tab.pdf"},
		{`a<b>c:d"e|f?g*h.pdf`, "a_b_c_d_e_f_g_h.pdf"},
		{"نامه.pdf\u200f", "نامه.pdf"},
		{long + ".docx", strings.Repeat("ب", 95) + ".docx"},
		{long, strings.Repeat("ب", 100)},
		{long + ".a-very-long-ending", strings.Repeat("ب", 100)},
		{"a." + long, "a." + strings.Repeat("ب", 98)},
		{"\xff\xfeabc.pdf", "abc.pdf"},
	}
	for _, tt := range tests {
		got := SafeName(tt.in)
		if got != tt.want {
			t.Errorf("SafeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if n := utf8.RuneCountInString(got); n > 100 || n == 0 {
			t.Errorf("SafeName(%q) has %d characters", tt.in, n)
		}
		if SafeName(got) != got {
			t.Errorf("SafeName(%q) = %q changes again", tt.in, got)
		}
	}
}

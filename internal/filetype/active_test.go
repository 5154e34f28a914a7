package filetype

import (
	"archive/zip"
	"bytes"
	"errors"
	"testing"
)

// zpart is a part of a generated package: its text, or, with sizes, a part stored raw whose central
// directory declares those sizes (its few bytes are never unpacked).
type zpart struct {
	name, text            string
	packed, unpacked, crc uint64
	raw                   bool
}

// packageFile is a ZIP of parts.
func packageFile(t *testing.T, parts ...zpart) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, p := range parts {
		if p.raw {
			f, err := w.CreateRaw(&zip.FileHeader{Name: p.name, Method: zip.Deflate, CRC32: uint32(p.crc),
				CompressedSize64: p.packed, UncompressedSize64: p.unpacked})
			if err != nil {
				t.Fatal(err)
			}
			f.Write([]byte("????"))
			continue
		}
		f, err := w.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(p.text))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const (
	xmlHead      = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`
	typesOpen    = xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`
	plainDefault = `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/>`
	relsOpen     = xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`
	relBase      = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	docMain      = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)

// docx is a Word package with content types of extra and the document's relationships of rels.
func docx(t *testing.T, types, rels string, more ...zpart) []byte {
	parts := []zpart{
		{name: "[Content_Types].xml", text: typesOpen + plainDefault + `<Override PartName="/word/document.xml" ContentType="` + docMain + `"/>` + types + `</Types>`},
		{name: "_rels/.rels", text: relsOpen + `<Relationship Id="rId1" Type="` + relBase + `officeDocument" Target="word/document.xml"/></Relationships>`},
		{name: "word/document.xml", text: xmlHead + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>`},
		{name: "word/_rels/document.xml.rels", text: relsOpen + `<Relationship Id="rId1" Type="` + relBase + `styles" Target="styles.xml"/>` + rels + `</Relationships>`},
		{name: "word/styles.xml", text: xmlHead + `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>`},
	}
	return packageFile(t, append(parts, more...)...)
}

// xlsx is an Excel package with content types of extra.
func xlsx(t *testing.T, types string, more ...zpart) []byte {
	parts := []zpart{
		{name: "[Content_Types].xml", text: typesOpen + plainDefault + `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` + types + `</Types>`},
		{name: "_rels/.rels", text: relsOpen + `<Relationship Id="rId1" Type="` + relBase + `officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{name: "xl/workbook.xml", text: xmlHead + `<workbook/>`},
		{name: "xl/worksheets/sheet1.xml", text: xmlHead + `<worksheet/>`},
	}
	return packageFile(t, append(parts, more...)...)
}

// docxBody is a Word package whose text part (word/document.xml, or a header) has body.
func docxBody(t *testing.T, part, body string) []byte {
	text := xmlHead + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body + `</w:body></w:document>`
	if part != "word/document.xml" {
		return docx(t, "", "", zpart{name: part, text: text})
	}
	return packageFile(t,
		zpart{name: "[Content_Types].xml", text: typesOpen + plainDefault + `<Override PartName="/word/document.xml" ContentType="` + docMain + `"/></Types>`},
		zpart{name: "word/document.xml", text: text})
}

func rel(typ, target, mode string) string {
	s := `<Relationship Id="rId9" Type="` + typ + `" Target="` + target + `"`
	if mode != "" {
		s += ` TargetMode="` + mode + `"`
	}
	return s + `/>`
}

// Word and Excel files are refused when their content types or relationships name active content, whatever
// their parts are called, and when their central directory declares a zip bomb; plain ones pass.
func TestCheckArchiveActiveContent(t *testing.T) {
	settingsRels := func(r string) zpart {
		return zpart{name: "word/_rels/settings.xml.rels", text: relsOpen + r + `</Relationships>`}
	}
	tests := []struct {
		name   string
		file   []byte
		want   Kind
		reason Reason
	}{
		{"plain DOCX", docx(t, "", ""), DOCX, 0},
		{"plain XLSX", xlsx(t, ""), XLSX, 0},
		{"DOCX with ordinary fields", docxBody(t, "word/document.xml", `<w:fldSimple w:instr=" PAGE "/><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "https://example.org" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>DDE</w:t></w:r>`), DOCX, 0},
		{"DDEAUTO field", docxBody(t, "word/document.xml", `<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>`), "", ReasonMacros},
		{"DDE field split over runs", docxBody(t, "word/document.xml", `<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> D</w:instrText></w:r><w:r><w:instrText>de cmd</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>`), "", ReasonMacros},
		{"DDE simple field in a header", docxBody(t, "word/header1.xml", `<w:fldSimple w:instr="ddeauto x y"/>`), "", ReasonMacros},
		{"sub-document from a share", docx(t, "", rel(relBase+"subDocument", `\\evil.example\s\d.docx`, "External")), "", ReasonMacros},
		{"frame from a web site", docx(t, "", "", zpart{name: "word/_rels/webSettings.xml.rels", text: relsOpen + rel(relBase+"frame", "http://evil.example/f", "External") + `</Relationships>`}), "", ReasonMacros},
		{"picture from a web site", docx(t, "", rel(relBase+"image", "http://evil.example/p.png", "External")), "", ReasonMacros},
		{"embedded package", docx(t, "", rel(relBase+"package", "embeddings/Microsoft_Word_Document.docx", "")), "", ReasonMacros},
		{"link to another workbook", xlsx(t, `<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>`), "", ReasonMacros},
		{"DOCX with a picture and an outside link", docx(t, "", rel(relBase+"image", "media/image1.png", "")+
			rel(relBase+"hyperlink", "https://example.org/a", "External"), zpart{name: "word/media/image1.png", text: "png"}), DOCX, 0},
		{"DOCX made from a template on the author's disk", docx(t, "", "",
			settingsRels(rel(relBase+"attachedTemplate", `file:///C:\Users\a\AppData\Roaming\Microsoft\Templates\Normal.dotm`, "External"))), DOCX, 0},

		{"VBA project under another name", docx(t, `<Override PartName="/word/code.bin" ContentType="application/vnd.ms-office.vbaProject"/>`,
			rel("http://schemas.microsoft.com/office/2006/relationships/vbaProject", "code.bin", ""), zpart{name: "word/code.bin", text: "x"}), "", ReasonMacros},
		{"VBA project by its type alone", docx(t, `<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>`, ""), "", ReasonMacros},
		{"VBA relationship alone", docx(t, "", rel("http://schemas.microsoft.com/office/2006/relationships/vbaProject", "x.bin", "")), "", ReasonMacros},
		{"macro-enabled main part", packageFile(t,
			zpart{name: "[Content_Types].xml", text: typesOpen + `<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>`},
			zpart{name: "word/document.xml", text: "<w/>"}), "", ReasonMacros},
		{"Excel 4.0 macro sheet by its folder", xlsx(t, "", zpart{name: "xl/macrosheets/sheet1.xml", text: "<xm/>"}), "", ReasonMacros},
		{"Excel 4.0 macro sheet by its type", xlsx(t, `<Override PartName="/xl/other/s.xml" ContentType="application/vnd.ms-excel.macrosheet+xml"/>`), "", ReasonMacros},
		{"international macro sheet", xlsx(t, `<Override PartName="/xl/other/s.xml" ContentType="application/vnd.ms-excel.intlmacrosheet+xml"/>`), "", ReasonMacros},
		{"macro sheet relationship", packageFile(t,
			zpart{name: "[Content_Types].xml", text: typesOpen + plainDefault + `</Types>`},
			zpart{name: "xl/workbook.xml", text: "<workbook/>"},
			zpart{name: "xl/_rels/workbook.xml.rels", text: relsOpen + rel("http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet", "x/s.xml", "") + `</Relationships>`}), "", ReasonMacros},
		{"ActiveX control", docx(t, `<Override PartName="/word/activeX/activeX1.xml" ContentType="application/vnd.ms-office.activeX+xml"/>`, ""), "", ReasonMacros},
		{"ActiveX relationship", docx(t, "", rel(relBase+"control", "activeX/activeX1.xml", "")), "", ReasonMacros},
		{"embedded OLE object", docx(t, `<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>`, "",
			zpart{name: "word/embeddings/oleObject1.bin", text: "x"}), "", ReasonMacros},
		{"linked OLE object", docx(t, "", rel(relBase+"oleObject", "http://evil.example/o.bin", "External")), "", ReasonMacros},
		{"template from a web site", docx(t, "", "", settingsRels(rel(relBase+"attachedTemplate", "http://evil.example/t.dotm", "External"))), "", ReasonMacros},
		{"template from a share", docx(t, "", "", settingsRels(rel(relBase+"attachedTemplate", `\\evil.example\s\t.dotm`, "External"))), "", ReasonMacros},
		{"template from another host by file:", docx(t, "", "", settingsRels(rel(relBase+"attachedTemplate", "file://evil.example/t.dotm", "External"))), "", ReasonMacros},
		{"types in another case", docx(t, `<Override PartName="/word/x.bin" ContentType="APPLICATION/VND.MS-OFFICE.VBAPROJECT"/>`, ""), "", ReasonMacros},

		{"content types that are not XML", packageFile(t, zpart{name: "[Content_Types].xml", text: "<Types><Default"},
			zpart{name: "word/document.xml", text: "<w/>"}), "", ReasonNotAllowed},
		{"content types that cannot be unpacked", packageFile(t, zpart{name: "[Content_Types].xml", raw: true, packed: 4, unpacked: 4},
			zpart{name: "word/document.xml", text: "<w/>"}), "", ReasonNotAllowed},
		{"content types too long to read", packageFile(t, zpart{name: "[Content_Types].xml", raw: true, packed: 64 << 10, unpacked: maxListBytes + 1},
			zpart{name: "word/document.xml", text: "<w/>"}), "", ReasonNotAllowed},

		{"a part of 1 GiB", docx(t, "", "", zpart{name: "word/media/big.png", raw: true, packed: 1 << 20, unpacked: 1 << 30}), "", ReasonUnpacksTooBig},
		{"a part packed 1000 to 1", docx(t, "", "", zpart{name: "word/media/a.png", raw: true, packed: 2 << 10, unpacked: 2 << 20}), "", ReasonUnpacksTooBig},
		{"parts of 120 MiB in all", docx(t, "", "",
			zpart{name: "word/media/a.png", raw: true, packed: 1 << 20, unpacked: 60 << 20},
			zpart{name: "word/media/b.png", raw: true, packed: 1 << 20, unpacked: 60 << 20}), "", ReasonUnpacksTooBig},
		{"a small part packed tight", docx(t, "", "", zpart{name: "word/media/a.png", raw: true, packed: 4, unpacked: 64 << 10}), DOCX, 0},
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

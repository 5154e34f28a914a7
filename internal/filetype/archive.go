package filetype

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strings"
	"unicode/utf16"
)

// ErrRead is a file that could not be read: the reader failed, not the file's content. It holds no
// path; the server answers it as its own error.
var ErrRead = errors.New("filetype: the file could not be read")

// maxEntries is the most parts a container may have: a Word or Excel file has a few dozen, one with many
// pictures or sheets some hundreds.
const maxEntries = 2000

var (
	zipSignature          = []byte("PK\x03\x04")
	zipDirectorySignature = []byte("PK\x01\x02")
	cfbSignature          = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// CheckArchive tells which document a Container holds, by the names of its parts alone (nothing is
// unpacked), in a file of size bytes:
//   - a ZIP with [Content_Types].xml and word/document.xml is DOCX; with [Content_Types].xml and
//     xl/workbook.xml, XLSX. Any other ZIP (a plain one, a JAR, an OpenDocument file, a presentation) is
//     refused, as is one with both parts.
//   - an OLE compound file whose root holds a WordDocument stream is DOC; a Workbook (or Book) stream,
//     XLS. Any other (a presentation, an Outlook message, an installer, an encrypted file) is refused.
//
// A document with macros (a vbaProject.bin part, or a Macros or _VBA_PROJECT_CUR storage), such as a
// .docm renamed .docx, is refused with ReasonMacros; so is a DOCX or XLSX whose content types or
// relationships name active content (see checkActiveContent), the only parts it unpacks, within bounds.
// One whose directory declares a zip bomb is refused with ReasonUnpacksTooBig. A file over MaxBytes, or a
// container of more than 2,000 parts, is refused before its directory is read. Errors are *Error, or
// ErrRead when r fails.
func CheckArchive(r io.ReaderAt, size int64) (Kind, error) {
	if size > MaxBytes {
		return "", refuse(ReasonTooBig, "")
	}
	if size < SniffBytes {
		return "", refuse(ReasonNotAllowed, "")
	}
	head := make([]byte, SniffBytes)
	if err := readAt(r, head, 0); err != nil {
		return "", err
	}
	switch {
	case bytes.HasPrefix(head, zipSignature):
		return checkZip(r, size)
	case bytes.HasPrefix(head, cfbSignature):
		return checkCompound(r, size)
	}
	return "", refuse(ReasonNotAllowed, "")
}

// checkZip decides a ZIP (see CheckArchive).
func checkZip(r io.ReaderAt, size int64) (Kind, error) {
	// archive/zip reads the whole central directory into memory, as many entries as it finds, whatever
	// the count the archive declares: its headers are counted first, by the signature each begins with.
	// A compressed part may hold those four bytes by chance, which only counts one more.
	if n, err := countSignatures(r, size, zipDirectorySignature); err != nil {
		return "", err
	} else if n > maxEntries {
		return "", refuse(ReasonNotAllowed, "")
	}
	z, err := zip.NewReader(r, size)
	if err != nil || len(z.File) > maxEntries { // a damaged archive, or one with unsafe names
		return "", refuse(ReasonNotAllowed, "")
	}
	var types, word, excel, macros bool
	var unpacked uint64
	var lists []*zip.File // [Content_Types].xml and the relationships, read for active content
	var text []*zip.File  // Word's body, headers and footers, read for DDE fields
	for _, f := range z.File {
		// Part names are compared without case, as the Open Packaging Conventions compare them.
		name := strings.ToLower(f.Name)
		switch name {
		case "[content_types].xml":
			types = true
		case "word/document.xml":
			word = true
		case "xl/workbook.xml":
			excel = true
		}
		switch {
		case name == "[content_types].xml" || strings.HasSuffix(name, ".rels"):
			lists = append(lists, f)
		case path.Base(name) == "vbaproject.bin" || strings.HasPrefix(name, "xl/macrosheets/"):
			macros = true
		case wordText(name):
			text = append(text, f)
		}
		// A zip bomb: sizes the central directory declares, nothing unpacked.
		unpacked += f.UncompressedSize64
		if unpacked > maxUnpacked || f.UncompressedSize64 > minBombPart && f.UncompressedSize64/max(f.CompressedSize64, 1) > maxRatio {
			return "", refuse(ReasonUnpacksTooBig, "")
		}
	}
	switch {
	case !types || word == excel:
		return "", refuse(ReasonNotAllowed, "")
	case macros:
		return "", refuse(ReasonMacros, "")
	}
	if err := checkActiveContent(lists); err != nil {
		return "", err
	}
	if word {
		if err := checkFields(text); err != nil {
			return "", err
		}
		return DOCX, nil
	}
	return XLSX, nil
}

// The bounds on what a Word or Excel file unpacks to, read from its central directory: 100 MiB in all,
// and a part over 1 MiB packed more than 100 to 1 (real documents pack their text some 5 to 20 to 1).
const (
	maxUnpacked = 100 << 20
	maxRatio    = 100
	minBombPart = 1 << 20
)

// The bounds on the lists of a package read for active content: a list over 2 MiB, or 16 MiB of them in
// all, is refused (a real document's are some kilobytes).
const (
	maxListBytes  = 2 << 20
	maxListsBytes = 16 << 20
)

// checkActiveContent refuses with ReasonMacros a package whose content types or relationships name
// active content: macros (a VBA project, an Excel 4.0 macro sheet, a macro-enabled main part), ActiveX
// controls, embedded or linked OLE objects, or a template fetched from elsewhere. A list that cannot be
// read, or is too long, is ReasonNotAllowed; what is read of each is bounded.
func checkActiveContent(lists []*zip.File) error {
	var total uint64
	for _, f := range lists {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > maxListBytes || total > maxListsBytes {
			return refuse(ReasonNotAllowed, "")
		}
		rc, err := f.Open()
		if err != nil {
			return refuse(ReasonNotAllowed, "")
		}
		active, err := listsActive(io.LimitReader(rc, maxListBytes))
		rc.Close()
		switch {
		case err != nil:
			return refuse(ReasonNotAllowed, "")
		case active:
			return refuse(ReasonMacros, "")
		}
	}
	return nil
}

// listsActive reads a content types list or a relationships list and reports whether an entry names
// active content.
func listsActive(r io.Reader) (bool, error) {
	d := xml.NewDecoder(r)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return false, nil
		} else if err != nil {
			return false, err
		}
		e, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		attr := func(name string) string {
			for _, a := range e.Attr {
				if strings.EqualFold(a.Name.Local, name) {
					return strings.ToLower(strings.TrimSpace(a.Value))
				}
			}
			return ""
		}
		switch strings.ToLower(e.Name.Local) {
		case "default", "override":
			if activeContentType(attr("ContentType")) {
				return true, nil
			}
		case "relationship":
			if activeRelationship(attr("Type"), attr("TargetMode") == "external", attr("Target")) {
				return true, nil
			}
		}
	}
}

// activeContentType reports whether a (lower-cased) content type is active content.
func activeContentType(ct string) bool {
	for _, s := range []string{"vbaproject", "vbadata", "macroenabled", "application/vnd.ms-excel.macrosheet",
		"application/vnd.ms-excel.intlmacrosheet", "application/vnd.ms-office.activex",
		"application/vnd.openxmlformats-officedocument.oleobject",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.externallink"} {
		if strings.Contains(ct, s) {
			return true
		}
	}
	return false
}

// activeRelationship reports whether a (lower-cased) relationship type ties in active content: a VBA
// project, a macro sheet, an ActiveX control, an OLE object, an embedded package or a link to another
// workbook, wherever it is; or anything fetched from outside the file when it opens (a sub-document, a
// frame, an image from a web site or a share, which tells its host who opened it), but for a hyperlink,
// which the reader follows or not, and the template on the author's own disk that Word records
// (file:///C:/…/Normal.dotm).
func activeRelationship(typ string, external bool, target string) bool {
	switch base := path.Base(typ); base {
	case "vbaproject", "wordvbadata", "xlmacrosheet", "xlintlmacrosheet", "activexcontrol", "activexcontrolbinary",
		"control", "oleobject", "package", "externallink", "externallinkpath":
		return true
	case "hyperlink":
		return false
	case "attachedtemplate":
		return external && !localDrivePath(target)
	default:
		return external
	}
}

// wordText reports whether a (lower-cased) part name is Word text that may hold fields: the body, a header
// or a footer, the footnotes and endnotes.
func wordText(name string) bool {
	if !strings.HasPrefix(name, "word/") || !strings.HasSuffix(name, ".xml") || strings.Count(name, "/") != 1 {
		return false
	}
	b := strings.TrimPrefix(name, "word/")
	return b == "document.xml" || b == "footnotes.xml" || b == "endnotes.xml" ||
		strings.HasPrefix(b, "header") || strings.HasPrefix(b, "footer")
}

// checkFields refuses with ReasonMacros a Word text whose fields run something when the file opens or
// its fields update: DDE and DDEAUTO, which start another program. A field's instruction is read whole,
// however its runs split it (<w:instrText> pieces between a field's begin and separator, or
// <w:fldSimple w:instr>). The parts' sizes are bounded by the directory's check above.
func checkFields(parts []*zip.File) error {
	for _, f := range parts {
		rc, err := f.Open()
		if err != nil {
			return refuse(ReasonNotAllowed, "")
		}
		active, err := fieldsActive(io.LimitReader(rc, maxUnpacked))
		rc.Close()
		switch {
		case err != nil:
			return refuse(ReasonNotAllowed, "")
		case active:
			return refuse(ReasonMacros, "")
		}
	}
	return nil
}

// fieldsActive reads a Word text and reports whether one of its fields is DDE or DDEAUTO.
func fieldsActive(r io.Reader) (bool, error) {
	d := xml.NewDecoder(r)
	var instr strings.Builder
	inInstr := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return ddeField(instr.String()), nil
		} else if err != nil {
			return false, err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "fldChar":
				for _, a := range e.Attr {
					if a.Name.Local == "fldCharType" && a.Value != "" {
						if ddeField(instr.String()) {
							return true, nil
						}
						instr.Reset()
					}
				}
			case "instrText":
				inInstr = true
			case "fldSimple":
				for _, a := range e.Attr {
					if a.Name.Local == "instr" && ddeField(a.Value) {
						return true, nil
					}
				}
			}
		case xml.EndElement:
			if e.Name.Local == "instrText" {
				inInstr = false
			}
		case xml.CharData:
			if inInstr && instr.Len() < 4096 {
				instr.Write(e)
			}
		}
	}
}

// ddeField reports whether a field instruction is DDE or DDEAUTO (its first word, in any case).
func ddeField(instr string) bool {
	w := strings.Fields(instr)
	return len(w) > 0 && (strings.EqualFold(w[0], "dde") || strings.EqualFold(w[0], "ddeauto"))
}

// localDrivePath reports whether a (lower-cased) target is a path on a lettered local drive: c:\… or
// file:///c:/…, not a share (\\host\…, file://host/…) nor a web address.
func localDrivePath(target string) bool {
	p := strings.TrimPrefix(target, "file:///")
	return len(p) >= 3 && p[0] >= 'a' && p[0] <= 'z' && p[1] == ':' && (p[2] == '\\' || p[2] == '/')
}

// countSignatures counts sig in the first size bytes of r.
func countSignatures(r io.ReaderAt, size int64, sig []byte) (int, error) {
	buf := make([]byte, 64<<10)
	keep := len(sig) - 1 // a signature split between two reads is found in the next
	n, carried := 0, 0
	for off := int64(0); off < size; {
		want := min(int64(len(buf)-carried), size-off)
		read, err := r.ReadAt(buf[carried:carried+int(want)], off)
		if read == 0 && err != nil {
			return 0, ErrRead
		}
		off += int64(read)
		data := buf[:carried+read]
		n += bytes.Count(data, sig)
		carried = copy(buf, data[max(0, len(data)-keep):])
	}
	return n, nil
}

// An OLE compound file ([MS-CFB]) is a little file system in sectors: a header, a file allocation table
// (FAT) that chains each sector to the next, and a directory of 128-byte entries, a red-black tree of
// storages (folders) and streams (files) under the root. Only the names under the root are read.
const (
	cfbHeaderSize = 512
	cfbEntrySize  = 128
	cfbMaxRegSect = 0xFFFFFFFA // the highest sector number; those above it mark chains and free sectors
	cfbEndOfChain = 0xFFFFFFFE
	cfbNoStream   = 0xFFFFFFFF
	cfbStorage    = 1
	cfbStream     = 2
	cfbRoot       = 5
)

// compound reads the directory of a compound file; a zero error from its methods means it read what
// it was asked, any other is the file's refusal or ErrRead.
type compound struct {
	r          io.ReaderAt
	size       int64
	sectorSize int64
	fat        []uint32 // the sector numbers of the FAT's sectors, in order
}

// cfbEntry is what is read of a directory entry.
type cfbEntry struct {
	name               string
	kind               byte
	left, right, child uint32
}

// checkCompound decides an OLE compound file (see CheckArchive).
func checkCompound(r io.ReaderAt, size int64) (Kind, error) {
	c := &compound{r: r, size: size}
	entries, err := c.directory()
	if err != nil {
		return "", err
	}
	names, err := rootNames(entries)
	if err != nil {
		return "", err
	}
	var word, excel, macros, encrypted bool
	for _, e := range names {
		switch {
		case e.kind == cfbStream && strings.EqualFold(e.name, "EncryptedPackage"):
			encrypted = true
		case e.kind == cfbStream && strings.EqualFold(e.name, "WordDocument"):
			word = true
		case e.kind == cfbStream && (strings.EqualFold(e.name, "Workbook") || strings.EqualFold(e.name, "Book")):
			excel = true
		case e.kind == cfbStorage && (strings.EqualFold(e.name, "Macros") || strings.EqualFold(e.name, "_VBA_PROJECT_CUR")):
			macros = true
		}
	}
	switch {
	case encrypted && !word && !excel:
		return "", refuse(ReasonEncrypted, "")
	case word == excel:
		return "", refuse(ReasonNotAllowed, "")
	case macros:
		return "", refuse(ReasonMacros, "")
	case word:
		return DOC, nil
	}
	return XLS, nil
}

// damaged is a compound file whose structure does not hold together.
func damaged() error { return refuse(ReasonNotAllowed, "") }

// read reads n bytes at off, which must lie within the file.
func (c *compound) read(off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || off > c.size || n > c.size-off {
		return nil, damaged()
	}
	b := make([]byte, n)
	if err := readAt(c.r, b, off); err != nil {
		return nil, err
	}
	return b, nil
}

// readAt fills b from r at off, or returns ErrRead. A ReaderAt may answer io.EOF with the whole of b
// when b ends the file.
func readAt(r io.ReaderAt, b []byte, off int64) error {
	if n, _ := r.ReadAt(b, off); n < len(b) {
		return ErrRead
	}
	return nil
}

// sector reads sector sn.
func (c *compound) sector(sn uint32) ([]byte, error) {
	if sn > cfbMaxRegSect {
		return nil, damaged()
	}
	return c.read((int64(sn)+1)*c.sectorSize, c.sectorSize)
}

// directory reads the header, the locations of the FAT, and the directory's entries, at most
// maxEntries of them: a longer directory, or one whose chain loops, is refused.
func (c *compound) directory() ([]cfbEntry, error) {
	h, err := c.read(0, cfbHeaderSize)
	if err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	major, order, shift := le.Uint16(h[26:]), le.Uint16(h[28:]), le.Uint16(h[30:])
	if order != 0xFFFE || !(major == 3 && shift == 9 || major == 4 && shift == 12) {
		return nil, damaged()
	}
	c.sectorSize = 1 << shift
	perSector := uint32(c.sectorSize / 4)
	numFAT, firstDir := le.Uint32(h[44:]), le.Uint32(h[48:])
	nextDIFAT, numDIFAT := le.Uint32(h[68:]), le.Uint32(h[72:])
	if int64(numFAT) > c.size/c.sectorSize || int64(numDIFAT) > c.size/c.sectorSize {
		return nil, damaged()
	}
	// The first 109 FAT sectors are listed in the header, the others in a chain of DIFAT sectors, each
	// ending with the next one's number. The loop is bounded by the counts, which the size bounds.
	for i := range uint32(109) {
		if uint32(len(c.fat)) == numFAT {
			break
		}
		c.fat = append(c.fat, le.Uint32(h[76+4*i:]))
	}
	for range numDIFAT {
		if uint32(len(c.fat)) == numFAT {
			break
		}
		s, err := c.sector(nextDIFAT)
		if err != nil {
			return nil, err
		}
		for i := range perSector - 1 {
			if uint32(len(c.fat)) == numFAT {
				break
			}
			c.fat = append(c.fat, le.Uint32(s[4*i:]))
		}
		nextDIFAT = le.Uint32(s[4*(perSector-1):])
	}
	perDirSector := int(c.sectorSize / cfbEntrySize)
	var entries []cfbEntry
	for sn := firstDir; sn != cfbEndOfChain; {
		if len(entries) >= maxEntries { // too many entries, or a chain that loops
			return nil, damaged()
		}
		s, err := c.sector(sn)
		if err != nil {
			return nil, err
		}
		for i := range perDirSector {
			entries = append(entries, readEntry(s[i*cfbEntrySize:(i+1)*cfbEntrySize]))
		}
		if sn, err = c.next(sn); err != nil {
			return nil, err
		}
	}
	if len(entries) == 0 || entries[0].kind != cfbRoot {
		return nil, damaged()
	}
	return entries, nil
}

// next is the sector after sn in its chain, as the FAT says.
func (c *compound) next(sn uint32) (uint32, error) {
	perSector := uint32(c.sectorSize / 4)
	i := sn / perSector
	if sn > cfbMaxRegSect || int(i) >= len(c.fat) {
		return 0, damaged()
	}
	fatSector := c.fat[i]
	if fatSector > cfbMaxRegSect {
		return 0, damaged()
	}
	b, err := c.read((int64(fatSector)+1)*c.sectorSize+int64(sn%perSector)*4, 4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

// readEntry reads a directory entry: its name (UTF-16, its length in bytes with the terminating zero),
// its kind and its links in the tree.
func readEntry(b []byte) cfbEntry {
	le := binary.LittleEndian
	e := cfbEntry{kind: b[66], left: le.Uint32(b[68:]), right: le.Uint32(b[72:]), child: le.Uint32(b[76:])}
	if n := int(le.Uint16(b[64:])); n >= 2 && n <= 64 && n%2 == 0 {
		units := make([]uint16, n/2-1)
		for i := range units {
			units[i] = le.Uint16(b[2*i:])
		}
		e.name = string(utf16.Decode(units))
	}
	return e
}

// rootNames are the entries directly under the root: the root's child and its siblings to the left and
// right, a tree walked with each entry visited once at most.
func rootNames(entries []cfbEntry) ([]cfbEntry, error) {
	var names []cfbEntry
	seen := make([]bool, len(entries))
	stack := []uint32{entries[0].child}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if id == cfbNoStream {
			continue
		}
		if int64(id) >= int64(len(entries)) || seen[id] {
			return nil, damaged()
		}
		seen[id] = true
		e := entries[id]
		names = append(names, e)
		stack = append(stack, e.left, e.right)
	}
	return names, nil
}

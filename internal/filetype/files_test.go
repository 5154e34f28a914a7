package filetype

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// The files the tests look at, made here: small but real, as a browser would upload them.

func pdfFile() []byte {
	return []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" +
		"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
}

func imageFile(t *testing.T, encode func(*bytes.Buffer, image.Image) error) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngFile(t *testing.T) []byte {
	return imageFile(t, func(b *bytes.Buffer, m image.Image) error { return png.Encode(b, m) })
}

func jpegFile(t *testing.T) []byte {
	return imageFile(t, func(b *bytes.Buffer, m image.Image) error { return jpeg.Encode(b, m, nil) })
}

// zipFile is a ZIP holding the named parts, each with a line of XML.
func zipFile(t *testing.T, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, name := range names {
		f, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(f, "<?xml version=\"1.0\"?><part name=%q/>", name)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The parts of a Word and an Excel file, as Word and Excel write them.
var (
	docxParts = []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels", "word/styles.xml", "docProps/core.xml"}
	xlsxParts = []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml", "xl/styles.xml"}
)

// excelizeFile is an XLSX as excelize writes it, with a Persian cell.
func excelizeFile(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetCellValue("Sheet1", "A1", "شهرستان"); err != nil {
		t.Fatal(err)
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// cfbNode is an entry to put into a compound file: a stream, or a storage with its own entries.
type cfbNode struct {
	name     string
	storage  bool
	children []cfbNode
}

// compoundFile is an OLE compound file (version 3, 512-byte sectors) whose root holds nodes, streams
// empty. It is what Word 97–2003 and Excel 97–2003 write, down to the names; edit may change its
// header and sectors before they are joined.
func compoundFile(nodes []cfbNode, edit func(header []byte, fat []uint32, dir [][]byte)) []byte {
	return compoundFileOf(3, 0, nodes, edit)
}

// compoundFileOf is compoundFile in version 3 (512-byte sectors) or 4 (4,096-byte sectors, the header
// padded to one), with pad empty sectors before the directory: enough of them put the directory past
// the FAT sectors the header lists, where the DIFAT sectors list them.
func compoundFileOf(version uint16, pad int, nodes []cfbNode, edit func(header []byte, fat []uint32, dir [][]byte)) []byte {
	const (
		free       = 0xFFFFFFFF
		endOfChain = 0xFFFFFFFE
		fatSect    = 0xFFFFFFFD
		difSect    = 0xFFFFFFFC
	)
	le := binary.LittleEndian
	// The directory: each entry's children as a chain of right siblings, which is a valid, if
	// unbalanced, tree.
	dir := [][]byte{entry("Root Entry", 5)}
	var add func(parent int, nodes []cfbNode)
	add = func(parent int, nodes []cfbNode) {
		prev := -1
		for _, n := range nodes {
			kind := byte(2)
			if n.storage {
				kind = 1
			}
			id := len(dir)
			dir = append(dir, entry(n.name, kind))
			if prev < 0 {
				le.PutUint32(dir[parent][76:], uint32(id))
			} else {
				le.PutUint32(dir[prev][72:], uint32(id))
			}
			prev = id
			add(id, n.children)
		}
	}
	add(0, nodes)
	shift := uint16(9)
	if version == 4 {
		shift = 12
	}
	sectorSize := 1 << shift
	perDir, perFAT := sectorSize/128, sectorSize/4
	for len(dir)%perDir != 0 {
		dir = append(dir, make([]byte, 128)) // unused entries
	}
	dirSectors := len(dir) / perDir
	// The sectors: the FAT, the DIFAT (the FAT sectors after the header's 109), pad, the directory.
	nFAT, nDIFAT := 1, 0
	for {
		total := nFAT + nDIFAT + pad + dirSectors
		fatNeeded := (total + perFAT - 1) / perFAT
		difatNeeded := (max(0, fatNeeded-109) + perFAT - 2) / (perFAT - 1)
		if fatNeeded == nFAT && difatNeeded == nDIFAT {
			break
		}
		nFAT, nDIFAT = fatNeeded, difatNeeded
	}
	firstDir := nFAT + nDIFAT + pad
	fat := make([]uint32, perFAT*nFAT)
	for i := range fat {
		fat[i] = free
	}
	for i := range nFAT {
		fat[i] = fatSect
	}
	for i := range nDIFAT {
		fat[nFAT+i] = difSect
	}
	for i := firstDir; i < firstDir+dirSectors; i++ {
		fat[i] = uint32(i + 1)
	}
	fat[firstDir+dirSectors-1] = endOfChain
	difat := make([]uint32, nDIFAT*perFAT)
	for i := range difat {
		difat[i] = free
	}
	for k := range nDIFAT {
		for j := range perFAT - 1 {
			if n := 109 + k*(perFAT-1) + j; n < nFAT {
				difat[k*perFAT+j] = uint32(n)
			}
		}
		difat[k*perFAT+perFAT-1] = endOfChain
		if k+1 < nDIFAT {
			difat[k*perFAT+perFAT-1] = uint32(nFAT + k + 1)
		}
	}

	header := make([]byte, sectorSize)
	copy(header, cfbSignature)
	le.PutUint16(header[24:], 0x3E)    // minor version
	le.PutUint16(header[26:], version) // major version
	le.PutUint16(header[28:], 0xFFFE)  // byte order
	le.PutUint16(header[30:], shift)   // sector shift
	le.PutUint16(header[32:], 6)       // mini sector shift
	if version == 4 {
		le.PutUint32(header[40:], uint32(dirSectors)) // directory sectors, counted in version 4 only
	}
	le.PutUint32(header[44:], uint32(nFAT))     // FAT sectors
	le.PutUint32(header[48:], uint32(firstDir)) // first directory sector
	le.PutUint32(header[56:], 4096)             // mini stream cutoff
	le.PutUint32(header[60:], endOfChain)       // first mini FAT sector
	le.PutUint32(header[68:], endOfChain)       // first DIFAT sector
	if nDIFAT > 0 {
		le.PutUint32(header[68:], uint32(nFAT))
	}
	le.PutUint32(header[72:], uint32(nDIFAT)) // DIFAT sectors
	for i := range 109 {
		v := uint32(free)
		if i < nFAT {
			v = uint32(i)
		}
		le.PutUint32(header[76+4*i:], v)
	}

	if edit != nil {
		edit(header, fat, dir)
	}
	var b bytes.Buffer
	b.Write(header)
	for _, v := range fat {
		binary.Write(&b, le, v)
	}
	for _, v := range difat {
		binary.Write(&b, le, v)
	}
	b.Write(make([]byte, pad*sectorSize))
	for _, e := range dir {
		b.Write(e)
	}
	return b.Bytes()
}

// entry is a directory entry with no siblings, no child and an empty stream.
func entry(name string, kind byte) []byte {
	le := binary.LittleEndian
	e := make([]byte, 128)
	units := utf16.Encode([]rune(name))
	for i, u := range units {
		le.PutUint16(e[2*i:], u)
	}
	le.PutUint16(e[64:], uint16(2*len(units)+2))
	e[66] = kind
	e[67] = 1 // black
	le.PutUint32(e[68:], 0xFFFFFFFF)
	le.PutUint32(e[72:], 0xFFFFFFFF)
	le.PutUint32(e[76:], 0xFFFFFFFF)
	le.PutUint32(e[116:], 0xFFFFFFFE) // no sectors
	return e
}

// The root entries of the kinds of compound file that matter here.
var (
	docNodes = []cfbNode{{name: "\x01CompObj"}, {name: "WordDocument"}, {name: "1Table"}, {name: "\x05SummaryInformation"}}
	xlsNodes = []cfbNode{{name: "Workbook"}, {name: "\x05SummaryInformation"}, {name: "\x05DocumentSummaryInformation"}}
)

// Package markdown turns the Markdown that committees write (the bodies of guidance and training pages)
// into HTML that a page can print as it is, and into plain text for previews. It owns what a body may
// become: CommonMark with the GitHub tables, strikethrough and bare links, never raw HTML, script, style,
// a frame or an event handler, and links only to the web (http, https), to mail (mailto) or within the
// portal. The HTML is sanitised with an allow-list after it is made, so that a mistake in the making
// cannot reach a reader. It has no I/O.
//
// The caller limits a body to MaxChars characters before it is stored. Render and Plain take any input
// without failing, and read no more than MaxChars characters of it: the Markdown reader's time grows
// with the square of the length on some contrived inputs (thousands of nested quotes), and at MaxChars
// the worst of them takes a few tenths of a second, an ordinary body a few milliseconds. A page that
// shows many bodies, or one body to many readers, may keep the rendered HTML rather than render it on
// every request.
package markdown

import (
	"bytes"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// MaxChars is the most characters a body may have; the form that takes one checks it.
const MaxChars = 20_000

// TopHeading is the level a body's highest heading takes: the page holds the h1 and h2 above it.
const TopHeading = 3

// Render returns src as sanitised HTML, ready to be printed into a page as it is.
//
// Headings move down so that the body's highest one is an h3, and none skips a level after the one
// before it (h3 → h5 becomes h3 → h4), as screen readers and the accessibility checks expect under the
// page's h2. Links (to the web, to mail or within the portal) carry rel="noopener noreferrer"; a link to
// any other scheme keeps only its text. An image shows only when it is a file of the portal's circulars or training sessions: one from another
// site becomes a link to it, which the page's content security policy would block as an image and which
// would tell that site who reads the page; any other image (another path of the portal, data:) keeps
// only its text.
// Table cells carry no alignment, so tables and lists follow the page's direction, right-to-left in
// Persian. Each table is held in the scrolling box of components.TableWrap, named by its header row, so
// that a wide table scrolls on a phone instead of widening the page.
func Render(src string) string {
	var out strings.Builder
	for _, n := range wrapTables(parseFragment(policy.Sanitize(toHTML(src)))) {
		_ = html.Render(&out, n) // a strings.Builder does not fail
	}
	return out.String()
}

// HTML is Render as a templ component.
func HTML(src string) templ.Component { return templ.Raw(Render(src)) }

// Plain returns the text of src without its markup, for a preview in a list or a notification: the
// words of each block, blocks and lines joined by one space, entities decoded, control and bidi
// embedding or override characters removed. When the text is longer than n characters it is cut to n,
// the last of them an ellipsis (…). The result is text, not HTML: a page escapes it as any other.
func Plain(src string, n int) string {
	if n <= 0 {
		return ""
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(node *html.Node) {
		if node.Type == html.TextNode {
			b.WriteString(node.Data)
		}
		block := node.Type == html.ElementNode && !inline[node.DataAtom]
		if block {
			b.WriteByte(' ')
		}
		for c := node.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			b.WriteByte(' ')
		}
	}
	for _, node := range parseFragment(toHTML(src)) {
		walk(node)
	}
	s := strings.Join(strings.Fields(strings.Map(plainRune, b.String())), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return strings.TrimRightFunc(firstChars(s, n-1), func(r rune) bool { return unicode.IsSpace(r) || r == '\u200c' }) + "…"
}

// Dir is the direction of src's text, "rtl" or "ltr", by the script of most of its letters, for the
// element that holds the body: a Persian body reads right-to-left on an English page too, whatever its
// first word. A body without letters is "rtl", the portal's first language.
func Dir(src string) string { return direction(Plain(src, MaxChars)) }

// direction is Dir of plain text.
func direction(s string) string {
	rtl, ltr := 0, 0
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko):
			rtl++
		case unicode.IsLetter(r):
			ltr++
		}
	}
	if ltr > rtl {
		return "ltr"
	}
	return "rtl"
}

// inline are the elements goldmark writes within a line; the others end a block, or a line (br).
var inline = map[atom.Atom]bool{atom.A: true, atom.Em: true, atom.Strong: true, atom.Del: true, atom.Code: true, atom.Img: true}

// plainRune drops the control characters (but turns white space into a space) and the bidi embeddings,
// overrides and isolates, which could make a preview read otherwise than the body it is cut from.
func plainRune(r rune) rune {
	switch {
	case unicode.IsSpace(r):
		return ' '
	case unicode.IsControl(r), r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return -1
	}
	return r
}

// md is the Markdown reader: CommonMark, raw HTML omitted (html.WithUnsafe is not set), GitHub tables
// without alignment, strikethrough and bare links.
var md = goldmark.New(
	goldmark.WithExtensions(
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignNone)),
		extension.Strikethrough,
		extension.Linkify,
	),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(guard{}, 100))),
)

// toHTML is src as goldmark writes it, before sanitising: its first MaxChars characters, invalid UTF-8
// replaced.
func toHTML(src string) string {
	src = strings.ToValidUTF8(firstChars(src, MaxChars), "\uFFFD")
	var b bytes.Buffer
	// goldmark's HTML renderer writes into a buffer and fails only when its writer fails.
	_ = md.Convert([]byte(src), &b)
	return b.String()
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

// policy is what may be left of goldmark's HTML: the elements it makes from Markdown, links with the
// schemes above or a relative path, images by path, and no other attribute (no style, no class, no
// event handler). Raw HTML never reaches it; it is the second line, should goldmark or guard let
// something through.
var policy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "hr", "h3", "h4", "h5", "h6", "em", "strong", "del", "code", "pre", "blockquote",
		"ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^noopener noreferrer$`)).OnElements("a")
	p.AllowAttrs("src").OnElements("img")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("title").OnElements("a", "img")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	p.RequireNoReferrerOnLinks(true)
	return p
}()

// guard rewrites the parsed document before it is written: it moves the headings down, takes the links
// that are not safe to follow back to their text, marks the others noopener noreferrer, and turns images
// from elsewhere into links (see Render).
type guard struct{}

func (guard) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var headings []*ast.Heading
	var links, images []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n := n.(type) {
			case *ast.Heading:
				headings = append(headings, n)
			case *ast.Link, *ast.AutoLink:
				links = append(links, n)
			case *ast.Image:
				images = append(images, n)
			}
		}
		return ast.WalkContinue, nil
	})
	demote(headings)
	for _, n := range links {
		switch n := n.(type) {
		case *ast.Link:
			if linkable(n.Destination) {
				n.SetAttributeString("rel", []byte("noopener noreferrer"))
			} else {
				unwrap(n)
			}
		case *ast.AutoLink:
			url := n.URL(source)
			if n.AutoLinkType == ast.AutoLinkEmail && !bytes.HasPrefix(bytes.ToLower(url), []byte("mailto:")) {
				url = append([]byte("mailto:"), url...)
			}
			if linkable(url) {
				n.SetAttributeString("rel", []byte("noopener noreferrer"))
			} else {
				n.Parent().ReplaceChild(n.Parent(), n, ast.NewString(n.Label(source)))
			}
		}
	}
	for _, n := range images {
		img := n.(*ast.Image)
		switch {
		case ownImage(img.Destination):
		case webLink(img.Destination) && !inLink(img):
			link := ast.NewLink()
			link.Destination, link.Title = img.Destination, img.Title
			link.SetAttributeString("rel", []byte("noopener noreferrer"))
			for c := img.FirstChild(); c != nil; c = img.FirstChild() {
				link.AppendChild(link, c)
			}
			if !link.HasChildren() { // a link needs a name: the address, when the image had no text
				link.AppendChild(link, ast.NewString(img.Destination))
			}
			img.Parent().ReplaceChild(img.Parent(), img, link)
		default:
			unwrap(img)
		}
	}
}

// demote moves headings (in document order) so that the highest becomes TopHeading and none is more
// than one level below the one before it, the first counting from the page's h2.
func demote(headings []*ast.Heading) {
	if len(headings) == 0 {
		return
	}
	top := 6
	for _, h := range headings {
		top = min(top, h.Level)
	}
	prev := TopHeading - 1
	for _, h := range headings {
		h.Level = min(h.Level+TopHeading-top, prev+1, 6)
		prev = h.Level
	}
}

// unwrap puts n's children in its place.
func unwrap(n ast.Node) {
	parent := n.Parent()
	for c := n.FirstChild(); c != nil; c = n.FirstChild() {
		parent.InsertBefore(parent, n, c)
	}
	parent.RemoveChild(parent, n)
}

// inLink reports whether n sits inside a link, where another link may not.
func inLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if _, ok := p.(*ast.Link); ok {
			return true
		}
	}
	return false
}

// href is a destination as goldmark writes it into the page: escapes and entities resolved, then
// percent-encoded. The checks below look at it, not at what the author typed, since it is what a
// browser follows.
func href(dest []byte) (*url.URL, bool) {
	u, err := url.Parse(string(util.URLEscape(dest, true)))
	return u, err == nil
}

// linkable reports whether a link may lead to dest: the web, mail, or a path within the portal.
func linkable(dest []byte) bool {
	u, ok := href(dest)
	if !ok {
		return false
	}
	switch u.Scheme {
	case "":
		return true
	case "mailto":
		return u.Opaque != ""
	}
	return webLink(dest)
}

// webLink reports whether dest is an http or https address with a host.
func webLink(dest []byte) bool {
	u, ok := href(dest)
	return ok && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// ownImage reports whether dest is the download of a circular's or a training session's file on the
// portal (/guidance/N/attachments/N, /trainings/N/attachments/N), exactly: any other path of the portal
// would have every reader's browser GET it, with what that GET does (a language switched, say).
func ownImage(dest []byte) bool {
	return attachmentPath.Match(dest)
}

var attachmentPath = regexp.MustCompile(`^/(guidance|trainings)/[1-9][0-9]{0,17}/attachments/[1-9][0-9]{0,8}$`)

// parseFragment reads HTML as the content of a div.
func parseFragment(s string) []*html.Node {
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil { // reading from a string does not fail
		return nil
	}
	return nodes
}

// wrapTables puts each table among nodes into the box of components.TableWrap (class table-wrap, a
// region named by the table's header row that takes the keyboard's focus). Two tables with the same
// header are told apart by a number, since two regions may not share a name.
func wrapTables(nodes []*html.Node) []*html.Node {
	seen := map[string]int{}
	for i, n := range nodes {
		if n.DataAtom != atom.Table {
			continue
		}
		box := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div,
			Attr: []html.Attribute{{Key: "class", Val: "table-wrap"}}}
		if label := headerText(n); label != "" {
			seen[label]++
			if k := seen[label]; k > 1 {
				label += " (" + strconv.Itoa(k) + ")"
			}
			box.Attr = append(box.Attr, html.Attribute{Key: "role", Val: "region"}, html.Attribute{Key: "aria-label", Val: label})
		}
		box.Attr = append(box.Attr, html.Attribute{Key: "tabindex", Val: "0"})
		box.AppendChild(n)
		nodes[i] = box
	}
	return nodes
}

// headerText is the text of a table's header cells, separated by the comma of their script.
func headerText(table *html.Node) string {
	var cells []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.DataAtom == atom.Th {
			if t := strings.Join(strings.Fields(strings.Map(plainRune, textOf(n))), " "); t != "" {
				cells = append(cells, t)
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(table)
	label := strings.Join(cells, ", ")
	if direction(label) == "rtl" {
		label = strings.Join(cells, "، ")
	}
	return label
}

// textOf is the text within n.
func textOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOf(c))
	}
	return b.String()
}

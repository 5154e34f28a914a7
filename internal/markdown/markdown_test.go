package markdown

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/a-h/templ"
	"golang.org/x/net/html"

	"github.com/setad/setad/web/components"
)

// The classic payloads, each written as an author could put it into a body. None may leave anything
// that runs: Render's output is parsed as a browser would and held to an allow-list of elements and
// attributes, URLs of the allowed schemes only. text is what the reader still sees, when something is.
func TestRenderLeavesNothingThatRuns(t *testing.T) {
	tests := []struct {
		name, src, text string
	}{
		{"script element", `<script>alert(1)</script>`, ""},
		{"script inline", `a <script>alert(1)</script> b`, "a alert(1) b"},
		{"javascript link", `[x](javascript:alert(1))`, "x"},
		{"javascript link, mixed case", `[x](JaVaScRiPt:alert(1))`, "x"},
		{"javascript link, tab entity", `[x](java&#x09;script:alert(1))`, "x"},
		{"javascript link, tab escaped", "[x](<java\tscript:alert(1)>)", ""},
		{"javascript link, letter entity", `[x](&#106;avascript:alert(1))`, "x"},
		{"javascript link, named entity colon", `[x](javascript&colon;alert(1))`, "x"},
		{"javascript link, leading space in brackets", `[x](< javascript:alert(1)>)`, "x"},
		{"javascript link, percent", `[x](javascript%3Aalert(1))`, "x"},
		{"javascript link, title", `[x](javascript:alert(1) "t")`, "x"},
		{"vbscript link", `[x](vbscript:msgbox(1))`, "x"},
		{"file link", `[x](file:///etc/passwd)`, "x"},
		{"data link", `[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`, "x"},
		{"img onerror", `<img src=x onerror=alert(1)>`, ""},
		{"img onerror inline", `a <img src=x onerror=alert(1)> b`, "a  b"},
		{"javascript image", `![x](javascript:alert(1))`, "x"},
		{"svg data image", `![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)`, "x"},
		{"png data image", `![x](data:image/png;base64,iVBORw0KGgo=)`, "x"},
		{"svg script", `<svg><script>alert(1)</script></svg>`, ""},
		{"svg onload", `<svg onload=alert(1)>`, ""},
		{"svg onload inline", `a <svg onload=alert(1)> b`, "a  b"},
		{"html javascript link", `<a href="javascript:alert(1)">x</a>`, ""},
		{"html javascript link inline", `a <a href="javascript:alert(1)">x</a> b`, "a x b"},
		{"iframe", `<iframe src="https://evil.example/"></iframe>`, ""},
		{"iframe srcdoc inline", `a <iframe srcdoc="<script>alert(1)</script>"></iframe>`, "a"},
		{"object", `<object data="x.swf"></object>`, ""},
		{"embed", `a <embed src="x.swf">`, "a"},
		{"style element", `<style>body{display:none}</style>`, ""},
		{"style attribute", `a <span style="position:fixed;inset:0">x</span>`, "a x"},
		{"form", `<form action="https://evil.example/"><input name=p><button>go</button></form>`, ""},
		{"form inline", `a <form action="https://evil.example/"><input name=p></form>`, "a"},
		{"details ontoggle", `<details open ontoggle=alert(1)>`, ""},
		{"details ontoggle inline", `a <details open ontoggle=alert(1)>x</details>`, "a x"},
		{"math", `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`, ""},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`, ""},
		{"base", `<base href="javascript:alert(1)//">`, ""},
		{"comment trick", `<!--><script>alert(1)</script>-->`, ""},
		{"autolink javascript", `<javascript:alert(1)>`, "javascript:alert(1)"},
		{"autolink vbscript", `<VBSCRIPT:msgbox(1)>`, "VBSCRIPT:msgbox(1)"},
		{"autolink data", `<data:text/html,<script>alert(1)</script>>`, ""},
		{"reference to javascript", "[x][r]\n\n[r]: javascript:alert(1)\n", "x"},
		{"reference to javascript, entity", "[x][r]\n\n[r]: &#x6A;avascript:alert(1)\n", "x"},
		{"image reference to javascript", "![x][r]\n\n[r]: javascript:alert(1)\n", "x"},
		{"entity-encoded scheme", `[x](&#x6a;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3a;alert(1))`, "x"},
		{"entities spelling a tag", `&lt;script&gt;alert(1)&lt;/script&gt;`, "<script>alert(1)</script>"},
		{"backslash escapes", `\<script\>alert(1)\</script\>`, "<script>alert(1)</script>"},
		{"link text html", `[<img src=x onerror=alert(1)>](https://example.com/)`, ""},
		{"image alt quote", `![x" onerror="alert(1)](/a.png)`, ""},
		{"title quote", `[x](https://example.com/ "t\" onmouseover=\"alert(1)")`, "x"},
		{"protocol-relative image", `![x](//evil.example/pixel.png)`, "x"},
		{"backslash host image", `![x](/\evil.example/pixel.png)`, "x"},
		{"nested link in image link", `[![x](javascript:alert(1))](javascript:alert(2))`, "x"},
		{"html block then markdown", "<div onclick=alert(1)>\n\n*x*\n\n</div>", "x"},
		{"table cell html", "| a |\n|---|\n| <img src=x onerror=alert(1)> |", "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := Render(tt.src)
			doc := parse(t, out)
			checkSafe(t, doc, out)
			if tt.text != "" {
				if got := strings.Join(strings.Fields(textOf(doc)), " "); got != strings.Join(strings.Fields(tt.text), " ") {
					t.Errorf("text %q, want %q (output %q)", got, tt.text, out)
				}
			}
		})
	}
}

// The sanitiser is the second line: should goldmark ever write raw HTML or a dangerous link, the policy
// alone leaves nothing that runs. Each payload is given to it as HTML.
func TestPolicyAloneLeavesNothingThatRuns(t *testing.T) {
	payloads := []string{
		`<script>alert(1)</script>`,
		`<a href="javascript:alert(1)">x</a>`,
		`<a href="JaVaScRiPt:alert(1)">x</a>`,
		`<a href="java&#x09;script:alert(1)">x</a>`,
		`<a href="&#106;avascript:alert(1)">x</a>`,
		`<a href=" javascript:alert(1)">x</a>`,
		`<a href="vbscript:msgbox(1)">x</a>`,
		`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
		`<a href="https://example.com/" target="_blank" rel="opener">x</a>`,
		`<a href="https://example.com/" onclick="alert(1)" style="color:red">x</a>`,
		`<img src=x onerror=alert(1)>`,
		`<img src="javascript:alert(1)">`,
		`<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`,
		`<img src="data:image/png;base64,iVBORw0KGgo=">`,
		`<svg><script>alert(1)</script></svg>`,
		`<svg onload=alert(1)>`,
		`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
		`<iframe src="https://evil.example/"></iframe>`,
		`<object data="x.swf"></object><embed src="x.swf">`,
		`<style>body{display:none}</style>`,
		`<p style="position:fixed" class="x" id="y">x</p>`,
		`<form action="https://evil.example/"><input name=p><button formaction="javascript:alert(1)">go</button></form>`,
		`<details open ontoggle=alert(1)>x</details>`,
		`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
		`<base href="javascript:alert(1)//">`,
		`<div class="table-wrap" onfocus="alert(1)" tabindex="0">x</div>`,
		`<h1>x</h1><h2>y</h2>`,
		`<!--><script>alert(1)</script>-->`,
		`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
	}
	for _, p := range payloads {
		out := policy.Sanitize(p)
		checkSafe(t, parse(t, out), out)
	}
}

// allowed are the elements and attributes a rendered body may hold; html, head and body come from
// parsing it as a document.
var allowed = map[string][]string{
	"html": nil, "head": nil, "body": nil,
	"p": nil, "br": nil, "hr": nil, "h3": nil, "h4": nil, "h5": nil, "h6": nil,
	"em": nil, "strong": nil, "del": nil, "code": nil, "pre": nil, "blockquote": nil,
	"ul": nil, "ol": {"start"}, "li": nil,
	"table": nil, "thead": nil, "tbody": nil, "tr": nil, "th": nil, "td": nil,
	"a":   {"href", "rel", "title"},
	"img": {"src", "alt", "title"},
	"div": {"class", "role", "aria-label", "tabindex"},
}

// checkSafe holds a parsed body to allowed: no other element, no other attribute (so no event handler
// and no style), a link's rel with noreferrer, a URL only http, https, mailto or relative,
// an image only relative, and the table box exactly the one Render makes.
func checkSafe(t *testing.T, doc *html.Node, out string) {
	t.Helper()
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		attrs, ok := allowed[n.Data]
		if !ok {
			t.Errorf("element <%s> in %q", n.Data, out)
			return
		}
		for _, a := range n.Attr {
			if a.Namespace != "" || !slices.Contains(attrs, a.Key) {
				t.Errorf("attribute %s on <%s> in %q", a.Key, n.Data, out)
				continue
			}
			switch key := n.Data + "." + a.Key; key {
			case "a.href", "img.src":
				if !safeURL(a.Val, key == "img.src") {
					t.Errorf("%s=%q in %q", key, a.Val, out)
				}
			case "a.rel": // noreferrer implies noopener; Render writes both (see TestRenderMarkdown)
				if !slices.Contains(strings.Fields(a.Val), "noreferrer") {
					t.Errorf("rel=%q in %q", a.Val, out)
				}
			case "div.class":
				if a.Val != "table-wrap" {
					t.Errorf("class=%q in %q", a.Val, out)
				}
			case "div.role":
				if a.Val != "region" {
					t.Errorf("role=%q in %q", a.Val, out)
				}
			case "div.tabindex":
				if a.Val != "0" {
					t.Errorf("tabindex=%q in %q", a.Val, out)
				}
			}
		}
		if n.Data == "a" && attr(n, "rel") == "" {
			t.Errorf("a link without rel in %q", out)
		}
	})
	// The same on the text as written, lest the parser above and a browser read it differently: no
	// tag of those elements (text would show it escaped), no such scheme in an attribute (text may name
	// one, as the author wrote it).
	low := strings.ToLower(out)
	for _, bad := range []string{"<script", "<svg", "<math", "<iframe", "<style", "<form", "<object", "<embed", "<details"} {
		if strings.Contains(low, bad) {
			t.Errorf("%q in %q", bad, out)
		}
	}
	for _, m := range attrValue.FindAllStringSubmatch(low, -1) {
		if hasScript(html.UnescapeString(m[1])) {
			t.Errorf("attribute value %q in %q", m[1], out)
		}
	}
}

// hasScript reports a value that names one of the schemes that run or hide a page, once the white space
// and controls that browsers skip are dropped.
func hasScript(v string) bool {
	cleaned := strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToLower(v))
	for _, bad := range []string{"javascript:", "vbscript:", "data:", "file:"} {
		if strings.Contains(cleaned, bad) {
			return true
		}
	}
	return false
}

// attrValue is an attribute's value in the output, which Render always quotes with ".
var attrValue = regexp.MustCompile(`=\s*"([^"]*)"`)

// safeURL reports a URL that a browser would follow only to the web, to mail or within the site; an
// image's only within the site. Browsers drop white space and controls inside a scheme, so they are
// dropped before looking at it.
func safeURL(raw string, image bool) bool {
	if hasScript(raw) {
		return false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if image {
		return u.Scheme == "" && u.Host == "" && !strings.HasPrefix(raw, "//") && !strings.Contains(raw, `\`)
	}
	return u.Scheme == "" || u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "mailto"
}

// What a body is for: each case's whole output.
func TestRenderMarkdown(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"paragraph", "سلام", "<p>سلام</p>\n"},
		{"Persian text unchanged", "ستاد انتخابات استان فارس «هیئت‌های اجرایی» را در ۱۴۰۵/۰۳/۱۲ تشکیل می‌دهد؛ آیا آماده‌اید؟",
			"<p>ستاد انتخابات استان فارس «هیئت‌های اجرایی» را در ۱۴۰۵/۰۳/۱۲ تشکیل می‌دهد؛ آیا آماده‌اید؟</p>\n"},
		{"emphasis", "*کج* و **پررنگ** و ~~خط‌خورده~~ و `کد`",
			"<p><em>کج</em> و <strong>پررنگ</strong> و <del>خط‌خورده</del> و <code>کد</code></p>\n"},
		{"h1 becomes h3", "# عنوان", "<h3>عنوان</h3>\n"},
		{"h1 and h2 become h3 and h4", "# الف\n\n## ب\n\n# ج", "<h3>الف</h3>\n<h4>ب</h4>\n<h3>ج</h3>\n"},
		{"highest heading becomes h3", "### الف\n\n#### ب", "<h3>الف</h3>\n<h4>ب</h4>\n"},
		{"h2 starts at h3", "## الف\n\n### ب", "<h3>الف</h3>\n<h4>ب</h4>\n"},
		{"no skipped level", "# الف\n\n### ب\n\n###### ج", "<h3>الف</h3>\n<h4>ب</h4>\n<h5>ج</h5>\n"},
		{"a lower heading first", "#### الف\n\n# ب\n\n## ج", "<h3>الف</h3>\n<h3>ب</h3>\n<h4>ج</h4>\n"},
		{"deep headings stop at h6", "# a\n## b\n### c\n#### d\n##### e\n###### f",
			"<h3>a</h3>\n<h4>b</h4>\n<h5>c</h5>\n<h6>d</h6>\n<h6>e</h6>\n<h6>f</h6>\n"},
		{"setext heading", "عنوان\n=====\n\nزیرعنوان\n---", "<h3>عنوان</h3>\n<h4>زیرعنوان</h4>\n"},
		{"bullet list", "- یک\n- دو", "<ul>\n<li>یک</li>\n<li>دو</li>\n</ul>\n"},
		{"numbered list", "3. سه\n4. چهار", "<ol start=\"3\">\n<li>سه</li>\n<li>چهار</li>\n</ol>\n"},
		{"nested list", "1. یک\n   - الف", "<ol>\n<li>یک\n<ul>\n<li>الف</li>\n</ul>\n</li>\n</ol>\n"},
		{"blockquote", "> نقل", "<blockquote>\n<p>نقل</p>\n</blockquote>\n"},
		{"code block", "```go\nfmt.Println(\"<b>\")\n```", "<pre><code>fmt.Println(&#34;&lt;b&gt;&#34;)\n</code></pre>\n"},
		{"rule and line break", "الف  \nب\n\n---", "<p>الف<br/>\nب</p>\n<hr/>\n"},
		{"table without alignment, in its box",
			"| شهرستان | تعداد |\n|:--|--:|\n| مرودشت | ۱۲ |",
			`<div class="table-wrap" role="region" aria-label="شهرستان، تعداد" tabindex="0"><table>` + "\n" +
				"<thead>\n<tr>\n<th>شهرستان</th>\n<th>تعداد</th>\n</tr>\n</thead>\n" +
				"<tbody>\n<tr>\n<td>مرودشت</td>\n<td>۱۲</td>\n</tr>\n</tbody>\n</table></div>\n"},
		{"two tables with one header", "| a | b |\n|---|---|\n| 1 | 2 |\n\nx\n\n| a | b |\n|---|---|\n| 3 | 4 |",
			`<div class="table-wrap" role="region" aria-label="a, b" tabindex="0"><table>` + "\n" +
				"<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table></div>\n" +
				"<p>x</p>\n" +
				`<div class="table-wrap" role="region" aria-label="a, b (2)" tabindex="0"><table>` + "\n" +
				"<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>3</td>\n<td>4</td>\n</tr>\n</tbody>\n</table></div>\n"},
		{"table with an empty header", "| |\n|---|\n| x |",
			`<div class="table-wrap" tabindex="0"><table>` + "\n<thead>\n<tr>\n<th></th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>x</td>\n</tr>\n</tbody>\n</table></div>\n"},
		{"link", `[بخشنامه](https://example.com/a?b=1&c=2 "عنوان")`,
			`<p><a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer" title="عنوان">بخشنامه</a></p>` + "\n"},
		{"link within the portal", `[پرسش‌ها](/faq?q=تاریخ)`,
			`<p><a href="/faq?q=%D8%AA%D8%A7%D8%B1%DB%8C%D8%AE" rel="noopener noreferrer">پرسش‌ها</a></p>` + "\n"},
		{"mail link", `[ما](mailto:hq@example.com)`, `<p><a href="mailto:hq@example.com" rel="noopener noreferrer">ما</a></p>` + "\n"},
		{"autolink", `<https://example.com/>`, `<p><a href="https://example.com/" rel="noopener noreferrer">https://example.com/</a></p>` + "\n"},
		{"bare link", `به www.example.com سر بزنید`,
			`<p>به <a href="http://www.example.com" rel="noopener noreferrer">www.example.com</a> سر بزنید</p>` + "\n"},
		{"bare mail", `hq@example.com`, `<p><a href="mailto:hq@example.com" rel="noopener noreferrer">hq@example.com</a></p>` + "\n"},
		{"ftp link keeps its text", `[x](ftp://example.com/)`, "<p>x</p>\n"},
		{"http link without host keeps its text", `[x](http:foo)`, "<p>x</p>\n"},
		{"image of the portal", `![نمودار](/guidance/3/attachments/5)`, `<p><img src="/guidance/3/attachments/5" alt="نمودار"/></p>` + "\n"},
		{"image of a training's file", `![x](/trainings/2/attachments/1)`, `<p><img src="/trainings/2/attachments/1" alt="x"/></p>` + "\n"},
		// Any other path of the portal would be a GET on the reader's behalf, with its side effects.
		{"image of the language switch keeps its text", `![x](/lang/en)`, "<p>x</p>\n"},
		{"image of a page keeps its text", `![x](/guidance/3)`, "<p>x</p>\n"},
		{"image of a file with a query keeps its text", `![x](/guidance/3/attachments/5?a=1)`, "<p>x</p>\n"},
		{"image of a file's path that climbs keeps its text", `![x](/guidance/3/attachments/5/../../../../lang/en)`, "<p>x</p>\n"},
		{"image of an encoded climb keeps its text", `![x](/guidance/3/attachments/%2e%2e/%2e%2e/lang/en)`, "<p>x</p>\n"},
		{"relative image keeps its text", `![x](lang/en)`, "<p>x</p>\n"},
		{"image of a logout keeps its text", `![x](/logout)`, "<p>x</p>\n"},
		{"image from elsewhere becomes a link", `![نمودار](https://example.com/a.png)`,
			`<p><a href="https://example.com/a.png" rel="noopener noreferrer">نمودار</a></p>` + "\n"},
		{"image from elsewhere without text", `![](https://example.com/a.png)`,
			`<p><a href="https://example.com/a.png" rel="noopener noreferrer">https://example.com/a.png</a></p>` + "\n"},
		{"image from elsewhere inside a link", `[![x](https://example.com/a.png)](https://example.org/)`,
			`<p><a href="https://example.org/" rel="noopener noreferrer">x</a></p>` + "\n"},
		{"raw HTML omitted", "a <b>x</b> c", "<p>a x c</p>\n"},
		{"entities", "&amp; &copy; &#1575;", "<p>&amp; © ا</p>\n"},
		{"NUL", "a\x00b", "<p>a\uFFFDb</p>\n"},
		{"invalid UTF-8", "a\xffb", "<p>a\uFFFDb</p>\n"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Render(tt.src)
			if got != tt.want {
				t.Errorf("Render(%q)\n got %q\nwant %q", tt.src, got, tt.want)
			}
			checkSafe(t, parse(t, got), got)
		})
	}
}

// Render holds each table in the box that components.TableWrap draws, so that the page's styles and
// the phone-width checks treat a body's tables as every other.
func TestTableBoxIsTableWrap(t *testing.T) {
	var b strings.Builder
	ctx := templ.WithChildren(context.Background(), templ.Raw("<table></table>"))
	if err := components.TableWrap("الف، ب").Render(ctx, &b); err != nil {
		t.Fatal(err)
	}
	want := firstElement(parse(t, b.String()), "div")
	got := firstElement(parse(t, Render("| الف | ب |\n|---|---|\n| 1 | 2 |")), "div")
	if want == nil || got == nil {
		t.Fatalf("no box: component %q, Render %v", b.String(), got)
	}
	sortAttrs := func(a []html.Attribute) []html.Attribute {
		a = slices.Clone(a)
		slices.SortFunc(a, func(x, y html.Attribute) int { return strings.Compare(x.Key, y.Key) })
		return a
	}
	if g, w := sortAttrs(got.Attr), sortAttrs(want.Attr); !slices.Equal(g, w) {
		t.Errorf("box %v, TableWrap %v", g, w)
	}
}

func TestHTML(t *testing.T) {
	src := "# عنوان\n\n[x](javascript:alert(1)) و [y](https://example.com/)"
	var b strings.Builder
	if err := HTML(src).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	if b.String() != Render(src) {
		t.Errorf("HTML %q, Render %q", b.String(), Render(src))
	}
}

func TestPlain(t *testing.T) {
	tests := []struct {
		name, src string
		n         int
		want      string
	}{
		{"markup dropped", "# عنوان\n\nمتن **پررنگ** و *کج*.", 100, "عنوان متن پررنگ و کج."},
		{"blocks and lines are spaced", "- یک\n- دو\n\n> سه  \nچهار", 100, "یک دو سه چهار"},
		{"table", "| a | b |\n|---|---|\n| 1 | 2 |", 100, "a b 1 2"},
		{"link keeps its text", "[بخشنامه](https://example.com/) و <https://example.org/>", 100, "بخشنامه و https://example.org/"},
		{"entities decoded", "&lt;b&gt; &amp; &quot;x&quot; &#1575;", 100, `<b> & "x" ا`},
		{"raw HTML dropped", "a <script>alert(1)</script> <b>b</b>", 100, "a alert(1) b"},
		{"HTML block dropped", "<div>\nx\n</div>\n\ny", 100, "y"},
		{"code kept", "```\nx := 1\n```", 100, "x := 1"},
		{"image text kept", "![نمودار](/guidance/1/attachments/1) و ![x](https://example.com/a.png)", 100, "و x"},
		{"ZWNJ kept", "می‌شود", 100, "می‌شود"},
		{"bidi controls dropped", "a\u202eb\u2066c\u2069d", 100, "abcd"},
		{"controls dropped", "a\x01b\tc", 100, "ab c"},
		{"exactly n", "یک دو", 5, "یک دو"},
		{"cut with ellipsis", "یک دو سه", 5, "یک د…"},
		{"cut at a space", "یک دو سه", 4, "یک…"},
		{"cut to one", "abc", 1, "…"},
		{"zero", "abc", 0, ""},
		{"negative", "abc", -1, ""},
		{"empty", "", 10, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Plain(tt.src, tt.n)
			if got != tt.want {
				t.Errorf("Plain(%q, %d) = %q, want %q", tt.src, tt.n, got, tt.want)
			}
			if tt.n > 0 && utf8.RuneCountInString(got) > tt.n {
				t.Errorf("Plain(%q, %d) has %d characters", tt.src, tt.n, utf8.RuneCountInString(got))
			}
		})
	}
}

func TestDir(t *testing.T) {
	tests := []struct{ src, want string }{
		{"سلام", "rtl"},
		{"Excel را باز کنید و فایل را ذخیره کنید", "rtl"}, // a Persian body that starts with a Latin word
		{"Hello", "ltr"},
		{"سلام to everyone here", "ltr"},
		{"# ۱۲۳", "rtl"},
		{"", "rtl"},
		{"[خانه](https://example.com/a/very/long/latin/address)", "rtl"}, // the address is not text
	}
	for _, tt := range tests {
		if got := Dir(tt.src); got != tt.want {
			t.Errorf("Dir(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

// Render and Plain take any input: invalid UTF-8, control characters, a body longer than MaxChars (its
// first MaxChars characters are read) and the inputs that make a Markdown reader slow.
func TestAnyInput(t *testing.T) {
	long := strings.Repeat("ا", MaxChars) + "END"
	if out := Render(long); strings.Contains(out, "END") || !strings.Contains(out, "اااا") {
		t.Errorf("a long body is not cut at MaxChars: ends %q", out[max(0, len(out)-40):])
	}
	if got := Plain(long, MaxChars+10); strings.Contains(got, "END") {
		t.Error("Plain reads past MaxChars")
	}
	n := MaxChars
	slow := map[string]string{
		"nested quotes":      strings.Repeat(">", n),
		"open links":         strings.Repeat("[a](", n/4),
		"open brackets":      strings.Repeat("[", n),
		"open images":        strings.Repeat("![", n/2),
		"emphasis":           strings.Repeat("**a*", n/4),
		"nested lists":       strings.Repeat("- ", n/2),
		"references":         strings.Repeat("[a]: /u\n", n/16) + strings.Repeat("[a]", n/6),
		"wide table":         strings.Repeat("|a", n/6) + "\n" + strings.Repeat("|-", n/6) + "\n" + strings.Repeat("|x", n/6),
		"long table":         "|a|b|\n|-|-|\n" + strings.Repeat("|x|\n", n/4),
		"backticks":          strings.Repeat("`a``", n/4),
		"angle brackets":     strings.Repeat("<a", n/2),
		"mixed":              strings.Repeat("*[_`<!~", n/7),
		"controls":           strings.Repeat("\x00\x01\x1b\u202e", n/4),
		"invalid UTF-8":      strings.Repeat("\xff\xfe", n/2),
		"far beyond the cap": strings.Repeat(">", 20*n),
	}
	for name, src := range slow {
		start := time.Now()
		out := Render(src)
		_ = Plain(src, 200)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: %v", name, d)
		}
		if !utf8.ValidString(out) {
			t.Errorf("%s: output is not UTF-8", name)
		}
		checkSafe(t, parse(t, out), name)
	}
}

func parse(t *testing.T, s string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func firstElement(doc *html.Node, name string) *html.Node {
	var found *html.Node
	walk(doc, func(n *html.Node) {
		if found == nil && n.Type == html.ElementNode && n.Data == name {
			found = n
		}
	})
	return found
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

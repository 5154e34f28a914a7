package components

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
)

func render(t *testing.T, lang i18n.Lang, c templ.Component) string {
	t.Helper()
	var b strings.Builder
	if err := c.Render(i18n.NewContext(context.Background(), lang), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The options of a field change only what they are for: the keypad, the "(optional)" mark and a hint read
// with the field (with its error, when it has one).
func TestFieldOptions(t *testing.T) {
	bad := NewForm()
	bad.Errors["n"] = i18n.M("err.required")
	tests := []struct {
		name  string
		lang  i18n.Lang
		c     templ.Component
		wants []string
		nots  []string
	}{
		{"plain", i18n.Fa, Field(NewForm(), "n", "نام", "text", "off", true),
			[]string{`<label for="f-n">نام`, `required`}, []string{"inputmode", "optional", "aria-describedby", "hint"}},
		{"numeric", i18n.Fa, Field(NewForm(), "n", "کد ملی", "text", "off", true, Numeric),
			[]string{`inputmode="numeric"`}, []string{"optional"}},
		{"numeric password stays a password", i18n.Fa, Field(NewForm(), "p", "رمز", "password", "new-password", true, Numeric),
			[]string{`type="password"`}, []string{"inputmode"}},
		{"optional fa", i18n.Fa, Field(NewForm(), "n", "تلفن", "tel", "off", false, Optional),
			[]string{`<span class="optional">(اختیاری)</span></label>`}, []string{"inputmode", "required"}},
		{"optional en", i18n.En, Field(NewForm(), "n", "Phone", "tel", "off", false, Numeric, Optional),
			[]string{`<span class="optional">(optional)</span>`, `inputmode="numeric"`}, nil},
		{"hint", i18n.Fa, Field(NewForm(), "n", "تاریخ", "text", "off", true, Hint("یک خط توضیح")),
			[]string{`<p class="hint" id="h-n">یک خط توضیح</p>`, `aria-describedby="h-n"`}, []string{"aria-invalid"}},
		{"hint and error", i18n.Fa, Field(bad, "n", "تاریخ", "text", "off", true, Hint("یک خط توضیح")),
			[]string{`aria-describedby="h-n e-n"`, `aria-invalid="true"`, `<p class="error" id="e-n">`}, nil},
		{"prefixed ids", i18n.Fa, Field(bad.WithPrefix("pool-"), "n", "تاریخ", "text", "off", true, Hint("x")),
			[]string{`id="h-pool-n"`, `aria-describedby="h-pool-n e-pool-n"`}, nil},
		{"select optional", i18n.En, Select(NewForm(), "s", "Office", []Option{{"a", "A"}}, false, Optional),
			[]string{`<span class="optional">(optional)</span>`}, []string{"required"}},
		{"text area optional with hint", i18n.En, TextArea(NewForm(), "t", "Notes", false, Optional, Hint("Why")),
			[]string{`(optional)`, `<p class="hint" id="h-t">Why</p>`, `<textarea id="f-t" name="t" rows="3" aria-describedby="h-t">`}, nil},
	}
	for _, tt := range tests {
		html := render(t, tt.lang, tt.c)
		for _, w := range tt.wants {
			if !strings.Contains(html, w) {
				t.Errorf("%s: lacks %q in %s", tt.name, w, html)
			}
		}
		for _, n := range tt.nots {
			if strings.Contains(html, n) {
				t.Errorf("%s: has %q in %s", tt.name, n, html)
			}
		}
	}
}

// A table's box scrolls by itself, is named and takes the keyboard's focus.
func TestTableWrap(t *testing.T) {
	var b strings.Builder
	ctx := templ.WithChildren(context.Background(), templ.Raw("<table></table>"))
	if err := TableWrap("داوطلبان").Render(ctx, &b); err != nil {
		t.Fatal(err)
	}
	want := `<div class="table-wrap" role="region" aria-label="داوطلبان" tabindex="0"><table></table></div>`
	if b.String() != want {
		t.Errorf("TableWrap = %s, want %s", b.String(), want)
	}
}

// An import's preview: its card says what the page gives it and offers the confirmation only when given
// one; its tables show rows of any type, each with its line, the page's cells (text or markup, as figures
// or left to right) and, for rejected rows, every problem, under their fixed ids.
func TestImportPreview(t *testing.T) {
	type member struct {
		Line  int
		Name  string
		Count int
		New   bool
	}
	rejected := RowTable[store.ImportRow]{
		Caption: "Rejected rows",
		Line:    "Line",
		LineOf:  func(r store.ImportRow) int { return r.Line },
		Columns: []Column[store.ImportRow]{
			{Heading: "Full name", Text: func(r store.ImportRow) string { return r.Values["full_name"] }},
			{Heading: "National ID", LTR: true, Text: func(r store.ImportRow) string { return r.Values["national_id"] }},
		},
		Rows: []store.ImportRow{
			{Line: 3, Values: map[string]string{"full_name": "Ali <b>", "national_id": "123"}, Problems: []store.ImportProblem{
				{Field: "national_id", Msg: i18n.M("err.required")}, {Msg: i18n.M("err.import_encoding")}}},
			{Line: 1200, Values: map[string]string{"full_name": "Reza"}},
		},
		Problems:   "Problems",
		ProblemsOf: func(r store.ImportRow) []store.ImportProblem { return r.Problems },
		Page:       1,
		Pages:      2,
		Href:       func(n int) templ.SafeURL { return templ.SafeURL("/x?rejected=" + strconv.Itoa(n) + "#rejected-rows") },
	}
	ready := RowTable[member]{
		Caption: "Ready rows",
		Line:    "Row",
		LineOf:  func(m member) int { return m.Line },
		Columns: []Column[member]{
			{Heading: "Name", Cell: func(m member) templ.Component {
				if m.New {
					return Badge(ToneOK, m.Name)
				}
				return templ.Raw(templ.EscapeString(m.Name))
			}},
			{Heading: "Count", Num: true, Text: func(m member) string { return strconv.Itoa(m.Count) }},
		},
		Rows: []member{{Line: 2, Name: "Sara", Count: 7, New: true}, {Line: 4, Name: "Omid", Count: 9}},
	}
	tables := templ.Join(RejectedRows(rejected), ReadyRows(ready))
	card := Preview{Title: "Preview of «a.csv»", Counts: "2 ready, 2 rejected",
		Confirm: &PreviewConfirm{Action: "/things/import", ID: 42, Button: "Import 2 rows",
			Question: Question{What: i18n.M("confirm.cancel"), Yes: i18n.M("pager.next")}}}
	done := card
	done.Done, done.Err = "Imported.", i18n.M("err.required")
	none := card
	none.Confirm = nil

	tests := []struct {
		name        string
		p           Preview
		wants, nots []string
	}{
		{"confirmable", card, []string{
			`<section class="card" aria-labelledby="preview-h"><h2 id="preview-h">Preview of «a.csv»</h2><p>2 ready, 2 rejected</p>`,
			`<form method="post" action="/things/import" enctype="multipart/form-data" data-confirm="Cancel" data-confirm-no="Cancel" data-confirm-yes="Next page">` +
				`<input type="hidden" name="import" value="42"> <button type="submit">Import 2 rows</button></form>`,
			`<div class="table-wrap" role="region" aria-label="Rejected rows" tabindex="0"><table id="rejected-rows"><caption>Rejected rows</caption> ` +
				`<thead><tr><th scope="col">Line</th><th scope="col">Full name</th><th scope="col">National ID</th><th scope="col">Problems</th></tr></thead> `,
			`<tr><td class="num">3</td><td>Ali &lt;b&gt;</td><td dir="ltr">123</td><td><ul class="violations">` +
				`<li>National ID: Fill in this field.</li><li>This cell is not UTF-8 text; save the file as UTF-8.</li></ul></td></tr>`,
			`<tr><td class="num">1,200</td><td>Reza</td><td dir="ltr"></td><td><ul class="violations"></ul></td></tr></tbody></table></div>`,
			`<nav class="pager" aria-label="Rejected rows"><span>Page 1 of 2</span> <a rel="next" href="/x?rejected=2#rejected-rows">Next page</a></nav>`,
			`<div class="table-wrap" role="region" aria-label="Ready rows" tabindex="0"><table id="ready-rows"><caption>Ready rows</caption> ` +
				`<thead><tr><th scope="col">Row</th><th scope="col">Name</th><th scope="col">Count</th></tr></thead> <tbody>` +
				`<tr><td class="num">2</td><td><span class="badge badge-ok">Sara</span></td><td class="num">7</td></tr>` +
				`<tr><td class="num">4</td><td>Omid</td><td class="num">9</td></tr></tbody></table></div></section>`,
		}, []string{`role="alert"`, `<p>Imported.</p>`, `aria-label="Ready rows"><span>`}},
		{"imported, with an error", done, []string{
			`<p>2 ready, 2 rejected</p><div class="alert alert-error" role="alert">Fill in this field.</div><p>Imported.</p>`,
			`id="rejected-rows"`, `id="ready-rows"`,
		}, []string{`<form`, `name="import"`}},
		{"nothing to confirm", none, []string{`<p>2 ready, 2 rejected</p><div class="table-wrap"`}, []string{`<form`, `role="alert"`}},
	}
	for _, tt := range tests {
		var b strings.Builder
		ctx := templ.WithChildren(i18n.NewContext(context.Background(), i18n.En), tables)
		if err := ImportPreview(tt.p).Render(ctx, &b); err != nil {
			t.Fatal(err)
		}
		html := b.String()
		for _, w := range tt.wants {
			if !strings.Contains(html, w) {
				t.Errorf("%s: lacks %q in %s", tt.name, w, html)
			}
		}
		for _, n := range tt.nots {
			if strings.Contains(html, n) {
				t.Errorf("%s: has %q in %s", tt.name, n, html)
			}
		}
	}
}

// Text writes what a templ expression writes: the text, escaped.
func TestText(t *testing.T) {
	for _, s := range []string{"", "مریم کریمی", `<b>"a" & 'b'</b>`, "۱۴۰۵/۰۲/۱۱ ۰۰:۳۰", "a\u200cb"} {
		if got, want := render(t, i18n.Fa, Text(s)), templ.EscapeString(s); got != want {
			t.Errorf("Text(%q) wrote %q, want %q", s, got, want)
		}
	}
}

// A badge is its text on its tone's class.
func TestBadge(t *testing.T) {
	for _, c := range []struct {
		tone Tone
		text string
		want string
	}{
		{ToneApproved, "تأیید شده", `<span class="badge badge-approved">تأیید شده</span>`},
		{ToneBad, `2 "conflicts" <b>`, `<span class="badge badge-bad">2 &#34;conflicts&#34; &lt;b&gt;</span>`},
		{Tone(`x"y`), "t", `<span class="badge badge-x&#34;y">t</span>`},
	} {
		if got := render(t, i18n.En, Badge(c.tone, c.text)); got != c.want {
			t.Errorf("Badge(%q, %q) wrote %q, want %q", c.tone, c.text, got, c.want)
		}
	}
}

// A change list's line is ChangeLine's, for a change, a record created and a record removed, in both
// languages.
func TestChangeListLines(t *testing.T) {
	cs := []Change{Changed("Name", "Ali <b>", "Reza"), Set("Phone", "0912"), Removed("Role", "chair")}
	for _, lang := range []i18n.Lang{i18n.Fa, i18n.En} {
		want := `<ul class="change-list">`
		for _, c := range cs {
			want += "<li>" + render(t, lang, ChangeLine(c)) + "</li>"
		}
		want += "</ul>"
		if got := render(t, lang, ChangeList(cs)); got != want {
			t.Errorf("%s: list\n%s\nwant\n%s", lang, got, want)
		}
	}
	if got, want := render(t, i18n.En, ChangeLine(cs[0])), `<span class="change-label">Name:</span> <bdi class="change-before">Ali &lt;b&gt;</bdi> `+
		`<span class="change-arrow" aria-hidden="true">→</span> <span class="visually-hidden">changed to</span> <bdi class="change-after">Reza</bdi>`; got != want {
		t.Errorf("line %s, want %s", got, want)
	}
	if got := render(t, i18n.Fa, ChangeList(nil)); got != "" {
		t.Errorf("an empty list wrote %q", got)
	}
}

// The province chooser is drawn for the Ministry's reader alone, with his choice selected (or an empty
// choice for a list of every province) and ids of its own; the empty state and a list's section are
// one shape on every page.
func TestListParts(t *testing.T) {
	fars := store.Province{ID: 1, Code: "fars", NameFa: "فارس", NameEn: "Fars"}
	ps := []store.Province{fars, {ID: 2, Code: "yazd", NameFa: "یزد", NameEn: "Yazd"}}
	if html := render(t, i18n.Fa, ProvinceChooser(ProvinceChoice{}, "/tasks", "tasks-province", false)); html != "" {
		t.Errorf("a reader with his own province gets a chooser: %s", html)
	}
	html := render(t, i18n.En, ProvinceChooser(ProvinceChoice{Provinces: ps, Chosen: &ps[0]}, "/tasks", "tasks-province", false))
	for _, w := range []string{`action="/tasks"`, `method="get"`, `id="tasks-province"`, `id="f-tasks-province-province"`,
		`<option value="fars" selected`, `>Show</button>`, `required`} {
		if !strings.Contains(html, w) {
			t.Errorf("chooser lacks %q in %s", w, html)
		}
	}
	html = render(t, i18n.En, ProvinceChooser(ProvinceChoice{Provinces: ps}, "/guidance", "province-form", true))
	if strings.Contains(html, "selected") || strings.Contains(html, "required") || !strings.Contains(html, `<option value=""`) {
		t.Errorf("a chooser of every province: %s", html)
	}
	if got, want := render(t, i18n.Fa, Empty("چیزی نیست.")), `<p class="empty">چیزی نیست.</p>`; got != want {
		t.Errorf("Empty = %s, want %s", got, want)
	}
	var b strings.Builder
	ctx := templ.WithChildren(context.Background(), templ.Raw("<ul></ul>"))
	if err := ListSection("list-h", "Tasks").Render(ctx, &b); err != nil {
		t.Fatal(err)
	}
	if want := `<section aria-labelledby="list-h"><h2 id="list-h">Tasks</h2><ul></ul></section>`; b.String() != want {
		t.Errorf("ListSection = %s, want %s", b.String(), want)
	}
	c := ProvinceChoice{Provinces: ps, Chosen: &fars}
	if c.Query() != "province=fars" || c.ID(9) != 1 || (ProvinceChoice{}).ID(9) != 9 || c.Choosing() || !(ProvinceChoice{Provinces: ps}).Choosing() {
		t.Errorf("ProvinceChoice: %q %d", c.Query(), c.ID(9))
	}
}

// TestRenewOnceIDs: every create form of a kept page gets a new id of its own each time; a page without
// one is returned as it is.
func TestRenewOnceIDs(t *testing.T) {
	id := strings.Repeat("a", 32)
	page := []byte(`<form><input type="hidden" name="form_id" value="` + id + `"></form>` +
		`<form><input type="hidden" name="form_id" value="` + id + `"></form><input name="form_id" value="short">`)
	ids := regexp.MustCompile(`name="form_id" value="([0-9a-f]{32})"`)
	seen := map[string]bool{id: true}
	for range 3 {
		got := RenewOnceIDs(page)
		m := ids.FindAllSubmatch(got, -1)
		if len(m) != 2 || !strings.HasSuffix(string(got), `<input name="form_id" value="short">`) {
			t.Fatalf("renewed page: %s", got)
		}
		for _, v := range m {
			if seen[string(v[1])] {
				t.Errorf("id %s given twice", v[1])
			}
			seen[string(v[1])] = true
		}
	}
	if !strings.Contains(string(page), id) {
		t.Error("the kept page itself was changed")
	}
	plain := []byte("<p>no form</p>")
	if got := RenewOnceIDs(plain); &got[0] != &plain[0] {
		t.Error("a page without a create form was copied")
	}
}

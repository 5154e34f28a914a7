package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/setad/setad/internal/persian"
)

// Every list and timeline page takes the Ministry's province the same way: its code in either case, 404
// for a code that names none; any other reader's parameter is ignored, his province is his own.
func TestChosenProvince(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	national, hq := a.login("national"), a.login("hq.fars")
	for _, page := range []string{"/guidance", "/tasks", "/trainings", "/questions", "/faq", "/timeline", "/timeline/matrix"} {
		for _, code := range []string{"fars", "FARS", " Fars "} {
			res := a.get(national, page+"?province="+url.QueryEscape(code))
			if res.status != http.StatusOK {
				t.Errorf("national %s?province=%q: %d", page, code, res.status)
				continue
			}
			// The timeline draws its chooser under the current election's title, which the test has not.
			if page != "/timeline" && !strings.Contains(res.body, `<option value="fars" selected`) {
				t.Errorf("national %s?province=%q: fars not selected", page, code)
			}
		}
		if res := a.get(national, page+"?province=nowhere"); res.status != http.StatusNotFound {
			t.Errorf("national %s, an unknown province: %d", page, res.status)
		}
		if res := a.get(national, page); res.status != http.StatusOK || strings.Contains(res.body, `<option value="fars" selected`) {
			t.Errorf("national %s, none chosen: %d", page, res.status)
		}
		res := a.get(hq, page+"?province=nowhere")
		if res.status != http.StatusOK {
			t.Errorf("HQ %s with another province's parameter: %d", page, res.status)
		}
		mustNotContain(t, res.body, `name="province"`)
	}
}

// The circulars' list is paged, the newest first, and its titles are searched with the Arabic and the
// Persian letter forms taken as one.
func TestGuidancePagedAndSearched(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	hq, committee := a.login("hq.fars"), a.login("committee")
	if _, err := a.st.Pool().Exec(t.Context(), `
		INSERT INTO guidance (province_id, committee_key, title, title_norm, body, audience_province, status, revision, published_at)
		SELECT p.id, 'technology', 'c' || i || 'x', 'c' || i || 'x', 'متن', true, 'published', 1, now() - i * interval '1 minute'
		FROM provinces p, generate_series(1, 201) i WHERE p.code = 'fars'`); err != nil {
		t.Fatal(err)
	}
	first := a.get(hq, "/guidance")
	mustContain(t, first.body, ">c1x<", ">c200x<", `href="/guidance?page=2"`)
	mustNotContain(t, first.body, ">c201x<")
	second := a.get(hq, "/guidance?page=2")
	if second.status != http.StatusOK {
		t.Fatalf("page 2: %d", second.status)
	}
	mustContain(t, second.body, ">c201x<", `href="/guidance"`)
	mustNotContain(t, second.body, ">c1x<", ">c200x<")

	arabic := "\u0643\u062a\u0627\u0628 \u064a\u0627\u062f" // كتاب ياد, the Arabic kaf and yeh
	persianTitle := "راهنمای کیفیت"
	for _, title := range []string{arabic, persianTitle} {
		id := a.newGuidance(committee, guidanceFields(title, "متن"))
		page := "/guidance/" + itoa(id)
		v := formVersionOn(t, a.get(committee, page).body)
		if res := a.post(committee, page+"/publish", url.Values{"version": {v}, "confirm": {"yes"}}); res.status != http.StatusSeeOther {
			t.Fatalf("publish: %d", res.status)
		}
	}
	for _, c := range []struct{ q, finds, not string }{
		{"کتاب یاد", arabic, persianTitle},                       // Persian letters find the Arabic title
		{"\u0643\u064a\u0641\u064a\u062a", persianTitle, arabic}, // كيفيت, Arabic letters find the Persian one
		{"کتاب\u200cیاد", arabic, persianTitle},                  // a ZWNJ for the space
	} {
		res := a.get(hq, "/guidance?q="+url.QueryEscape(c.q))
		if res.status != http.StatusOK {
			t.Fatalf("search %q: %d", c.q, res.status)
		}
		mustContain(t, res.body, ">"+c.finds+"<", persian.ToPersianDigits("1")+" بخشنامه برای")
		mustNotContain(t, res.body, ">"+c.not+"<", ">c1x<")
	}
	if res := a.get(hq, "/guidance?q="+strings.Repeat("ا", 101)); res.status != http.StatusUnprocessableEntity {
		t.Errorf("a search too long: %d", res.status)
	}
	// The search is kept on the next page's link.
	res := a.get(hq, "/guidance?q=c")
	mustContain(t, res.body, `href="/guidance?page=2&amp;q=c"`)
}

// A circular's receipts are filtered by acknowledgement and, for HQ, by county.
func TestGuidanceReceiptsFiltered(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	hq, committee, gov := a.login("hq.fars"), a.login("committee"), a.login("gov.marvdasht")
	id := a.newGuidance(committee, guidanceFields("پالایه گیرندگان", "متن", "marvdasht", "pasargad"))
	page := "/guidance/" + itoa(id)
	v := formVersionOn(t, a.get(committee, page).body)
	if res := a.post(committee, page+"/publish", url.Values{"version": {v}, "confirm": {"yes"}}); res.status != http.StatusSeeOther {
		t.Fatalf("publish: %d", res.status)
	}
	if res := a.post(gov, page+"/ack", url.Values{}); res.status != http.StatusSeeOther {
		t.Fatalf("ack: %d", res.status)
	}
	rows := func(query string) (marvdasht, pasargad bool) {
		t.Helper()
		res := a.get(hq, page+query)
		if res.status != http.StatusOK {
			t.Fatalf("%s: %d", query, res.status)
		}
		i := strings.Index(res.body, `<table class="receipts">`)
		table := ""
		if i >= 0 {
			table = res.body[i:]
			table = table[:strings.Index(table, "</table>")]
		}
		return strings.Contains(table, "مرودشت"), strings.Contains(table, "پاسارگاد")
	}
	for _, c := range []struct {
		query               string
		marvdasht, pasargad bool
	}{
		{"", true, true},
		{"?acked=yes", true, false},
		{"?acked=no", false, true},
		{"?county=pasargad", false, true},
		{"?county=marvdasht&acked=no", false, false},
	} {
		if m, p := rows(c.query); m != c.marvdasht || p != c.pasargad {
			t.Errorf("%q: Marvdasht %v, Pasargad %v; want %v, %v", c.query, m, p, c.marvdasht, c.pasargad)
		}
	}
	for _, q := range []string{"?acked=maybe", "?county=nowhere"} {
		if res := a.get(hq, page+q); res.status != http.StatusNotFound {
			t.Errorf("%s: %d", q, res.status)
		}
	}
	if res := a.get(gov, page+"?county=pasargad"); res.status != http.StatusNotFound {
		t.Errorf("a governor asks for another county's receipts: %d", res.status)
	}
}

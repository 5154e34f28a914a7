package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/setad/setad/internal/persian"
)

// dashNumCell is a dashboard's number with the list it links to.
var dashNumCell = regexp.MustCompile(`<a class="dash-num" href="([^"]+)">(?s:.*?)<bdi>([^<]+)</bdi>`)

// faInt reads a number written in Persian digits with a thousands separator.
func faInt(t testing.TB, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, persian.ToLatinDigits(s)))
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return n
}

// listRows is how many rows the list page body of path shows, counted as the list counts them: its
// total where it writes one (a list of pages), else its rows.
func listRows(t testing.TB, path, body string) int {
	t.Helper()
	total := func(re, none string) int {
		if m := regexp.MustCompile(re).FindStringSubmatch(body); m != nil {
			return faInt(t, m[1])
		}
		if none != "" && strings.Contains(body, none) {
			return 0
		}
		t.Fatalf("%s: no count on the page", path)
		return 0
	}
	switch path {
	case "/boards":
		return strings.Count(body, `<td><a href="/boards/`)
	case "/timeline":
		return strings.Count(body, `class="tl-item"`)
	case "/tasks":
		return total(`(\S+) نسخه؛`, "نسخه‌ای با این پالایه‌ها نیست.")
	case "/guidance":
		return total(`(\S+) بخشنامه با این پالایه‌ها`, "")
	case "/candidates":
		return total(`(\S+) داوطلب یافت شد`, "")
	case "/incidents":
		return total(`حادثه‌ها \((\S+)\)`, "")
	case "/trainings":
		return total(`(\S+) جا \(فرمانداری یا بخش\)`, "همه جاها دست‌کم در یک دوره حاضر شده‌اند.")
	case "/readiness":
		i := strings.Index(body, `<table id="missed">`)
		if i < 0 {
			if strings.Contains(body, "روزی جا نمانده است.") {
				return 0
			}
			t.Fatalf("%s: no missed days' table", path)
		}
		table := body[i : i+strings.Index(body[i:], "</table>")]
		return strings.Count(table, `<th scope="row">`)
	}
	t.Fatalf("a link to an unknown list: %s", path)
	return 0
}

// followNumbers follows every number of the dashboard on page (of the rows keep chooses, by the row's
// first cell and the number's link) and checks that the list it opens shows exactly that many rows; it
// returns how many it followed.
func (a *testApp) followNumbers(c *http.Client, page string, keep func(name string, link url.Values) bool) int {
	a.t.Helper()
	res := a.get(c, page)
	if res.status != http.StatusOK {
		a.t.Fatalf("%s: %d", page, res.status)
	}
	table := res.body[strings.Index(res.body, `class="dash-table"`):]
	table = table[strings.Index(table, "<tbody>"):strings.Index(table, "</tbody>")]
	n := 0
	for _, row := range strings.Split(table, "<tr>")[1:] {
		name := row[:strings.Index(row, "</th>")]
		for _, m := range dashNumCell.FindAllStringSubmatch(row, -1) {
			href := strings.ReplaceAll(m[1], "&amp;", "&")
			path, query, _ := strings.Cut(href, "?")
			q, err := url.ParseQuery(query)
			if err != nil {
				a.t.Fatal(err)
			}
			if !keep(name, q) {
				continue
			}
			n++
			list := a.get(c, href)
			if list.status != http.StatusOK {
				a.t.Errorf("%s: %s answers %d", page, href, list.status)
				continue
			}
			got := listRows(a.t, path, list.body)
			// The boards' list writes no total: its pages are counted.
			for p := 2; path == "/boards" && got == (p-1)*boardPageSize; p++ {
				got += listRows(a.t, path, a.get(c, href+"&page="+strconv.Itoa(p)).body)
			}
			if want := faInt(a.t, m[2]); got != want {
				a.t.Errorf("%s: %s lists %d, the dashboard says %d", page, href, got, want)
			}
		}
	}
	return n
}

// Every number of the demo's dashboards opens a list of exactly that many rows: HQ's counties, a county's
// own place and its districts, the Ministry's country and its drill-down to a province and its county
// (every link carrying the province).
func TestDashboardNumbersMatchTheirLists(t *testing.T) {
	a := newTestApp(t)
	a.withDemo()
	hq, national := a.login("hq.fars"), a.login("national")
	counties := func(name string, _ url.Values) bool {
		for _, c := range []string{"marvdasht", "shiraz", "pasargad", "arsanjan"} {
			if strings.Contains(name, `href="/counties/`+c+`"`) {
				return true
			}
		}
		return false
	}
	// A county's page: the county's own row (its lists with level=county) and each district's (district=).
	places := func(name string, q url.Values) bool {
		if own := strings.Contains(name, "(خود شهرستان)"); own != (q.Get("level") == "county") || own == (q.Get("district") != "") {
			t.Errorf("a link of a county's page not to its row's place: %s %v", name, q)
		}
		return true
	}
	withProvince := func(keep func(string, url.Values) bool) func(string, url.Values) bool {
		return func(name string, q url.Values) bool {
			if q.Get("province") != "fars" {
				t.Errorf("a link of the Ministry's drill-down without its province: %v", q)
			}
			return keep(name, q)
		}
	}
	for _, c := range []struct {
		who  *http.Client
		page string
		keep func(string, url.Values) bool
		min  int
	}{
		{hq, "/", counties, 4 * 10},
		{hq, "/counties/marvdasht", places, 6 * 10},
		{national, "/", func(string, url.Values) bool { return true }, 10},
		{national, "/?province=fars", withProvince(counties), 4 * 10},
		{national, "/counties/marvdasht", withProvince(places), 6 * 10},
	} {
		if n := a.followNumbers(c.who, c.page, c.keep); n < c.min {
			t.Errorf("%s: only %d numbers followed", c.page, n)
		}
	}
}

// The lists a district's row links to take ?district=: a district of another county, of another's
// scope, or of none is not found.
func TestDistrictFilterScope(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	hq, gov := a.login("hq.fars"), a.login("gov.pasargad")
	for _, list := range []string{"/boards", "/candidates", "/incidents", "/readiness?missed=1&", "/timeline"} {
		path := list
		if !strings.Contains(path, "?") {
			path += "?"
		}
		a.statusOf(hq, path+"county=marvdasht&district=marvdasht-dorudzan", http.StatusOK)
		a.statusOf(hq, path+"county=marvdasht&district=pasargad-central", http.StatusNotFound)
		a.statusOf(hq, path+"county=marvdasht&district=nowhere", http.StatusNotFound)
		if list != "/readiness?missed=1&" { // a governor's readiness list is his own places' (no filter)
			a.statusOf(gov, path+"county=pasargad&district=marvdasht-central", http.StatusNotFound)
		}
	}
}

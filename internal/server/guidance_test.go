package server

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/net/html"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/seed"
	"github.com/setad/setad/internal/store"
)

// testDOCX is a minimal Word document: the parts that make a ZIP a DOCX.
func testDOCX(t testing.TB) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for name, body := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"_rels/.rels":         `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>`,
		"word/document.xml":   `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>`,
	} {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(w, body)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// filePart is a file of a multipart post.
type filePart struct {
	field, name, ctype string
	data               []byte
}

// multipartOf writes fields and files as a multipart form, the fields first as a browser sends them.
func multipartOf(t testing.TB, fields url.Values, files ...filePart) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, f.field, f.name))
		h.Set("Content-Type", f.ctype)
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(f.data)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), mw.FormDataContentType()
}

// postBody posts body with its content type.
func (a *testApp) postBody(c *http.Client, path, ctype string, body io.Reader) response {
	a.t.Helper()
	req, err := http.NewRequest(http.MethodPost, a.srv.URL+path, body)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	res, err := c.Do(req)
	if err != nil {
		a.t.Fatalf("POST %s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

// postMultipart posts fields and files as a multipart form.
func (a *testApp) postMultipart(c *http.Client, path string, fields url.Values, files ...filePart) response {
	a.t.Helper()
	body, ctype := multipartOf(a.t, fields, files...)
	return a.postBody(c, path, ctype, bytes.NewReader(body))
}

// newGuidance posts a new circular as the committee member c and returns its id from the redirect.
func (a *testApp) newGuidance(c *http.Client, fields url.Values, files ...filePart) int64 {
	a.t.Helper()
	body, ctype := multipartOf(a.t, fields, files...)
	res := a.postBody(c, "/guidance", ctype, bytes.NewReader(body))
	if res.status != http.StatusSeeOther {
		a.t.Fatalf("new circular: %d\n%s", res.status, res.body)
	}
	return mustInt(a.t, strings.TrimPrefix(res.header.Get("Location"), "/guidance/"))
}

func guidanceFields(title, body string, counties ...string) url.Values {
	v := url.Values{"title": {title}, "body": {body}}
	if len(counties) == 0 {
		v.Set("audience", "province")
	} else {
		v.Set("audience", "counties")
		v["county"] = counties
	}
	return v
}

var guidanceVersion = regexp.MustCompile(`name="version" value="(\d+)"`)

// formVersionOn is the version the page's forms carry.
func formVersionOn(t testing.TB, page string) string {
	t.Helper()
	m := guidanceVersion.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no version on the page")
	}
	return m[1]
}

// The committee drafts a circular with a PDF, previews and publishes it; its places read it, download
// the file and acknowledge it; the committee and HQ remind the rest; everyone else is kept out.
func TestGuidanceRoutes(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	committee, gov, pasargad, dh := a.login("committee"), a.login("gov.marvdasht"), a.login("gov.pasargad"), a.login("dh.marvdasht")
	hq, observer, national := a.login("hq.fars"), a.login("observer"), a.login("national")

	res := a.get(committee, "/guidance")
	if res.status != http.StatusOK {
		t.Fatalf("list: %d", res.status)
	}
	mustContain(t, res.body, `enctype="multipart/form-data"`, `name="attachment"`, `multiple`)
	if res := a.get(gov, "/guidance"); res.status != http.StatusOK || strings.Contains(res.body, `method="post" action="/guidance"`) {
		t.Errorf("a governor's list: %d, with the new form %v", res.status, strings.Contains(res.body, `method="post" action="/guidance"`))
	}
	pdf := seed.DemoPDF()
	fields := guidanceFields("دستورالعمل ثبت‌نام", "متن **مهم**", "marvdasht", "pasargad")
	id := a.newGuidance(committee, fields, filePart{"attachment", "راهنما.pdf", "application/pdf", pdf})
	page := "/guidance/" + itoa(id)
	res = a.get(committee, page)
	mustContain(t, res.body, "<strong>مهم</strong>", "راهنما.pdf", `action="`+page+`/publish"`)
	for _, c := range []*http.Client{gov, hq, observer, national} {
		if res := a.get(c, page); res.status != http.StatusNotFound {
			t.Errorf("a draft read by others: %d", res.status)
		}
	}
	if res := a.get(gov, page+"/attachments/1"); res.status != http.StatusNotFound {
		t.Errorf("a draft's attachment read by a governor: %d", res.status)
	}
	v := formVersionOn(t, res.body)
	if res := a.post(gov, page+"/publish", url.Values{"version": {v}, "confirm": {"yes"}}); res.status != http.StatusNotFound {
		t.Errorf("a governor publishes a draft he cannot read: %d", res.status)
	}
	if res := a.post(committee, page+"/publish", url.Values{"version": {v}}); res.status != http.StatusOK ||
		!strings.Contains(res.body, `name="confirm"`) {
		t.Errorf("publish without confirming: %d", res.status)
	}
	if res := a.post(committee, page+"/publish", url.Values{"version": {v}, "confirm": {"yes"}}); res.status != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", res.status, res.body)
	}
	if res := a.post(committee, page+"/publish", url.Values{"version": {v}, "confirm": {"yes"}}); res.status != http.StatusConflict {
		t.Errorf("publish again from the old page: %d", res.status)
	}

	// The places read it; the district head of Marvdasht's central district is not among them (no districts).
	res = a.get(gov, page)
	if res.status != http.StatusOK {
		t.Fatalf("governor: %d", res.status)
	}
	mustContain(t, res.body, `action="`+page+`/ack"`, "خواندم و اجرا می‌کنم")
	opened := func() int {
		return a.count(`SELECT count(*) FROM guidance_receipts WHERE guidance_id = $1 AND opened_at IS NOT NULL`, id)
	}
	if n := opened(); n != 0 {
		t.Errorf("viewing the page wrote %d receipts opened", n)
	}
	var notice int64
	if err := a.st.Pool().QueryRow(t.Context(), `SELECT id FROM notifications WHERE user_id = $1 AND kind = 'guidance_new'`,
		a.ids["gov.marvdasht"]).Scan(&notice); err != nil {
		t.Fatal(err)
	}
	if res := a.post(gov, "/notifications/read", url.Values{"id": {itoa(notice)}, "open": {"1"}}); res.status != http.StatusSeeOther ||
		res.header.Get("Location") != page {
		t.Errorf("open from the inbox: %d %s", res.status, res.header.Get("Location"))
	}
	if n := opened(); n != 1 {
		t.Errorf("opened from the inbox: %d receipts opened", n)
	}
	if res := a.get(dh, page); res.status != http.StatusNotFound {
		t.Errorf("a district head outside the audience: %d", res.status)
	}
	if res := a.get(gov, "/"); !strings.Contains(res.body, "دستورالعمل ثبت‌نام") {
		t.Error("the governor's home does not list the unacknowledged circular")
	}
	dl := a.get(gov, page+"/attachments/1")
	if dl.status != http.StatusOK || dl.body != string(pdf) {
		t.Fatalf("download: %d, %d bytes", dl.status, len(dl.body))
	}
	for h, want := range map[string]string{
		"Content-Type":           "application/pdf",
		"Content-Disposition":    `attachment; filename="file.pdf"; filename*=UTF-8''%D8%B1%D8%A7%D9%87%D9%86%D9%85%D8%A7.pdf`,
		"X-Content-Type-Options": "nosniff",
		"Content-Length":         itoa(int64(len(pdf))),
	} {
		if got := dl.header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	if csp := dl.header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q", csp)
	}
	// HEAD answers the download's headers without its body, in the same scope.
	head := a.do(gov, http.MethodHead, page+"/attachments/1", nil)
	if head.status != http.StatusOK || head.body != "" {
		t.Errorf("HEAD: %d, %d bytes", head.status, len(head.body))
	}
	for _, h := range []string{"Content-Type", "Content-Length", "Content-Disposition", "X-Content-Type-Options", "Content-Security-Policy"} {
		if got, want := head.header.Get(h), dl.header.Get(h); got != want {
			t.Errorf("HEAD %s: %q, want %q", h, got, want)
		}
	}
	for _, path := range []string{page + "/attachments/2", page + "/attachments/01", page + "/attachments/x"} {
		if res := a.get(gov, path); res.status != http.StatusNotFound {
			t.Errorf("%s: %d", path, res.status)
		}
	}

	// Acting: only the places acknowledge, only the committee and HQ remind, only the committee edits.
	if res := a.post(committee, page+"/ack", url.Values{}); res.status != http.StatusForbidden {
		t.Errorf("the committee acknowledges: %d", res.status)
	}
	if res := a.post(dh, page+"/ack", url.Values{}); res.status != http.StatusNotFound {
		t.Errorf("a district head outside the audience acknowledges: %d", res.status)
	}
	if res := a.post(gov, page+"/ack", url.Values{}); res.status != http.StatusSeeOther {
		t.Fatalf("ack: %d", res.status)
	}
	if res := a.post(gov, page+"/ack", url.Values{}); res.status != http.StatusSeeOther {
		t.Errorf("ack again: %d", res.status)
	}
	if n := a.count(`SELECT count(*) FROM guidance_receipts WHERE guidance_id = $1 AND acked_at IS NOT NULL`, id); n != 1 {
		t.Errorf("%d acknowledged", n)
	}
	if res := a.get(gov, "/"); strings.Contains(res.body, "دستورالعمل ثبت‌نام") {
		t.Error("the home still lists the acknowledged circular")
	}
	for _, c := range []*http.Client{gov, observer, national} {
		if res := a.post(c, page+"/remind", url.Values{}); res.status != http.StatusForbidden {
			t.Errorf("remind by a reader: %d", res.status)
		}
	}
	if res := a.post(committee, page+"/remind", url.Values{}); res.status != http.StatusSeeOther {
		t.Fatalf("remind: %d", res.status)
	}
	if n := a.count(`SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'guidance_reminder'`, a.ids["gov.pasargad"]); n != 1 {
		t.Errorf("Pasargad reminded %d times", n)
	}
	if n := a.count(`SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'guidance_reminder'`, a.ids["gov.marvdasht"]); n != 0 {
		t.Errorf("Marvdasht, which acknowledged, reminded %d times", n)
	}
	if res := a.post(hq, page+"/remind", url.Values{}); res.status != http.StatusSeeOther {
		t.Errorf("HQ reminds: %d", res.status)
	}
	res = a.get(committee, page)
	mustContain(t, res.body, `class="table-wrap"`, "تأییدشده", "تأییدنشده", "مرودشت", "پاسارگاد")
	for _, c := range []*http.Client{gov, hq, observer, national} {
		if res := a.post(c, page+"/edit", url.Values{"title": {"x"}, "body": {"y"}, "version": {"2"}}); res.status != http.StatusForbidden {
			t.Errorf("edit by a reader: %d", res.status)
		}
	}
	if res := a.get(pasargad, page); res.status != http.StatusOK {
		t.Errorf("Pasargad's governor: %d", res.status)
	}

	// Another county's circular, and its attachment, are not Pasargad's.
	other := a.newGuidance(committee, func() url.Values {
		f := guidanceFields("فقط مرودشت", "متن", "marvdasht")
		f.Set("publish", "1")
		return f
	}(), filePart{"attachment", "a.pdf", "application/pdf", pdf})
	for _, path := range []string{"/guidance/" + itoa(other), "/guidance/" + itoa(other) + "/attachments/1"} {
		if res := a.get(pasargad, path); res.status != http.StatusNotFound {
			t.Errorf("%s read by Pasargad: %d", path, res.status)
		}
		if res := a.do(pasargad, http.MethodHead, path, nil); strings.Contains(path, "/attachments/") && res.status != http.StatusNotFound {
			t.Errorf("HEAD %s by Pasargad: %d", path, res.status)
		}
		if res := a.get(gov, path); res.status != http.StatusOK {
			t.Errorf("%s read by Marvdasht: %d", path, res.status)
		}
	}
	if res := a.get(national, "/guidance?province=fars"); res.status != http.StatusOK || !strings.Contains(res.body, "فقط مرودشت") {
		t.Errorf("the Ministry's list of Fars: %d", res.status)
	}
	if res := a.get(national, "/guidance?province=nowhere"); res.status != http.StatusNotFound {
		t.Errorf("an unknown province: %d", res.status)
	}
}

// A member of another committee reads a published circular but changes nothing of it.
func TestGuidanceAnotherCommittee(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	hash, _ := a.s.hasher.Hash(context.Background(), testPassword)
	if _, err := a.st.CreateUser(context.Background(), audit.System, auth.Scope{}, auth.Account{Username: "legal", FullName: "مهدی نوری",
		Role: "committee", Province: "fars", Committee: "legal"}, hash); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.CreateUser(context.Background(), audit.System, auth.Scope{}, auth.Account{Username: "former", FullName: "عضو پیشین",
		Role: "committee", Province: "fars"}, hash); err != nil {
		t.Fatal(err)
	}
	committee, legal, former := a.login("committee"), a.login("legal"), a.login("former")
	draft := a.newGuidance(committee, guidanceFields("پیش‌نویس", "متن"))
	f := guidanceFields("منتشرشده", "متن")
	f.Set("publish", "1")
	published := a.newGuidance(committee, f)
	if res := a.get(legal, "/guidance/"+itoa(draft)); res.status != http.StatusNotFound {
		t.Errorf("another committee's draft: %d", res.status)
	}
	if res := a.post(legal, "/guidance/"+itoa(draft)+"/publish", url.Values{"version": {"1"}, "confirm": {"yes"}}); res.status != http.StatusNotFound {
		t.Errorf("another committee publishes a draft: %d", res.status)
	}
	// A member taken off his committee reads, and does nothing.
	if res := a.get(former, "/guidance"); res.status != http.StatusOK || strings.Contains(res.body, `method="post" action="/guidance"`) {
		t.Errorf("a member without a committee: %d, with the new form %v", res.status, strings.Contains(res.body, `method="post" action="/guidance"`))
	}
	for _, act := range []string{"remind", "edit", "withdraw"} {
		res := a.post(former, "/guidance/"+itoa(published)+"/"+act, url.Values{"title": {"x"}, "body": {"y"}, "reason": {"z"},
			"version": {"2"}, "confirm": {"yes"}})
		if res.status != http.StatusForbidden {
			t.Errorf("a member without a committee posts %s: %d", act, res.status)
		}
	}
	res := a.get(legal, "/guidance/"+itoa(published))
	if res.status != http.StatusOK || strings.Contains(res.body, "/edit") || strings.Contains(res.body, "/remind") {
		t.Errorf("another committee's circular: %d", res.status)
	}
	for _, act := range []string{"edit", "withdraw", "remind", "attachments"} {
		res := a.post(legal, "/guidance/"+itoa(published)+"/"+act, url.Values{"title": {"x"}, "body": {"y"}, "reason": {"z"},
			"version": {"2"}, "confirm": {"yes"}})
		if res.status != http.StatusForbidden {
			t.Errorf("another committee's %s: %d", act, res.status)
		}
	}
}

// The forms come back filled in: 422 for what was typed, 409 when the circular changed since the page
// was drawn; a correction is shown to readers as what changed.
func TestGuidanceFormsComeBack(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	committee, gov := a.login("committee"), a.login("gov.marvdasht")
	body, ctype := multipartOf(t, url.Values{"body": {"متنی که نباید گم شود"}, "audience": {"counties"}})
	res := a.postBody(committee, "/guidance", ctype, bytes.NewReader(body))
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("without a title: %d", res.status)
	}
	mustContain(t, res.body, "متنی که نباید گم شود", `id="e-title"`, `id="e-county"`)
	body, ctype = multipartOf(t, guidanceFields(strings.Repeat("ع", store.MaxGuidanceTitle+1), "م"))
	if res := a.postBody(committee, "/guidance", ctype, bytes.NewReader(body)); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, `id="e-title"`) {
		t.Errorf("a title too long: %d", res.status)
	}
	body, ctype = multipartOf(t, guidanceFields("ت", "م", "nowhere"))
	if res := a.postBody(committee, "/guidance", ctype, bytes.NewReader(body)); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, `id="e-county"`) {
		t.Errorf("an unknown county: %d", res.status)
	}

	f := guidanceFields("عنوان", "سطر یک\nسطر دو\nسطر سه", "marvdasht")
	f.Set("publish", "1")
	id := a.newGuidance(committee, f)
	page := "/guidance/" + itoa(id)
	if res := a.post(committee, page+"/edit", url.Values{"title": {"عنوان"}, "body": {"سطر یک\nسطر دو\nسطر سه"}, "version": {"2"}}); res.status != http.StatusUnprocessableEntity {
		t.Errorf("a correction that changes nothing: %d", res.status)
	}
	if res := a.post(committee, page+"/edit", url.Values{"title": {"عنوان"}, "body": {"سطر یک\nسطر ۲\nسطر سه"}, "version": {"2"}}); res.status != http.StatusSeeOther {
		t.Fatalf("correct: %d", res.status)
	}
	res = a.post(committee, page+"/edit", url.Values{"title": {"عنوان"}, "body": {"متن تایپ‌شده در صفحه کهنه"}, "version": {"2"}})
	if res.status != http.StatusConflict {
		t.Errorf("a correction from a stale page: %d", res.status)
	}
	mustContain(t, res.body, "متن تایپ‌شده در صفحه کهنه", `name="version" value="3"`)
	res = a.get(gov, page)
	mustContain(t, res.body, `href="#history"`, "سطر دو", "سطر ۲", `class="change-list"`)
	if res := a.post(committee, page+"/withdraw", url.Values{"reason": {""}, "version": {"3"}, "confirm": {"yes"}}); res.status != http.StatusUnprocessableEntity {
		t.Errorf("withdraw without a reason: %d", res.status)
	}
	if res := a.post(committee, page+"/withdraw", url.Values{"reason": {"جایگزین شد"}, "version": {"3"}, "confirm": {"yes"}}); res.status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", res.status)
	}
	if res := a.post(gov, page+"/ack", url.Values{}); res.status != http.StatusConflict {
		t.Errorf("ack a withdrawn circular: %d", res.status)
	}
	res = a.get(gov, page)
	// The reason, as typed, reads in its own direction, after its label and a space.
	mustContain(t, res.body, `<strong class="reason-label">دلیل:</strong><div class="plain-text" dir="auto">جایگزین شد</div>`)
	mustNotContain(t, res.body, `action="`+page+`/ack"`)
	// The places are told it was withdrawn, as such.
	if n := a.count(`SELECT count(*) FROM notifications WHERE kind = 'guidance_withdrawn' AND subject_id = $1`,
		strings.TrimPrefix(page, "/guidance/")); n == 0 {
		t.Error("no notice of the withdrawal")
	}
	mustContain(t, a.get(gov, "/notifications").body, "بخشنامه پس گرفته شد")
	// The list says the circular is withdrawn, not how many acknowledged it.
	res = a.get(committee, "/guidance")
	mustContain(t, res.body, "پس‌گرفته")
	mustNotContain(t, res.body, "تأیید کرده‌اند")
}

// Attachments are taken by their content: a PDF and a Word file pass, a PDF named .docx, a web page
// named .pdf and a file over 10 MB are refused with the form kept, and none is stored.
func TestGuidanceAttachmentChecks(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	committee := a.login("committee")
	docx := testDOCX(t)
	id := a.newGuidance(committee, guidanceFields("با پیوست", "متن"), filePart{"attachment", "report.docx",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx},
		filePart{"attachment", "guide.pdf", "application/pdf", seed.DemoPDF()})
	res := a.get(committee, "/guidance/"+itoa(id)+"/attachments/1")
	if res.status != http.StatusOK || res.body != string(docx) ||
		res.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" {
		t.Errorf("the Word file: %d %q", res.status, res.header.Get("Content-Type"))
	}
	// More files later, by its committee only, up to the limit.
	attach := func(c *http.Client, files ...filePart) response {
		body, ctype := multipartOf(t, url.Values{}, files...)
		return a.postBody(c, "/guidance/"+itoa(id)+"/attachments", ctype, bytes.NewReader(body))
	}
	pdfPart := filePart{"attachment", "more.pdf", "application/pdf", seed.DemoPDF()}
	if res := attach(committee, pdfPart); res.status != http.StatusSeeOther {
		t.Fatalf("add a file: %d", res.status)
	}
	if res := a.get(committee, "/guidance/"+itoa(id)+"/attachments/3"); res.status != http.StatusOK || res.body != string(seed.DemoPDF()) {
		t.Errorf("the added file: %d", res.status)
	}
	if res := attach(a.login("hq.fars"), pdfPart); res.status != http.StatusNotFound {
		t.Errorf("HQ adds a file to a draft it cannot read: %d", res.status)
	}
	if res := attach(committee); res.status != http.StatusUnprocessableEntity {
		t.Errorf("no file chosen: %d", res.status)
	}
	many := make([]filePart, 8)
	for i := range many {
		many[i] = pdfPart
	}
	if res := attach(committee, many...); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "e-attachment") {
		t.Errorf("past the limit: %d", res.status)
	}
	stored := a.count(`SELECT count(*) FROM attachments`)
	for _, c := range []struct {
		name string
		file filePart
		want string
	}{
		{"a PDF named .docx", filePart{"attachment", "report.docx", "application/pdf", seed.DemoPDF()}, ".pdf"},
		{"a web page named .pdf", filePart{"attachment", "page.pdf", "application/pdf", []byte("<html><script>alert(1)</script></html>")},
			"e-attachment"},
		{"a PDF declared as a web page", filePart{"attachment", "guide.pdf", "text/html", seed.DemoPDF()}, "e-attachment"},
	} {
		body, ctype := multipartOf(t, guidanceFields("کپی فرم", "متنی که می‌ماند"), c.file)
		res := a.postBody(committee, "/guidance", ctype, bytes.NewReader(body))
		if res.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", c.name, res.status)
			continue
		}
		mustContain(t, res.body, c.want, "متنی که می‌ماند", "دوباره انتخاب کنید")
	}

	// One byte over the limit: refused as soon as the limit is passed, without reading the rest of the post.
	big := make([]byte, 10<<20+1)
	copy(big, seed.DemoPDF())
	body, ctype := multipartOf(t, guidanceFields("بزرگ", "متن"), filePart{"attachment", "big.pdf", "application/pdf", big},
		filePart{"attachment", "tail.pdf", "application/pdf", make([]byte, 20<<20)})
	counter := &countingReader{r: bytes.NewReader(body)}
	res = a.postBody(committee, "/guidance", ctype, counter)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "e-attachment") {
		t.Errorf("10 MB + 1: %d", res.status)
	}
	if read := counter.n.Load(); read > int64(len(body))-10<<20 {
		t.Errorf("the server read %d of %d bytes", read, len(body))
	}
	if n := a.count(`SELECT count(*) FROM attachments`); n != stored {
		t.Errorf("refused files stored: %d → %d", stored, n)
	}
	if res := a.post(committee, "/guidance", guidanceFields("ت", "م")); res.status != http.StatusBadRequest {
		t.Errorf("a post that is not multipart: %d", res.status)
	}
}

// countingReader counts what the server read of a request body.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// The classic XSS payloads in a circular's body reach its page as harmless text or not at all.
func TestGuidanceBodyIsSafe(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	committee := a.login("committee")
	payload := strings.Join([]string{
		`<script>alert(1)</script>`,
		`[click](javascript:alert(1))`,
		`[upper](JaVaScRiPt:alert(1))`,
		`<img src=x onerror=alert(1)>`,
		`![x](x" onerror="alert(1))`,
		`<svg><script>alert(1)</script></svg>`,
		`<svg onload=alert(1)>`,
		`[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
		`![data](data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+)`,
		`<iframe src="https://evil.example"></iframe>`,
		`<a href="https://example.org" onclick="alert(1)">link</a>`,
		`[ok](https://example.org)`,
	}, "\n\n")
	id := a.newGuidance(committee, guidanceFields("آزمون", payload))
	res := a.get(committee, "/guidance/"+itoa(id))
	start, end := strings.Index(res.body, `<article class="card markdown"`), strings.Index(res.body, `</article>`)
	if res.status != http.StatusOK || start < 0 || end < start {
		t.Fatalf("page: %d", res.status)
	}
	article := res.body[start:end]
	doc, err := html.Parse(strings.NewReader(article))
	if err != nil {
		t.Fatal(err)
	}
	safeLinks := 0
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "script", "svg", "iframe", "object", "embed", "style", "form":
			t.Errorf("the body has a %s element", n.Data)
		}
		for _, at := range n.Attr {
			v := strings.ToLower(strings.TrimSpace(at.Val))
			switch {
			case strings.HasPrefix(strings.ToLower(at.Key), "on"):
				t.Errorf("the body has an event handler %s=%q", at.Key, at.Val)
			case (at.Key == "href" || at.Key == "src") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:")):
				t.Errorf("the body links to %q", at.Val)
			}
		}
		if n.Data == "a" && attr(n, "href") == "https://example.org" && attr(n, "rel") == "noopener noreferrer" {
			safeLinks++
		}
	}
	if safeLinks != 1 {
		t.Errorf("the safe link is gone or lacks its rel: %s", article)
	}
	if !strings.Contains(res.body, "alert(1)") {
		t.Error("the payloads' text is gone: the test proves nothing")
	}
}

// attr is an element's attribute, "" if it has none.
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func TestContentDisposition(t *testing.T) {
	for _, tt := range []struct{ name, want string }{
		{"guide.pdf", `attachment; filename="guide.pdf"; filename*=UTF-8''guide.pdf`},
		{"راهنما.pdf", `attachment; filename="file.pdf"; filename*=UTF-8''%D8%B1%D8%A7%D9%87%D9%86%D9%85%D8%A7.pdf`},
		{`a "b";c%.docx`, `attachment; filename="a _b__c_.docx"; filename*=UTF-8''a%20%22b%22%3Bc%25.docx`},
		{"گزارش", `attachment; filename="file"; filename*=UTF-8''%DA%AF%D8%B2%D8%A7%D8%B1%D8%B4`},
	} {
		if got := contentDisposition(tt.name); got != tt.want {
			t.Errorf("%q: %s, want %s", tt.name, got, tt.want)
		}
	}
}

// A file added to a published circular is a new version of it: its page's history says which files it
// had before and has after, and the places that received it are told it changed, once for the version,
// in the transaction that adds it. A file added to a draft is no version and tells nobody.
func TestGuidanceFileAddedIsAVersion(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	committee, gov := a.login("committee"), a.login("gov.marvdasht")
	pdf := seed.DemoPDF()
	attach := func(id int64, name string) {
		t.Helper()
		body, ctype := multipartOf(t, url.Values{}, filePart{"attachment", name, "application/pdf", pdf})
		if res := a.postBody(committee, "/guidance/"+itoa(id)+"/attachments", ctype, bytes.NewReader(body)); res.status != http.StatusSeeOther {
			t.Fatalf("add %s: %d", name, res.status)
		}
	}
	versions := func(id int64) int {
		return a.count(`SELECT count(*) FROM guidance_versions WHERE guidance_id = $1`, id)
	}
	changed := func(id int64) int {
		return a.count(`SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'guidance_changed' AND subject_id = $2`,
			a.ids["gov.marvdasht"], id)
	}

	draft := a.newGuidance(committee, guidanceFields("پیش‌نویس", "متن", "marvdasht"), filePart{"attachment", "a.pdf", "application/pdf", pdf})
	attach(draft, "b.pdf")
	if n := versions(draft); n != 0 {
		t.Errorf("a file added to a draft made %d versions", n)
	}

	fields := guidanceFields("دستورالعمل ستاد", "متن دستورالعمل", "marvdasht")
	fields.Set("publish", "1")
	id := a.newGuidance(committee, fields, filePart{"attachment", "راهنما.pdf", "application/pdf", pdf})
	page := "/guidance/" + itoa(id)
	attach(id, "جدول.pdf")
	if n := versions(id); n != 2 {
		t.Fatalf("after a file added to the published circular: %d versions, want 2", n)
	}
	var rev int
	var files []string
	if err := a.st.Pool().QueryRow(t.Context(), `SELECT revision, files FROM guidance_versions WHERE guidance_id = $1
		ORDER BY revision DESC LIMIT 1`, id).Scan(&rev, &files); err != nil {
		t.Fatal(err)
	}
	if rev != 2 || !slices.Equal(files, []string{"راهنما.pdf", "جدول.pdf"}) {
		t.Errorf("the new version: %d %v", rev, files)
	}
	if n := changed(id); n != 1 {
		t.Errorf("the governor was told %d times of the file added", n)
	}
	if n := a.count(`SELECT count(*) FROM notifications WHERE kind = 'guidance_changed' AND dedup = $1`,
		"guidance_changed "+itoa(id)+" 2"); n == 0 {
		t.Error("the notice is not deduplicated by the version")
	}
	res := a.get(gov, page)
	mustContain(t, res.body, `href="#history"`, `class="change-list"`, "پیوست‌ها", "نسخه ۲")
	hist := res.body[strings.Index(res.body, `id="history"`):]
	mustContain(t, hist, "راهنما.pdf، جدول.pdf")

	// Read, then another file: told again, for the new version.
	a.post(gov, "/notifications/read", url.Values{"all": {"1"}})
	attach(id, "پیوست سوم.pdf")
	if n := changed(id); n != 2 {
		t.Errorf("after a third file the governor has %d notices of changes, want 2", n)
	}
	if n := versions(id); n != 3 {
		t.Errorf("%d versions after a third file, want 3", n)
	}
}

// A committee member's home page has his committee's circulars: its drafts first, then those published
// least acknowledged, each with how it stands; another committee's are not there.
func TestGuidanceCommitteeHome(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	committee := a.login("committee")
	draft := guidanceFields("پیش‌نویس کمیته", "متن")
	a.newGuidance(committee, draft)
	sent := guidanceFields("فرستاده به مرودشت", "متن", "marvdasht")
	sent.Set("publish", "1")
	a.newGuidance(committee, sent)
	home := a.get(committee, "/").body
	mustContain(t, home, `id="committee-guidance-h"`, "<bdi>پیش‌نویس کمیته</bdi>", "<bdi>فرستاده به مرودشت</bdi>",
		"۰ از ۱ تأیید کرده‌اند")
	if i, j := strings.Index(home, "پیش‌نویس کمیته"), strings.Index(home, "فرستاده به مرودشت"); i > j {
		t.Error("the draft is not listed first")
	}
	mustNotContain(t, a.get(a.login("gov.marvdasht"), "/").body, `id="committee-guidance-h"`)
}

package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/setad/setad/internal/audience"
	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/store"
)

// guidanceFixture adds a member of the legal committee to the fixture and returns the scopes of the
// technology committee's member and of the legal one's.
func guidanceFixture(t *testing.T) (f *fixture, tech, legal auth.Scope) {
	f = newFixture(t)
	id, err := f.st.CreateUser(f.ctx, audit.System, auth.Scope{}, auth.Account{Username: "legal.fars", FullName: "مهدی نوری",
		Role: "committee", Province: "fars", Committee: "legal"}, testHash)
	if err != nil {
		t.Fatal(err)
	}
	f.user["legal.fars"] = id
	fars := f.mustID(f.province, "fars")
	return f, auth.Scope{ProvinceID: fars, Committee: "technology"}, auth.Scope{ProvinceID: fars, Committee: "legal"}
}

// seesGuidance reports whether the scope reads circular id, by its page and by the list.
func (f *fixture) seesGuidance(sc auth.Scope, id int64) bool {
	f.t.Helper()
	_, err := f.st.GuidanceDetail(f.ctx, sc, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		f.t.Fatal(err)
	}
	list, _, lerr := f.st.GuidanceList(f.ctx, sc, store.GuidanceFilter{})
	if lerr != nil {
		f.t.Fatal(lerr)
	}
	listed := false
	for _, g := range list {
		listed = listed || g.ID == id
	}
	if listed != (err == nil) {
		f.t.Errorf("scope %+v: page found %v, list %v", sc, err == nil, listed)
	}
	return err == nil
}

func (f *fixture) kinds(username string) map[string]int {
	ks := map[string]int{}
	for _, n := range f.inbox(username) {
		ks[n.Kind]++
	}
	return ks
}

var toMarvdashtPasargad = audience.Audience{Counties: []string{"marvdasht", "pasargad"}, WithDistricts: true}

// A draft is its committee's alone; published, it reaches the places of its audience, each told once, and
// is read by them, by the province's readers and by the Ministry, and by nobody else.
func TestGuidanceDraftPublishAndScope(t *testing.T) {
	f, tech, legal := guidanceFixture(t)
	ctx := f.ctx
	id, err := f.st.CreateGuidance(ctx, f.as("committee.fars"), tech, store.GuidanceInput{Title: "  راهنمای سامانه  ",
		Body: "متن", Audience: toMarvdashtPasargad}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		sc   auth.Scope
		sees bool
	}{
		{"its committee", tech, true}, {"another committee", legal, false}, {"hq", f.hq("fars"), false},
		{"governor", f.governor("marvdasht"), false}, {"national", f.national(), false},
	} {
		if got := f.seesGuidance(c.sc, id); got != c.sees {
			t.Errorf("draft: %s sees %v, want %v", c.name, got, c.sees)
		}
	}
	if n := len(f.inbox("gov.marvdasht")); n != 0 {
		t.Errorf("a draft told the governor: %d notices", n)
	}
	if err := f.st.PublishGuidance(ctx, f.as("legal.fars"), legal, id, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another committee publishes a draft it cannot read: %v", err)
	}
	for _, v := range []int{-1, 0} {
		if err := f.st.PublishGuidance(ctx, f.as("committee.fars"), tech, id, v); !errors.Is(err, store.ErrConflict) {
			t.Errorf("publish at version %d: %v", v, err)
		}
	}
	if err := f.st.PublishGuidance(ctx, f.as("committee.fars"), tech, id, 7); !errors.Is(err, store.ErrConflict) {
		t.Errorf("publish at a stale version: %v", err)
	}
	if err := f.st.PublishGuidance(ctx, f.as("committee.fars"), tech, id, 1); err != nil {
		t.Fatal(err)
	}
	d, err := f.st.GuidanceDetail(ctx, tech, id)
	if err != nil {
		t.Fatal(err)
	}
	g := d.Guidance
	wantPlaces := 2 + len(f.farsDistrictCodes("marvdasht")) + len(f.farsDistrictCodes("pasargad"))
	if g.Title != "راهنمای سامانه" || g.Status != store.GuidancePublished || g.Revision != 1 || g.Places != wantPlaces ||
		len(d.Receipts) != wantPlaces || len(d.Versions) != 1 {
		t.Errorf("published: %+v, %d receipts, %d versions; want %d places", g, len(d.Receipts), len(d.Versions), wantPlaces)
	}
	for _, u := range []string{"gov.marvdasht", "gov.pasargad", "dh.marvdasht-central", "dh.marvdasht-dorudzan"} {
		if k := f.kinds(u); k[store.NoticeGuidanceNew] != 1 {
			t.Errorf("%s was told %v", u, k)
		}
	}
	for _, u := range []string{"gov.shemiranat", "hq.fars", "committee.fars", "legal.fars"} {
		if k := f.kinds(u); k[store.NoticeGuidanceNew] != 0 {
			t.Errorf("%s, not a recipient, was told %v", u, k)
		}
	}
	for _, c := range []struct {
		name string
		sc   auth.Scope
		sees bool
	}{
		{"its committee", tech, true}, {"another committee", legal, true}, {"hq", f.hq("fars"), true},
		{"observer", f.hq("fars"), true}, {"national", f.national(), true},
		{"governor of the audience", f.governor("marvdasht"), true},
		{"district head of the audience", f.districtHead("marvdasht-central"), true},
		{"governor of another province", f.governor("shemiranat"), false},
		{"hq of another province", f.hq("tehran"), false},
		{"district head of another province", f.districtHead("shemiranat-lavasanat"), false},
	} {
		if got := f.seesGuidance(c.sc, id); got != c.sees {
			t.Errorf("published: %s sees %v, want %v", c.name, got, c.sees)
		}
	}
	// A governor sees his county's receipts and its districts', a district head his district's.
	gd, err := f.st.GuidanceDetail(ctx, f.governor("marvdasht"), id)
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 + len(f.farsDistrictCodes("marvdasht")); len(gd.Receipts) != want || !gd.Guidance.Mine {
		t.Errorf("governor reads %d receipts (mine %v), want %d", len(gd.Receipts), gd.Guidance.Mine, want)
	}
	dd, err := f.st.GuidanceDetail(ctx, f.districtHead("marvdasht-central"), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(dd.Receipts) != 1 || dd.Receipts[0].DistrictID != f.mustID(f.district, "marvdasht-central") || !dd.Guidance.Mine {
		t.Errorf("district head reads %+v", dd.Receipts)
	}
}

// A circular to counties without their districts is not a district head's; one to another county is not a
// governor's.
func TestGuidanceDistrictHeadSeesOnlyHisDistricts(t *testing.T) {
	f, tech, _ := guidanceFixture(t)
	countyOnly, err := f.st.CreateGuidance(f.ctx, f.as("committee.fars"), tech, store.GuidanceInput{Title: "شهرستان", Body: "متن",
		Audience: audience.Audience{Counties: []string{"marvdasht"}}}, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	pasargad, err := f.st.CreateGuidance(f.ctx, f.as("committee.fars"), tech, store.GuidanceInput{Title: "پاسارگاد", Body: "متن",
		Audience: audience.Audience{Counties: []string{"pasargad"}, WithDistricts: true}}, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !f.seesGuidance(f.governor("marvdasht"), countyOnly) || f.seesGuidance(f.districtHead("marvdasht-central"), countyOnly) {
		t.Error("a circular to Marvdasht without districts: the governor should see it and the district head not")
	}
	if f.seesGuidance(f.governor("marvdasht"), pasargad) || f.seesGuidance(f.districtHead("marvdasht-central"), pasargad) {
		t.Error("Marvdasht sees Pasargad's circular")
	}
	if _, err := f.st.AckGuidance(f.ctx, f.as("dh.marvdasht-central"), f.districtHead("marvdasht-central"), countyOnly); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a district head acknowledges a circular not addressed to him: %v", err)
	}
	if _, err := f.st.CreateGuidance(f.ctx, f.as("committee.fars"), tech, store.GuidanceInput{Title: "ت", Body: "م",
		Audience: audience.Audience{Counties: []string{"shemiranat"}}}, true, nil); !errors.Is(err, store.ErrUnknownCounty) {
		t.Errorf("a county of another province in the audience: %v", err)
	}
}

// Only its own committee changes a circular; a correction is a new revision that its recipients are
// told of; a stale version is refused; withdrawal keeps it, marked, and tells them.
func TestGuidanceCorrectAndWithdraw(t *testing.T) {
	f, tech, legal := guidanceFixture(t)
	ctx := f.ctx
	id, err := f.st.CreateGuidance(ctx, f.as("committee.fars"), tech, store.GuidanceInput{Title: "اول", Body: "سطر ۱\nسطر ۲",
		Audience: audience.Audience{Counties: []string{"marvdasht"}}}, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := store.GuidanceInput{Title: "اول (اصلاح)", Body: "سطر ۱\nسطر دو"}
	if err := f.st.UpdateGuidance(ctx, f.as("legal.fars"), legal, id, 2, in); !errors.Is(err, store.ErrNotYourCommittee) {
		t.Errorf("another committee corrects: %v", err)
	}
	if err := f.st.UpdateGuidance(ctx, f.as("hq.fars"), f.hq("fars"), id, 2, in); !errors.Is(err, store.ErrNotYourCommittee) {
		t.Errorf("hq corrects: %v", err)
	}
	if err := f.st.UpdateGuidance(ctx, f.as("gov.marvdasht"), f.governor("marvdasht"), id, 2, in); !errors.Is(err, store.ErrNotYourCommittee) {
		t.Errorf("the governor corrects: %v", err)
	}
	if err := f.st.UpdateGuidance(ctx, f.as("committee.fars"), tech, id, 1, in); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a correction at a stale version: %v", err)
	}
	if err := f.st.UpdateGuidance(ctx, f.as("committee.fars"), tech, id, 2,
		store.GuidanceInput{Title: "اول", Body: "سطر ۱\nسطر ۲"}); !errors.Is(err, store.ErrUnchanged) {
		t.Errorf("a correction that changes nothing: %v", err)
	}
	if _, err := f.st.AckGuidance(ctx, f.as("gov.marvdasht"), f.governor("marvdasht"), id); err != nil {
		t.Fatal(err)
	}
	if err := f.st.UpdateGuidance(ctx, f.as("committee.fars"), tech, id, 2, in); err != nil {
		t.Fatal(err)
	}
	d, err := f.st.GuidanceDetail(ctx, f.governor("marvdasht"), id)
	if err != nil {
		t.Fatal(err)
	}
	if g := d.Guidance; g.Revision != 2 || g.Title != "اول (اصلاح)" || g.ChangedAt == nil || g.MyAcked == nil || len(d.Versions) != 2 ||
		d.Versions[0].Revision != 2 || d.Versions[1].Body != "سطر ۱\nسطر ۲" {
		t.Errorf("corrected: %+v, versions %+v", g, d.Versions)
	}
	if d.Receipts[0].AckedRevision != 1 {
		t.Errorf("the receipt keeps the revision acknowledged: %+v", d.Receipts[0])
	}
	if k := f.kinds("gov.marvdasht"); k[store.NoticeGuidanceChanged] != 1 {
		t.Errorf("the governor was told %v", k)
	}
	if err := f.st.WithdrawGuidance(ctx, f.as("committee.fars"), tech, id, 3, " "); !errors.Is(err, store.ErrReasonRequired) {
		t.Errorf("withdrawn without a reason: %v", err)
	}
	if err := f.st.WithdrawGuidance(ctx, f.as("committee.fars"), tech, id, 3, "جایگزین شد"); err != nil {
		t.Fatal(err)
	}
	g, err := f.st.Guidance(ctx, f.governor("marvdasht"), id)
	if err != nil {
		t.Fatal(err)
	}
	if g.Status != store.GuidanceWithdrawn || g.WithdrawnReason != "جایگزین شد" {
		t.Errorf("withdrawn: %+v", g)
	}
	// The correction and the withdrawal: one unread notice of a change, not one for each.
	if k := f.kinds("gov.marvdasht"); k[store.NoticeGuidanceChanged] != 1 {
		t.Errorf("the governor was told %v", k)
	}
	if err := f.st.UpdateGuidance(ctx, f.as("committee.fars"), tech, id, 4, in); !errors.Is(err, store.ErrGuidanceWithdrawn) {
		t.Errorf("a withdrawn circular corrected: %v", err)
	}
	if _, err := f.st.AckGuidance(ctx, f.as("gov.pasargad"), f.governor("pasargad"), id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another county acknowledges: %v", err)
	}
	if got := f.auditCount("guidance.correct") + f.auditCount("guidance.withdraw") + f.auditCount("guidance.ack"); got != 3 {
		t.Errorf("audited %d", got)
	}
	f.verifyChain()
}

// Two corrections drawn from the same version: one is made, the other refused as stale.
func TestGuidanceConcurrentCorrections(t *testing.T) {
	f, tech, _ := guidanceFixture(t)
	id, err := f.st.CreateGuidance(f.ctx, f.as("committee.fars"), tech, store.GuidanceInput{Title: "ت", Body: "م",
		Audience: audience.Audience{Province: true}}, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f.st.UpdateGuidance(f.ctx, f.as("committee.fars"), tech, id, 2, store.GuidanceInput{Title: "ت", Body: "م " + string(rune('a'+i))})
		}()
	}
	wg.Wait()
	ok, conflict := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, store.ErrConflict):
			conflict++
		default:
			t.Fatal(err)
		}
	}
	if ok != 1 || conflict != 1 {
		t.Errorf("%d made, %d refused", ok, conflict)
	}
	if n := f.count(`SELECT count(*) FROM guidance_versions WHERE guidance_id = $1`, id); n != 2 {
		t.Errorf("%d versions", n)
	}
}

// Acknowledging records the place's receipt once; the reminder tells the places that have not, once a
// day; HQ and the circular's committee remind, another committee may not.
func TestGuidanceAckAndRemind(t *testing.T) {
	f, tech, legal := guidanceFixture(t)
	ctx := f.ctx
	id, err := f.st.CreateGuidance(ctx, f.as("committee.fars"), tech, store.GuidanceInput{Title: "ت", Body: "م",
		Audience: toMarvdashtPasargad}, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	already, err := f.st.AckGuidance(ctx, f.as("gov.marvdasht"), f.governor("marvdasht"), id)
	if err != nil || already {
		t.Fatalf("ack: %v %v", already, err)
	}
	if already, err = f.st.AckGuidance(ctx, f.as("gov.marvdasht"), f.governor("marvdasht"), id); err != nil || !already {
		t.Errorf("second ack: %v %v", already, err)
	}
	if _, err := f.st.AckGuidance(ctx, f.as("dh.marvdasht-central"), f.districtHead("marvdasht-central"), id); err != nil {
		t.Fatal(err)
	}
	d, err := f.st.GuidanceDetail(ctx, tech, id)
	if err != nil {
		t.Fatal(err)
	}
	acked := map[string]bool{}
	for _, r := range d.Receipts {
		if r.AckedAt != nil {
			if r.OpenedAt == nil || r.AckedBy == "" {
				t.Errorf("acked without opened or by: %+v", r)
			}
			acked[r.CountyCode+"/"+r.DistrictEn] = true
		}
	}
	if len(acked) != 2 || !acked["marvdasht/"] || d.Guidance.Acked != 2 {
		t.Errorf("acked: %v (%d)", acked, d.Guidance.Acked)
	}
	if _, err := f.st.RemindGuidance(ctx, f.as("legal.fars"), legal, id, time.Now()); !errors.Is(err, store.ErrNotYourCommittee) {
		t.Errorf("another committee reminds: %v", err)
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	n, err := f.st.RemindGuidance(ctx, f.as("committee.fars"), tech, id, now)
	if err != nil {
		t.Fatal(err)
	}
	if want := d.Guidance.Places - 2; n != want {
		t.Errorf("reminded %d places, want %d", n, want)
	}
	if k := f.kinds("gov.pasargad"); k[store.NoticeGuidanceReminder] != 1 {
		t.Errorf("Pasargad's governor was told %v", k)
	}
	for _, u := range []string{"gov.marvdasht", "dh.marvdasht-central"} {
		if k := f.kinds(u); k[store.NoticeGuidanceReminder] != 0 {
			t.Errorf("%s, who acknowledged, was reminded", u)
		}
	}
	if k := f.kinds("dh.marvdasht-dorudzan"); k[store.NoticeGuidanceReminder] != 1 {
		t.Errorf("a district that has not acknowledged was told %v", k)
	}
	if n, err := f.st.RemindGuidance(ctx, f.as("hq.fars"), f.hq("fars"), id, now.Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("a second reminder the same day: %d %v", n, err)
	}
	if n, err := f.st.RemindGuidance(ctx, f.as("hq.fars"), f.hq("fars"), id, now.Add(24*time.Hour)); err != nil || n == 0 {
		t.Errorf("HQ's reminder the next day: %d %v", n, err)
	}
	// The governor has not read the first reminder: the second adds no notice to his inbox.
	if k := f.kinds("gov.pasargad"); k[store.NoticeGuidanceReminder] != 1 {
		t.Errorf("Pasargad's governor was told %v", k)
	}
}

// An attachment is kept in chunks and read back as it was; an owner takes at most MaxAttachments.
func TestAttachmentsChunked(t *testing.T) {
	f, tech, _ := guidanceFixture(t)
	content := bytes.Repeat([]byte("0123456789abcdef"), 40000) // 640,000 bytes: three chunks
	sum := sha256.Sum256(content)
	file := store.NewAttachment{Name: "راهنما.pdf", MIME: "application/pdf", Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:]),
		Content: bytes.NewReader(content)}
	id, err := f.st.CreateGuidance(f.ctx, f.as("committee.fars"), tech, store.GuidanceInput{Title: "ت", Body: "م",
		Audience: audience.Audience{Province: true}}, false, []store.NewAttachment{file})
	if err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM attachment_chunks c JOIN attachments a ON a.id = c.attachment_id WHERE a.owner_id = $1`, id); n != 3 {
		t.Errorf("%d chunks", n)
	}
	a, err := f.st.Attachment(f.ctx, store.OwnerGuidance, id, 1)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if n, err := f.st.CopyAttachment(f.ctx, a.ID, &out); err != nil || n != int64(len(content)) || !bytes.Equal(out.Bytes(), content) {
		t.Errorf("read back %d bytes, %v", n, err)
	}
	if a.Name != "راهنما.pdf" || a.MIME != "application/pdf" || a.Size != int64(len(content)) {
		t.Errorf("%+v", a)
	}
	if _, err := f.st.Attachment(f.ctx, store.OwnerGuidance, id, 2); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("attachment 2: %v", err)
	}
	many := make([]store.NewAttachment, store.MaxAttachments+1)
	for i := range many {
		many[i] = store.NewAttachment{Name: "a.pdf", MIME: "application/pdf", Size: 4, SHA256: hex.EncodeToString(sum[:]),
			Content: bytes.NewReader([]byte("%PDF"))}
	}
	if _, err := f.st.CreateGuidance(f.ctx, f.as("committee.fars"), tech, store.GuidanceInput{Title: "ت", Body: "م",
		Audience: audience.Audience{Province: true}}, false, many); !errors.Is(err, store.ErrTooManyAttachments) {
		t.Errorf("%d attachments: %v", len(many), err)
	}
}

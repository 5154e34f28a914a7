package store_test

import (
	"errors"
	"net/url"
	"testing"

	"github.com/setad/setad/internal/store"
)

// A kept form comes back as it was posted, one per user (a newer one replaces it), and not once it is
// older than its life or deleted.
func TestPendingForms(t *testing.T) {
	f := newFixture(t)
	gov := f.user["gov.marvdasht"]
	audited := f.count(`SELECT count(*) FROM audit_log`)
	first := store.PendingForm{Token: "t1", UserID: gov, Action: "/boards/7/members", Page: "/boards/7",
		Values: url.Values{"full_name": {"علی رضایی"}, "role": {"trusted"}, "notes": {"خط یک\nخط دو"}}}
	if err := f.st.KeepPendingForm(f.ctx, first); err != nil {
		t.Fatal(err)
	}
	got, err := f.st.PendingForm(f.ctx, "t1")
	if err != nil || got.UserID != gov || got.Action != first.Action || got.Page != first.Page ||
		got.Values.Get("full_name") != "علی رضایی" || got.Values.Get("notes") != "خط یک\nخط دو" {
		t.Fatalf("kept form = %+v, %v", got, err)
	}
	second := store.PendingForm{Token: "t2", UserID: gov, Action: "/candidates", Page: "/candidates/new", Values: url.Values{"q": {"x"}}}
	if err := f.st.KeepPendingForm(f.ctx, second); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.PendingForm(f.ctx, "t1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the replaced form is still kept: %v", err)
	}
	if n := f.count(`SELECT count(*) FROM pending_forms WHERE user_id = $1`, gov); n != 1 {
		t.Errorf("%d forms kept for one user", n)
	}
	f.exec(`UPDATE pending_forms SET created_at = now() - interval '2 hours 1 minute'`)
	if _, err := f.st.PendingForm(f.ctx, "t2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a form older than its life is returned: %v", err)
	}
	f.exec(`UPDATE pending_forms SET created_at = now()`)
	if err := f.st.DeletePendingForm(f.ctx, "t2"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.PendingForm(f.ctx, "t2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a deleted form is returned: %v", err)
	}
	if f.count(`SELECT count(*) FROM audit_log`) != audited {
		t.Error("keeping a form wrote to the audit log: nothing changed")
	}
}

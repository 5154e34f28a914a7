package seed

import (
	"io"
	"testing"
	"time"

	"github.com/setad/setad/internal/dbtest"
	"github.com/setad/setad/internal/password"
)

// The demo's questions are loaded once however often the demo is: answered ones in the FAQ, one answered
// and not accepted, one open for hours and one open for three days, which the sweep told its committee
// and HQ of.
func TestDemoQuestions(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.NewStore(t)
	ctx := t.Context()
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	h := password.NewHasher(password.Params{Time: 1, MemoryKiB: 1024, Threads: 1}, 2)
	for range 2 {
		if err := Demo(ctx, st, h, now, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	var total, published, accepted, open, waiting, notified int
	if err := st.Pool().QueryRow(ctx, `
		SELECT count(*), count(*) FILTER (WHERE published_at IS NOT NULL), count(accepted_answer_id),
		       count(*) FILTER (WHERE answers = 0), count(*) FILTER (WHERE answers = 0 AND asked_at <= $1::timestamptz - interval '48 hours'),
		       (SELECT count(*) FROM notifications WHERE kind = 'question_waiting')
		FROM questions`, now).Scan(&total, &published, &accepted, &open, &waiting, &notified); err != nil {
		t.Fatal(err)
	}
	if total != len(demoQuestions) || published != 3 || accepted != 3 || open != 2 || waiting != 1 || notified != 2 {
		t.Fatalf("%d questions, %d published, %d accepted, %d open, %d waiting, %d told; want %d, 3, 3, 2, 1, 2 (technology and HQ)",
			total, published, accepted, open, waiting, notified, len(demoQuestions))
	}
}

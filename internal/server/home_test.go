package server

import (
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/store"
)

func TestHomePerRole(t *testing.T) {
	a := newTestApp(t)
	// An election ten days ahead of the server's clock, made current.
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	a.s.now = func() time.Time { return now }
	_, err := a.st.AddElection(t.Context(), audit.System, store.NewElection{
		Code: "test", Kind: "councils", TitleFa: "انتخابات آزمایشی", TitleEn: "Test election",
		ElectionDay: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), Current: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		user  string
		wants []string
		nots  []string
	}{
		{"hq.fars", []string{"انتخابات آزمایشی", "۱۰ روز مانده به رأی‌گیری", "۱۴۰۵/۰۹/۱۵", "۳۷", "/admin/users", "/audit", "پنجشنبه ۵ آذر ۱۴۰۵"}, nil},
		{"gov.marvdasht", []string{"/counties/marvdasht", "شهرستان شما", "۱۰ روز مانده"}, []string{"/admin/users", "/audit"}},
		{"dh.marvdasht", []string{"بخش مرکزی، مرودشت"}, []string{"/admin/users"}},
		{"committee", []string{"کمیته فناوری، فارس"}, []string{"/admin/users", "/audit"}},
		{"observer", []string{"/audit", "فقط برای مشاهده"}, []string{"/admin/users"}},
		{"national", []string{"کل کشور", "استان‌ها", "فارس", "/audit"}, []string{"/admin/users"}},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			res := a.get(a.login(tt.user), "/")
			if res.status != 200 {
				t.Fatalf("status %d", res.status)
			}
			mustContain(t, res.body, tt.wants...)
			mustNotContain(t, res.body, tt.nots...)
		})
	}
}

func TestDaysUntil(t *testing.T) {
	day := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		now  time.Time
		want int
	}{
		{time.Date(2026, 4, 30, 12, 0, 0, 0, time.UTC), 1},
		{time.Date(2026, 4, 30, 21, 0, 0, 0, time.UTC), 0}, // already 1 May in Tehran
		{time.Date(2026, 5, 2, 12, 0, 0, 0, time.UTC), -1},
		{time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), 120},
	}
	for _, tt := range tests {
		if got := daysUntil(tt.now, day); got != tt.want {
			t.Errorf("daysUntil(%v) = %d, want %d", tt.now, got, tt.want)
		}
	}
}

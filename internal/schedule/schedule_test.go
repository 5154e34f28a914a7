package schedule

import (
	"testing"
	"time"
)

func TestReadClock(t *testing.T) {
	for _, tt := range []struct {
		in        string
		hour, min int
		ok        bool
	}{
		{"09:30", 9, 30, true},
		{"9:30", 9, 30, true},
		{"۰۹:۳۰", 9, 30, true},
		{"۱۶:۰۵", 16, 5, true},
		{"٢٣:٥٩", 23, 59, true},
		{" 00:00 ", 0, 0, true},
		{"10.15", 10, 15, true},
		{"24:00", 0, 0, false},
		{"12:60", 0, 0, false},
		{"12:5", 0, 0, false},
		{"123:00", 0, 0, false},
		{"1230", 0, 0, false},
		{"", 0, 0, false},
		{"+1:30", 0, 0, false},
		{"-1:30", 0, 0, false},
		{"ab:cd", 0, 0, false},
		{"10:30 am", 0, 0, false},
	} {
		h, m, ok := ReadClock(tt.in)
		if ok != tt.ok || ok && (h != tt.hour || m != tt.min) {
			t.Errorf("ReadClock(%q) = %d, %d, %v; want %d, %d, %v", tt.in, h, m, ok, tt.hour, tt.min, tt.ok)
		}
	}
}

func TestAtIsTehran(t *testing.T) {
	day := time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)
	at := At(day, 9, 30)
	if got := at.UTC().Format(time.RFC3339); got != "2026-12-10T06:00:00Z" {
		t.Fatalf("At = %s, want 06:00 UTC (Tehran is UTC+3:30)", got)
	}
	if Clock(at) != "09:30" || !Day(at).Equal(day) {
		t.Fatalf("Clock = %s, Day = %s", Clock(at), Day(at))
	}
	// Late at night in Tehran is still the same Tehran day, though UTC has not reached it or passed it.
	late := At(day, 1, 0)
	if !Day(late).Equal(day) {
		t.Fatalf("Day(%s) = %s", late, Day(late))
	}
}

func TestOnlineLink(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://meet.example.ir/room/42", "https://meet.example.ir/room/42"},
		{" https://meet.example.ir/a?b=c ", "https://meet.example.ir/a?b=c"},
		{"HTTPS://Meet.Example.ir/x", "https://Meet.Example.ir/x"},
		{"http://meet.example.ir/room", ""},
		{"javascript:alert(1)", ""},
		{"https://", ""},
		{"https:alert(1)", ""},
		{"https://user:pw@evil.example/", ""},
		{"https://a.example/ x", ""},
		{`https://a.example/"onmouseover=x`, ""},
		{"سالن اجتماعات فرمانداری مرودشت", ""},
		{"data:text/html,<script>", ""},
		{"//evil.example/", ""},
	} {
		if got := OnlineLink(tt.in); got != tt.want {
			t.Errorf("OnlineLink(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

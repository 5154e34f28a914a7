package audit

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestHash(t *testing.T) {
	base := Row{
		ID: 7, At: time.Date(2026, 5, 1, 8, 30, 0, 123456000, time.UTC), ActorID: 3, Actor: "hq.fars",
		Action: "user.create", Entity: "user", EntityID: "12", ProvinceID: 1, Remote: "10.0.0.1",
		Detail: `{"after":{"role":"governor"}}`, PrevHash: "abc",
	}
	want := Hash(base)
	if len(want) != 64 {
		t.Fatalf("hash %q is not hex SHA-256", want)
	}
	if Hash(base) != want {
		t.Fatal("hash is not deterministic")
	}
	// The same instant in another zone is the same row.
	same := base
	same.At = base.At.In(time.FixedZone("IRST", 3*3600+1800))
	if Hash(same) != want {
		t.Fatal("hash depends on the time zone of At")
	}
	changes := []struct {
		name string
		edit func(*Row)
	}{
		{"id", func(r *Row) { r.ID++ }},
		{"time", func(r *Row) { r.At = r.At.Add(time.Microsecond) }},
		{"actor id", func(r *Row) { r.ActorID = 4 }},
		{"actor", func(r *Row) { r.Actor = "hq.farz" }},
		{"action", func(r *Row) { r.Action = "user.update" }},
		{"entity", func(r *Row) { r.Entity = "users" }},
		{"entity id", func(r *Row) { r.EntityID = "13" }},
		{"province", func(r *Row) { r.ProvinceID = 2 }},
		{"remote", func(r *Row) { r.Remote = "10.0.0.2" }},
		{"detail", func(r *Row) { r.Detail = `{"after":{"role":"hq"}}` }},
		{"previous hash", func(r *Row) { r.PrevHash = "abd" }},
		// Moving a boundary between two fields must change the hash too.
		{"boundary", func(r *Row) { r.Entity, r.EntityID = "user1", "2" }},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			r := base
			c.edit(&r)
			if Hash(r) == want {
				t.Fatalf("changing the %s left the hash unchanged", c.name)
			}
		})
	}
}

func TestParseHead(t *testing.T) {
	hash := "ab12" + strings.Repeat("0", 60)
	good := []struct {
		in   string
		want Head
	}{
		{"1234:" + hash, Head{1234, hash}},
		{" 7:" + hash + "\n", Head{7, hash}},          // as read back from a file
		{"8:" + strings.ToUpper(hash), Head{8, hash}}, // as copied back from paper
	}
	for _, g := range good {
		h, err := ParseHead(g.in)
		if err != nil || h != g.want {
			t.Errorf("ParseHead(%q) = %v, %v; want %v", g.in, h, err, g.want)
		}
		if h.String() != strings.ToLower(strings.TrimSpace(g.in)) {
			t.Errorf("%v prints as %q", h, h.String())
		}
	}
	for _, bad := range []string{"", "1234", "1234:", ":" + hash, "0:" + hash, "-3:" + hash, "x:" + hash,
		"12:" + hash[:63], "12:" + hash + "0", "12:" + hash[:63] + "g", "12 :" + hash} {
		if h, err := ParseHead(bad); !errors.Is(err, ErrHeadFormat) {
			t.Errorf("ParseHead(%q) = %v, %v; want ErrHeadFormat", bad, h, err)
		}
	}
}

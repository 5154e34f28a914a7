package pagecache

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

func TestCache(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	type op struct {
		put     bool
		key     string
		origin  string // the copy of the database, "" for the first
		version int64
		body    string
		until   time.Time
		now     time.Time
		want    string // for a get: the body, or "" for a miss
	}
	tests := []struct {
		name string
		max  int
		ops  []op
	}{
		{"a page is served at its version", 1 << 20, []op{
			{put: true, key: "a", version: 5, body: "A5"},
			{key: "a", version: 5, want: "A5"},
			{key: "b", version: 5, want: ""},
		}},
		{"a newer version lets every page go", 1 << 20, []op{
			{put: true, key: "a", version: 5, body: "A5"},
			{key: "a", version: 6, want: ""},
			{key: "a", version: 5, want: ""}, // an older request after the newer one: drawn again
			{put: true, key: "a", version: 5, body: "old"},
			{key: "a", version: 6, want: ""},
			{put: true, key: "a", version: 6, body: "A6"},
			{key: "a", version: 6, want: "A6"},
		}},
		{"a request of an older version is not served a newer page", 1 << 20, []op{
			{put: true, key: "a", version: 7, body: "A7"},
			{key: "a", version: 6, want: ""},
			{key: "a", version: 7, want: "A7"},
		}},
		{"another copy of the database lets every page go, though its version is not newer", 1 << 20, []op{
			{put: true, key: "a", version: 7, body: "A7"},
			{key: "a", origin: "restored", version: 5, want: ""},
			{put: true, key: "b", origin: "restored", version: 5, body: "B5"},
			{key: "b", origin: "restored", version: 5, want: "B5"},
			// Its version comes round to the one the first copy had: the page of the first is not served.
			{key: "a", origin: "restored", version: 7, want: ""},
			{put: true, key: "a", origin: "restored", version: 7, body: "A7 restored"},
			{key: "a", origin: "restored", version: 7, want: "A7 restored"},
			// A request that read the first copy before it was replaced is served nothing of the second.
			{key: "a", version: 7, want: ""},
			{key: "a", origin: "restored", version: 7, want: ""},
		}},
		{"a page kept until an instant", 1 << 20, []op{
			{put: true, key: "a", version: 1, body: "A", until: t0.Add(time.Minute)},
			{key: "a", version: 1, now: t0.Add(59 * time.Second), want: "A"},
			{key: "a", version: 1, now: t0.Add(time.Minute), want: ""},
		}},
		{"a page replaces the one under its key", 1 << 20, []op{
			{put: true, key: "a", version: 1, body: "first"},
			{put: true, key: "a", version: 1, body: "second"},
			{key: "a", version: 1, want: "second"},
		}},
		{"nothing is kept at a bound of 0", 0, []op{
			{put: true, key: "a", version: 1, body: "A"},
			{key: "a", version: 1, want: ""},
		}},
		{"a page larger than the bound is not kept", 4, []op{
			{put: true, key: "a", version: 1, body: "12345"},
			{key: "a", version: 1, want: ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(tt.max)
			for i, o := range tt.ops {
				now := o.now
				if now.IsZero() {
					now = t0
				}
				v := Version{Origin: o.origin, N: o.version}
				if o.put {
					c.Put(o.key, v, []byte(o.body), o.until)
					continue
				}
				got, ok := c.Get(o.key, v, now)
				if string(got) != o.want || ok != (o.want != "") {
					t.Fatalf("op %d: Get(%q, %v) = %q, %v; want %q", i, o.key, v, got, ok, o.want)
				}
			}
		})
	}
}

func TestCacheBounded(t *testing.T) {
	c := New(10 << 10)
	body := bytes.Repeat([]byte("x"), 1000)
	for i := range 1000 {
		c.Put(fmt.Sprint("page", i), Version{N: 1}, body, time.Time{})
		if size, pages := c.Size(); size > 10<<10 || size != heldIn(c) {
			t.Fatalf("after %d pages: %d bytes in %d pages (%d held), bound %d", i+1, size, pages, heldIn(c), 10<<10)
		}
	}
	if _, pages := c.Size(); pages != 10 {
		t.Fatalf("kept %d pages of 1000 bytes under a bound of 10 KiB, want 10", pages)
	}
	last, ok := c.Get("page999", Version{N: 1}, time.Now())
	if !ok || !bytes.Equal(last, body) {
		t.Fatal("the newest page was let go")
	}
	big := bytes.Repeat([]byte("y"), MaxPage+1)
	huge := New(4 * MaxPage)
	huge.Put("big", Version{N: 1}, big, time.Time{})
	if _, ok := huge.Get("big", Version{N: 1}, time.Now()); ok {
		t.Fatal("a page above MaxPage was kept")
	}
}

// The bound counts the keys too: a page's key holds its address, which a visitor makes as long as a request
// line may be, beside a page that may be short.
func TestCacheBoundCountsKeys(t *testing.T) {
	const bound = 64 << 10
	c := New(bound)
	body := bytes.Repeat([]byte("x"), 1000)
	for i := range 100 {
		key := fmt.Sprintf("7 fa 14050905 /profile?%d=%s", i, bytes.Repeat([]byte("a"), 16<<10))
		c.Put(key, Version{N: 1}, body, time.Time{})
		held := heldIn(c)
		if size, _ := c.Size(); held > bound || size != held {
			t.Fatalf("after %d pages: %d bytes held in keys and pages, %d counted, bound %d", i+1, held, size, bound)
		}
	}
	if _, ok := c.Get(fmt.Sprintf("7 fa 14050905 /profile?%d=%s", 99, bytes.Repeat([]byte("a"), 16<<10)), Version{N: 1}, time.Now()); !ok {
		t.Fatal("the newest page was let go")
	}
}

// heldIn is what c's pages hold, counted apart from c.size: their bodies and their keys.
func heldIn(c *Cache) int {
	n := 0
	for k, p := range c.pages {
		n += len(k) + len(p.body)
	}
	return n
}

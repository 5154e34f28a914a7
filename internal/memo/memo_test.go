package memo

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/setad/setad/internal/pagecache"
)

func v(n int64) pagecache.Version { return pagecache.Version{Origin: "a", N: n} }

func TestGetKeepsByVersion(t *testing.T) {
	type step struct {
		key      string
		version  pagecache.Version
		computes bool // whether this Get computes
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"same version is kept", []step{{"k", v(1), true}, {"k", v(1), false}, {"k", v(1), false}}},
		{"each key apart", []step{{"k", v(1), true}, {"j", v(1), true}, {"k", v(1), false}, {"j", v(1), false}}},
		{"a newer version computes again", []step{{"k", v(1), true}, {"k", v(2), true}, {"k", v(2), false}}},
		{"a newer version lets go of the others", []step{{"k", v(1), true}, {"j", v(2), true}, {"k", v(2), true}}},
		{"an older version computes and keeps nothing", []step{{"k", v(2), true}, {"k", v(1), true}, {"k", v(1), true}, {"k", v(2), false}}},
		{"another copy of the database", []step{{"k", v(5), true}, {"k", pagecache.Version{Origin: "b", N: 5}, true}, {"k", v(5), true}}},
		{"version 0 is never kept", []step{{"k", v(0), true}, {"k", v(0), true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New[int](10)
			n := 0
			for i, s := range tc.steps {
				before := n
				got, err := m.Get(context.Background(), s.key, s.version, func() (int, error) { n++; return n, nil })
				if err != nil {
					t.Fatal(err)
				}
				if computed := n != before; computed != s.computes {
					t.Fatalf("step %d (%s at %v): computed %v, want %v", i, s.key, s.version, computed, s.computes)
				}
				if !s.computes && got > before {
					t.Fatalf("step %d: got %d, a value newer than the last computed %d", i, got, before)
				}
			}
		})
	}
}

func TestGetIsBounded(t *testing.T) {
	m := New[int](3)
	for i, k := range []string{"a", "b", "c", "d", "e"} {
		if _, err := m.Get(context.Background(), k, v(1), func() (int, error) { return i, nil }); err != nil {
			t.Fatal(err)
		}
		if m.Len() > 3 {
			t.Fatalf("%d values kept, at most 3", m.Len())
		}
	}
	if m.Len() != 3 {
		t.Fatalf("%d values kept, want 3", m.Len())
	}
	if New[int](0).Get(context.Background(), "a", v(1), func() (int, error) { return 1, nil }); New[int](0).Len() != 0 {
		t.Fatal("a memo of no values kept one")
	}
}

// Many requests that want the same value at once compute it once and all get it.
func TestGetComputesOnceAtATime(t *testing.T) {
	m := New[int](10)
	var calls atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{})
	compute := func() (int, error) {
		if calls.Add(1) == 1 {
			close(started)
		}
		<-release
		return 42, nil
	}
	var wg sync.WaitGroup
	got := make([]int, 8)
	wg.Add(1)
	go func() { defer wg.Done(); got[0], _ = m.Get(context.Background(), "k", v(1), compute) }()
	<-started
	for i := 1; i < len(got); i++ {
		wg.Add(1)
		go func() { defer wg.Done(); got[i], _ = m.Get(context.Background(), "k", v(1), compute) }()
	}
	time.Sleep(20 * time.Millisecond) // the others reach the flight while it computes
	close(release)
	wg.Wait()
	if c := calls.Load(); c != 1 {
		t.Fatalf("computed %d times, want once", c)
	}
	for i, g := range got {
		if g != 42 {
			t.Fatalf("request %d got %d, want 42", i, g)
		}
	}
}

// A failed computation is not kept, and a request that waited for it computes the value itself.
func TestGetErrorIsNotKept(t *testing.T) {
	m := New[int](10)
	boom := errors.New("boom")
	release := make(chan struct{})
	started := make(chan struct{})
	done := make(chan error)
	go func() {
		_, err := m.Get(context.Background(), "k", v(1), func() (int, error) { close(started); <-release; return 0, boom })
		done <- err
	}()
	<-started
	waiter := make(chan int)
	go func() {
		n, _ := m.Get(context.Background(), "k", v(1), func() (int, error) { return 7, nil })
		waiter <- n
	}()
	time.Sleep(20 * time.Millisecond) // the waiter reaches the flight while it computes
	close(release)
	if err := <-done; !errors.Is(err, boom) {
		t.Fatalf("the computing request got %v, want its error", err)
	}
	if n := <-waiter; n != 7 {
		t.Fatalf("the waiting request got %d, want the 7 it computed", n)
	}
	n, err := m.Get(context.Background(), "k", v(1), func() (int, error) { return 9, nil })
	if err != nil || n != 7 && n != 9 {
		t.Fatalf("after the failure: %d, %v", n, err)
	}
}

// A request whose context ends while it waits stops waiting.
func TestGetWaitEndsWithContext(t *testing.T) {
	m := New[int](10)
	release := make(chan struct{})
	started := make(chan struct{})
	go m.Get(context.Background(), "k", v(1), func() (int, error) { close(started); <-release; return 1, nil })
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Get(ctx, "k", v(1), func() (int, error) { t.Error("computed while another computes"); return 0, nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want the context's error", err)
	}
	close(release)
}

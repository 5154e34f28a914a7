// Package memo keeps values computed from the database for the next request that read the same data
// version, as package pagecache keeps pages: a value is served again only to a request that read the
// version it was kept at, so never older than a write acknowledged before that request began. Unlike a
// page, a value is shared by everyone whose key names the same thing (the figures of one province, say),
// and it is computed once at a time: requests that want a value being computed wait for it instead of
// computing it again, so a change seen by many readers at once costs one computation. Once a newer version
// is seen, or one of another copy of the database, every value of the older ones is let go; past its bound
// in values, values are let go at random until the new one fits.
package memo

import (
	"context"
	"sync"

	"github.com/setad/setad/internal/pagecache"
)

// Memo is the values of one process; a nil Memo, or one of no values, keeps nothing and computes every
// value when asked.
type Memo[V any] struct {
	mu      sync.Mutex
	max     int               // values kept at most
	version pagecache.Version // the newest version seen; values of others are gone
	values  map[string]V
	flights map[flightKey]*flight[V]
}

type flightKey struct {
	version pagecache.Version
	key     string
}

// flight is a value being computed; ready is closed when v and err are set.
type flight[V any] struct {
	ready chan struct{}
	v     V
	err   error
}

// New returns a memo of at most max values.
func New[V any](max int) *Memo[V] {
	return &Memo[V]{max: max, values: map[string]V{}, flights: map[flightKey]*flight[V]{}}
}

// Get returns the value kept under key at version; else the one being computed for key at version, once
// it is; else it computes it with compute, keeps it and returns it. An error is not kept: a request that
// waited for a computation that failed computes the value itself. A version of 0 is not a version: the
// value is computed and not kept. Values must not be changed by their readers.
func (m *Memo[V]) Get(ctx context.Context, key string, version pagecache.Version, compute func() (V, error)) (V, error) {
	if m == nil || m.max <= 0 || version.N == 0 {
		return compute()
	}
	fk := flightKey{version, key}
	m.mu.Lock()
	m.see(version)
	if v, ok := m.values[key]; ok && version == m.version {
		m.mu.Unlock()
		return v, nil
	}
	if f, ok := m.flights[fk]; ok {
		m.mu.Unlock()
		select {
		case <-f.ready:
			if f.err == nil {
				return f.v, nil
			}
			return compute()
		case <-ctx.Done():
			var zero V
			return zero, ctx.Err()
		}
	}
	f := &flight[V]{ready: make(chan struct{})}
	m.flights[fk] = f
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		delete(m.flights, fk)
		if f.err == nil && version == m.version {
			m.keep(key, f.v)
		}
		m.mu.Unlock()
		close(f.ready)
	}()
	f.err = errPanicked // until compute returns, so that waiters compute for themselves if it panics
	f.v, f.err = compute()
	return f.v, f.err
}

// errPanicked is a flight's error while its computation runs.
var errPanicked = &panicked{}

type panicked struct{}

func (*panicked) Error() string { return "memo: the computation did not return" }

// see lets go of every value when version is newer than the newest seen, or of another copy.
func (m *Memo[V]) see(version pagecache.Version) {
	if version.Origin != m.version.Origin || version.N > m.version.N {
		m.version = version
		clear(m.values)
	}
}

// keep keeps v under key, letting go of values at random (the map's order) while there are too many.
func (m *Memo[V]) keep(key string, v V) {
	for k := range m.values {
		if len(m.values) < m.max {
			break
		}
		delete(m.values, k)
	}
	m.values[key] = v
}

// Len returns the number of values kept, for the tests.
func (m *Memo[V]) Len() int {
	if m == nil {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.values)
}

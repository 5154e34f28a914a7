// Package password hashes and verifies passwords with argon2id, in the PHC string format
// ($argon2id$v=19$m=…,t=…,p=…$salt$hash) so each stored hash carries its own parameters and old hashes
// keep verifying after the parameters change. Hashing is memory-hard on purpose, so the number of hashes
// running at once is bounded by the Hasher.
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id cost parameters.
type Params struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32 // memory per hash
	Threads   uint8
}

// DefaultParams follow RFC 9106's second recommended option (64 MiB, 3 passes) with 2 lanes for a
// 2-core machine: about 120 ms a hash here.
var DefaultParams = Params{Time: 3, MemoryKiB: 64 * 1024, Threads: 2}

const (
	saltLen = 16
	keyLen  = 32
)

// Errors of the Hasher.
var (
	ErrMalformed = errors.New("password: malformed hash")
	// ErrBusy means too many hashes are already waiting: a burst is refused at once rather than queued.
	ErrBusy = errors.New("password: too many hashes waiting")
)

// Hasher hashes and verifies with fixed parameters and a bound on concurrent and waiting work.
type Hasher struct {
	params Params
	slots  chan struct{} // one token per hash running
	queue  chan struct{} // one token per hash running or waiting
	dummy  string
}

// NewHasher returns a Hasher that runs at most concurrency hashes at once and lets at most eight times
// as many wait.
func NewHasher(p Params, concurrency int) *Hasher {
	if concurrency < 1 {
		concurrency = 1
	}
	h := &Hasher{params: p, slots: make(chan struct{}, concurrency), queue: make(chan struct{}, 9*concurrency)}
	h.dummy = h.hash("not a password")
	return h
}

// Hash returns the PHC string for pw.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return h.hash(pw), nil
}

// Verify reports whether pw matches encoded. An empty encoded (an unknown user) is verified against a
// dummy hash so that the answer takes the same time either way.
func (h *Hasher) Verify(ctx context.Context, pw, encoded string) (bool, error) {
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	if encoded == "" {
		_, _ = verify(pw, h.dummy)
		return false, nil
	}
	return verify(pw, encoded)
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.queue <- struct{}{}:
	default:
		return ErrBusy
	}
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		<-h.queue
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots; <-h.queue }

func (h *Hasher) hash(pw string) string {
	salt := make([]byte, saltLen)
	_, _ = rand.Read(salt) // crypto/rand.Read never fails
	key := argon2.IDKey([]byte(pw), salt, h.params.Time, h.params.MemoryKiB, h.params.Threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.params.MemoryKiB, h.params.Time, h.params.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

func verify(pw, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrMalformed
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, ErrMalformed
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil ||
		p.MemoryKiB == 0 || p.Time == 0 || p.Threads == 0 {
		return false, ErrMalformed
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, ErrMalformed
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, ErrMalformed
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

package password

import (
	"context"
	"strings"
	"testing"
)

var cheap = Params{Time: 1, MemoryKiB: 1024, Threads: 1}

func TestHashVerify(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(cheap, 2)
	enc, err := h.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("unexpected encoding %q", enc)
	}
	other, _ := h.Hash(ctx, "correct horse battery")
	if other == enc {
		t.Fatal("two hashes of the same password share a salt")
	}
	tests := []struct {
		name    string
		pw      string
		encoded string
		want    bool
		wantErr bool
	}{
		{"right password", "correct horse battery", enc, true, false},
		{"wrong password", "correct horse batterz", enc, false, false},
		{"empty password", "", enc, false, false},
		{"unknown user", "correct horse battery", "", false, false},
		{"not argon2id", "x", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA", false, true},
		{"bad params", "x", "$argon2id$v=19$m=0,t=1,p=1$c2FsdA$aGFzaA", false, true},
		{"bad version", "x", "$argon2id$v=16$m=1024,t=1,p=1$c2FsdA$aGFzaA", false, true},
		{"bad base64", "x", "$argon2id$v=19$m=1024,t=1,p=1$!!$aGFzaA", false, true},
		{"too few parts", "x", "$argon2id$v=19", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.Verify(ctx, tt.pw, tt.encoded)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Fatalf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
}

// A hash made with other parameters still verifies: the parameters travel in the string.
func TestVerifyOtherParams(t *testing.T) {
	ctx := context.Background()
	old := NewHasher(Params{Time: 2, MemoryKiB: 2048, Threads: 2}, 1)
	enc, _ := old.Hash(ctx, "pw-1234567")
	ok, err := NewHasher(cheap, 1).Verify(ctx, "pw-1234567", enc)
	if err != nil || !ok {
		t.Fatalf("Verify = %v, %v", ok, err)
	}
}

func TestCancelledWhileWaiting(t *testing.T) {
	h := NewHasher(cheap, 1)
	h.slots <- struct{}{} // the only slot is busy
	h.queue <- struct{}{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(ctx, "x"); err == nil {
		t.Fatal("Hash waited past a cancelled context")
	}
}

func TestBusyWhenTheQueueIsFull(t *testing.T) {
	h := NewHasher(cheap, 1)
	for range cap(h.queue) {
		h.queue <- struct{}{}
	}
	if _, err := h.Verify(context.Background(), "x", ""); err != ErrBusy {
		t.Fatalf("Verify with a full queue = %v, want ErrBusy", err)
	}
	<-h.queue
	if _, err := h.Verify(context.Background(), "x", ""); err != nil {
		t.Fatalf("Verify with room in the queue = %v", err)
	}
}

// Package reqctx carries the request-wide facts that pages need besides the user and the language: the
// request id, the path being shown, a one-time flash message, the clock and the version of the data, set
// by the server's middleware and read by templates through typed getters.
package reqctx

import (
	"context"
	"time"
)

// Info is the request-wide data.
type Info struct {
	RequestID string
	Method    string // the request's method: a form drawn for a GET is on its own page
	Path      string // path and query of the page, for "return here" links
	Flash     string // message key shown once
	FlashForm string // the id of the form the flash is about, which shows it; "" for the page's top
	Now       time.Time
	UserID    int64  // set once the session is read, for the request log
	Remote    string // the client's address (through trusted proxies)
	// DataVersion is the version of what pages show as the request's first query read it (0: not read);
	// a page drawn for the request may be kept at it (package pagecache).
	DataVersion int64
	DataOrigin  string // the copy of the database DataVersion counts in (store.SessionRead.Origin)
	Unread      int    // the signed-in user's unread notifications, as the same query counted them
	// OnlyOnce marks a page that shows what is for this request alone, such as a flash or a restored
	// form: it is not kept.
	OnlyOnce  bool
	changesAt time.Time
}

// ChangesAt notes that the page being drawn changes by itself at t, with nothing written (a lock that
// ends): a kept copy is not served from then on.
func (i *Info) ChangesAt(t time.Time) {
	if t.After(i.Now) && (i.changesAt.IsZero() || t.Before(i.changesAt)) {
		i.changesAt = t
	}
}

// Until is the earliest instant given to ChangesAt, or the zero time.
func (i *Info) Until() time.Time { return i.changesAt }

type ctxKey struct{}

// NewContext returns ctx carrying info.
func NewContext(ctx context.Context, info *Info) context.Context {
	return context.WithValue(ctx, ctxKey{}, info)
}

// From returns the request's Info, never nil.
func From(ctx context.Context) *Info {
	if i, ok := ctx.Value(ctxKey{}).(*Info); ok {
		return i
	}
	return &Info{Path: "/", Now: time.Now()}
}

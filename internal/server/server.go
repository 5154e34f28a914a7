// Package server is Setad's HTTP layer: the routes, the middleware that puts the user, scope, language and
// request id into each request, and one file per area of handlers that read forms, call the store with
// the caller's scope and render templ pages. Handlers never show an error's text to the browser.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/setad/setad/internal/composition"
	"github.com/setad/setad/internal/config"
	"github.com/setad/setad/internal/memo"
	"github.com/setad/setad/internal/pagecache"
	"github.com/setad/setad/internal/password"
	"github.com/setad/setad/internal/registration"
	"github.com/setad/setad/internal/store"
)

// Server holds what the handlers share; it is built once in run and has no package-level state.
type Server struct {
	cfg    config.Config
	log    *slog.Logger
	store  *store.Store
	hasher *password.Hasher
	now    func() time.Time
	reg    *registration.Service // the one checking path of candidates' records
	comp   *composition.Service  // the one checking path of a board's members and pool entries
	// importSlots holds a token for each import being read: each may hold a few tens of megabytes, so
	// that importsAtOnce bound the memory of all of them. One more waits importWait for a slot.
	importSlots chan struct{}
	importWait  time.Duration
	pageBuffers sync.Pool                 // of *bytes.Buffer, for render
	pages       *pagecache.Cache          // drawn pages kept for the next identical view (keepPages)
	openPages   *pagecache.Cache          // the same for pages drawn for someone signed out
	figures     *memo.Memo[figures]       // the dashboards' figures, shared by the readers of one scope (figuresOf)
	summaries   *memo.Memo[store.Summary] // the homes' counts of places and users, the same way (summaryOf)
}

// How many imports are read at once, and how long one more waits for its turn before it is refused.
const (
	importsAtOnce  = 2
	importSlotWait = 5 * time.Second
)

// New builds the server and starts its housekeeping (expired sessions and old failed logins, the
// reminders time brings) and the store's cache notifications (store.Listen), which stop when ctx ends.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, st *store.Store, h *password.Hasher) *Server {
	s := &Server{cfg: cfg, log: log, store: st, hasher: h, now: time.Now,
		importSlots: make(chan struct{}, importsAtOnce), importWait: importSlotWait,
		pages: pagecache.New(cfg.PageCacheMB << 20), openPages: pagecache.New(min(cfg.PageCacheMB, 1) << 20),
		figures: memo.New[figures](figuresKept), summaries: memo.New[store.Summary](figuresKept)}
	s.reg = registration.New(st, func() time.Time { return s.now() })
	s.comp = composition.New(st)
	go s.housekeeping(ctx, 10*time.Minute)
	go st.Listen(ctx, func(err error) { log.Warn("cache notifications", "err", err.Error()) })
	return s
}

func (s *Server) housekeeping(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.store.DeleteExpired(ctx, s.cfg.SessionIdle); err != nil && ctx.Err() == nil {
				s.log.Warn("housekeeping", "err", err.Error())
			}
			s.SweepNotices(ctx)
			s.SnapshotReadiness(ctx)
		}
	}
}

// SweepNotices tells users what time has brought since the last sweep (store.SweepNotices): the
// housekeeping runs it every few minutes, and serve once at its start.
func (s *Server) SweepNotices(ctx context.Context) {
	if n, err := s.store.SweepNotices(ctx, s.now()); err != nil && ctx.Err() == nil {
		s.log.Warn("notices", "err", err.Error())
	} else if n > 0 {
		s.log.Info("notices", "told", n)
	}
}

// SnapshotReadiness keeps the dashboard's history: once a day, the first housekeeping of the day by any
// process writes yesterday's figures of every county (store.SnapshotReadiness); the others write nothing.
func (s *Server) SnapshotReadiness(ctx context.Context) {
	if n, err := s.store.SnapshotReadiness(ctx, s.now()); err != nil && ctx.Err() == nil {
		s.log.Warn("readiness history", "err", err.Error())
	} else if n > 0 {
		s.log.Info("readiness history", "counties", n)
	}
}

// HTTPServer wraps the handler with timeouts that bound slow clients.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Addr:              s.cfg.Addr,
		Handler:           s.Routes(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

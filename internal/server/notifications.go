package server

import (
	"errors"
	"net/http"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/notifications"
)

// notificationList is the signed-in user's inbox.
func (s *Server) notificationList(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	if !p.Can(auth.ReadNotifications) {
		s.forbidden(w, r)
		return
	}
	ns, err := s.store.Inbox(r.Context(), p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, notifications.Page(notifications.Group(ns)))
}

// notificationRead marks the user's notification id read, or all of them (all); with open, it then goes
// to what the notice is about (the address comes from the notice, never from the form).
func (s *Server) notificationRead(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	if !p.Can(auth.ReadNotifications) {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	var id int64
	if f.Get("all") == "" {
		if id, ok = pathID(f.Get("id")); !ok {
			s.notFound(w, r)
			return
		}
	}
	n, err := s.store.MarkRead(r.Context(), actor(r), p.Scope.ProvinceID, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if errors.Is(err, store.ErrNoneUnread) {
		s.redirectFlash(w, r, "/notifications", "notices.none_unread")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if id != 0 && f.Get("open") != "" {
		// Opening a circular from the inbox is its receipt's "opened" (a page's view writes nothing).
		if n.Subject == "guidance" && p.Can(auth.AckGuidance) {
			if err := s.store.OpenGuidance(r.Context(), actor(r), p.Scope, n.SubjectID); err != nil {
				s.serverError(w, r, err)
				return
			}
		}
		http.Redirect(w, r, notifications.Href(n), http.StatusSeeOther)
		return
	}
	key := "notices.marked"
	if id == 0 {
		key = "notices.marked_all"
	}
	s.redirectFlash(w, r, "/notifications", key)
}

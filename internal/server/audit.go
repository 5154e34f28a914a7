package server

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/dayinput"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/audit"
	"github.com/setad/setad/web/components"
)

const auditPageSize = 50

// auditFilters are the query's filters, which a page's links keep.
var auditFilters = []string{"actor", "entity", "day", "group"}

// auditEntities are the kinds of record the log names, offered in the filter.
var auditEntities = []string{"board", "board_rules", "candidate", "candidate_import", "candidate_rules", "city", "county", "election",
	"milestone", "province", "user"}

// auditList shows the log newest first; filters come from the query string and pages go by id.
func (s *Server) auditList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.ViewAudit) {
		s.forbidden(w, r)
		return
	}
	q := r.URL.Query()
	f := components.NewForm()
	for _, k := range auditFilters {
		f.Values.Set(k, q.Get(k))
	}
	filter := store.AuditFilter{Actor: q.Get("actor"), Entity: q.Get("entity"), Limit: auditPageSize}
	if g := q.Get("group"); slices.Contains(audit.Groups, g) {
		filter.Group = g
	} else {
		f.Values.Del("group") // an unknown group shows every row, as no group does
	}
	if day := q.Get("day"); day != "" {
		d, msg := dayinput.Read(i18n.From(ctx), day, s.now())
		if !msg.IsZero() {
			f.Errors["day"] = msg
		} else {
			filter.From = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, i18n.Tehran)
			filter.To = filter.From.AddDate(0, 0, 1)
		}
	}
	if b, err := strconv.ParseInt(persian.ToLatinDigits(q.Get("before")), 10, 64); err == nil && b > 0 {
		filter.Before = b
	}
	status := http.StatusOK
	var rows []store.AuditRow
	var err error
	if f.Valid() {
		if rows, err = s.store.AuditRows(ctx, p.Scope, filter); err != nil {
			s.serverError(w, r, err)
			return
		}
	} else {
		status = http.StatusUnprocessableEntity
	}
	d := audit.Data{Filter: f, Entities: auditEntities, Rows: rows}
	if len(rows) > auditPageSize {
		d.Rows = rows[:auditPageSize]
		next := url.Values{}
		for _, k := range auditFilters {
			if v := f.Get(k); v != "" {
				next.Set(k, v)
			}
		}
		next.Set("before", strconv.FormatInt(d.Rows[len(d.Rows)-1].ID, 10))
		d.NextHref = "/audit?" + next.Encode()
	}
	if len(d.Rows) > 0 {
		if d.Names, err = s.store.AuditNames(ctx, p.Scope, audit.Refs(d.Rows)); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.render(w, r, status, audit.Page(d))
}

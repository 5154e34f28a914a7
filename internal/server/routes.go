package server

import (
	"io/fs"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/web"
)

// Routes returns the whole handler: every route of SPEC.md that exists so far, behind the middleware.
func (s *Server) Routes() http.Handler {
	r := chi.NewRouter()
	pg := pages{routes: r}
	r.Use(s.logRequests, s.recoverPanics, s.securityHeaders, limitBodies, s.rejectBadText, language, s.crossOriginProtection,
		pg.pageAddress)
	// A missing page, like every error page, still shows who is signed in, with the navigation, in their
	// language.
	r.NotFound(s.authenticate(http.HandlerFunc(s.notFound)).ServeHTTP)
	r.MethodNotAllowed(s.authenticate(s.methodNotAllowed(pg)).ServeHTTP)

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	static, _ := fs.Sub(web.Static, "static")
	r.Handle("/static/*", cacheStatic(http.StripPrefix("/static/", http.FileServerFS(static))))
	r.Get("/favicon.ico", favicon)
	// A calendar application cannot sign in: the feed's token is its credential.
	r.Get("/timeline.ics", s.timelineFeed)
	r.Head("/timeline.ics", s.timelineFeed) // calendar apps may ask for the headers first

	r.Group(func(r chi.Router) {
		// A panic in a page is caught here too, where the user is known, so its 500 page keeps the navigation.
		r.Use(s.authenticate, s.recoverPanics)
		r.With(s.keepPages).Get("/login", s.loginPage)
		r.Post("/login", s.login)
		r.Get("/lang/{lang}", s.setLanguage(pg))

		r.Group(func(r chi.Router) {
			r.Use(s.requireLogin)
			// The pages that only read are kept for the next identical view (keepPages); downloads, the
			// language switch and every POST are not.
			r.Post("/logout", s.logout)
			r.With(s.keepPages).Get("/", s.home)
			r.With(s.keepPages).Get("/counties", s.countyList)
			r.With(s.keepPages).Get("/counties/{code}", s.countyShow)
			r.Post("/counties/{code}/sizes", s.countySizes)
			r.Post("/counties/{code}/cities", s.cityAdd)
			r.With(s.keepPages).Get("/counties/{code}/cities/import", s.cityImportPage)
			r.Post("/counties/{code}/cities/import", s.cityImport)
			r.With(s.keepPages).Get("/counties/{code}/cities/import/{id}", s.cityImportShow)
			r.With(s.keepPages).Get("/counties/{code}/cities/{city}", s.cityShow)
			r.Post("/counties/{code}/cities/{city}", s.cityUpdate)
			r.Post("/counties/{code}/cities/{city}/retire", s.cityRetire(true))
			r.Post("/counties/{code}/cities/{city}/restore", s.cityRetire(false))
			r.Post("/counties/{code}/cities/{city}/delete", s.cityDelete)
			r.With(s.keepPages).Get("/profile", s.profile)
			r.Post("/profile/password", s.profilePassword)
			r.Post("/profile/lang", s.profileLang)
			r.Post("/profile/ics-token", s.profileICSToken)
			r.With(s.keepPages).Get("/timeline/matrix", s.timelineMatrix)
			r.With(s.keepPages).Get("/timeline/calendar", s.timelineCalendar)
			r.With(s.keepPages).Get("/audit", s.auditList)
			r.With(s.keepPages).Get("/candidates", s.candidateList)
			r.Get("/candidates.csv", s.candidateExport("csv"))
			r.Get("/candidates.xlsx", s.candidateExport("xlsx"))
			r.With(s.keepPages).Get("/candidates/import", s.candidateImportPage)
			r.Get("/candidates/import/template.csv", s.candidateImportTemplate("csv"))
			r.Get("/candidates/import/template.xlsx", s.candidateImportTemplate("xlsx"))
			r.Post("/candidates/import", s.candidateImport)
			r.With(s.keepPages).Get("/candidates/import/{id}", s.candidateImportShow)
			r.Get("/candidates/import/{id}/rejected.csv", s.candidateImportRejected)
			r.With(s.keepPages).Get("/candidates/new", s.candidateNew)
			r.With(s.keepPages).Get("/candidates/rules", s.candidateRules)
			r.Post("/candidates/rules/{kind}", s.candidateRuleUpdate)
			r.Post("/candidates", s.candidateCreate)
			r.With(s.keepPages).Get("/candidates/{id}", s.candidateShow)
			r.With(s.keepPages).Get("/candidates/{id}/edit", s.candidateEdit)
			r.Post("/candidates/{id}/edit", s.candidateCorrect)
			r.Post("/candidates/{id}/status", s.candidateStatus)
			r.Post("/candidates/{id}/constituency", s.candidateConstituency)
			r.With(s.keepPages).Get("/boards", s.boardList)
			r.With(s.keepPages).Get("/boards/rules", s.boardRules)
			r.Post("/boards/rules/{kind}/{level}", s.boardRuleUpdate)
			r.Route("/boards/{id}", func(r chi.Router) {
				r.With(s.keepPages).Get("/", s.boardShow)
				r.Post("/members", s.memberAdd)
				r.With(s.keepPages).Get("/members/{member}", s.memberEdit)
				r.Post("/members/{member}", s.memberUpdate)
				r.Post("/members/{member}/delete", s.memberDelete)
				r.Post("/pool", s.poolAdd)
				r.Post("/pool/approval", s.poolApproval)
				r.With(s.keepPages).Get("/pool/import", s.poolImportPage)
				r.Post("/pool/import", s.poolImport)
				r.With(s.keepPages).Get("/pool/import/{import}", s.poolImportShow)
				r.Post("/pool/{pool}/delete", s.poolDelete)
				r.Post("/submit", s.boardSubmit)
				r.Post("/approve", s.boardApprove)
				r.Post("/return", s.boardReturn)
				r.Post("/reopen", s.boardReopen)
				r.With(s.keepPages).Get("/print", s.boardPrint)
			})
			s.timelineRoutes(r)
			s.guidanceRoutes(r)
			s.taskRoutes(r)
			r.With(s.keepPages).Get("/questions", s.questionList)
			r.Post("/questions", s.questionAsk)
			r.Route("/questions/{id}", func(r chi.Router) {
				r.With(s.keepPages).Get("/", s.questionShow)
				r.Post("/answers", s.questionAnswer)
				r.Post("/answers/{a}/accept", s.questionAccept)
				r.Post("/publish", s.questionPublish)
				r.Post("/unpublish", s.questionUnpublish)
			})
			r.With(s.keepPages).Get("/faq", s.faqPage)
			r.With(s.keepPages).Get("/notifications", s.notificationList)
			r.Post("/notifications/read", s.notificationRead)
			s.trainingRoutes(r)
			s.readinessRoutes(r)
			s.incidentRoutes(r)
			s.committeeRoutes(r)
			s.systemRoutes(r)
			r.Route("/admin/users", func(r chi.Router) {
				r.With(s.keepPages).Get("/", s.userList)
				r.With(s.keepPages).Get("/new", s.userNew)
				r.Post("/", s.userCreate)
				r.With(s.keepPages).Get("/{id}", s.userShow)
				r.Post("/{id}/disable", s.userDisable)
				r.Post("/{id}/enable", s.userEnable)
				r.Post("/{id}/password", s.userPassword)
			})
		})
	})
	return r
}

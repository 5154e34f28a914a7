package i18n

// The messages of monitoring that every area shares: the notices of incidents and readiness checks.

var _ = merge(fa, map[string]string{
	"notices.kind.incident_new":       "حادثه تازه در سامانه‌ای از کمیته شما",
	"notices.kind.incident_critical":  "حادثه بحرانی در سامانه‌های انتخابات",
	"notices.kind.incident_update":    "تغییر در حادثه‌ای که گزارش داده‌اید",
	"notices.kind.readiness_due":      "بررسی آمادگی امروز باید ثبت شود",
	"notices.count.incident_new":      "{n} حادثه تازه",
	"notices.count.incident_critical": "{n} حادثه بحرانی",
	"notices.count.incident_update":   "{n} تغییر در حادثه‌ها",
	"notices.count.readiness_due":     "{n} بررسی آمادگی برای ثبت",
})

var _ = merge(en, map[string]string{
	"notices.kind.incident_new":       "New incident in a system your committee owns",
	"notices.kind.incident_critical":  "Critical incident in the election systems",
	"notices.kind.incident_update":    "Change in an incident you reported",
	"notices.kind.readiness_due":      "A readiness check is to be filed today",
	"notices.count.incident_new":      "{n} new {n|incident|incidents}",
	"notices.count.incident_critical": "{n} critical {n|incident|incidents}",
	"notices.count.incident_update":   "{n} {n|change|changes} in incidents",
	"notices.count.readiness_due":     "{n} readiness {n|check|checks} to file",
})

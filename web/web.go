// Package web holds the pages (templ components, one folder per area) and the static files (CSS, the
// Vazirmatn font, htmx, the icon), which are embedded into the binary.
package web

import "embed"

// Static is the static/ folder.
//
//go:embed static
var Static embed.FS

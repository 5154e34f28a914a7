// Package migrations holds the schema as numbered SQL files, embedded into the binary and applied with
// golang-migrate. Landed migrations are append-only.
package migrations

import "embed"

// FS holds every NNNN_name.up.sql and .down.sql file.
//
//go:embed *.sql
var FS embed.FS

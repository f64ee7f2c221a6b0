// Package migrations embeds the schema: golang-migrate applies these files in order, and sqlc reads
// them as the schema its generated code is checked against.
package migrations

import "embed"

// FS holds every *.sql migration.
//
//go:embed *.sql
var FS embed.FS

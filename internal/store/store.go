// Package store is Setad's only door to PostgreSQL: raw pgx queries, one file per group of tables, with
// the SQL next to the method that runs it. Every method that reads or writes scoped data takes the
// caller's auth.Scope and filters by it in the query itself, and every write appends its audit rows in the
// same transaction, as its last statements (write).
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5" // registers the pgx5:// driver
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/migrations"
)

// Domain errors the handlers turn into pages.
var (
	ErrNotFound = errors.New("store: not found")          // missing, or outside the caller's scope
	ErrConflict = errors.New("store: changed by someone") // the version did not match
	ErrExists   = errors.New("store: already exists")     // a unique key is taken
)

// Store wraps the connection pool, the cache of reference data (cache.go) and the audit rows' details
// read back (audit_details.go).
type Store struct {
	pool         *pgxpool.Pool
	cache        cache
	auditDetails auditDetails
}

// New returns a Store over pool. Its cache serves nothing until Listen runs.
func New(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, cache: cache{entries: map[string]*entry{}}}
}

// Pool returns the underlying pool (for the audit verification, bulk loading and tests).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// write runs work in a transaction, then appends the audit entries work returns as the transaction's last
// statements and commits (audit.Write). Every write goes through it, so none can lock the audit chain's
// head before its other locks: two writers can then never wait for each other's locks in a circle. The
// rest of the request then reads past the cache, so that it shows what it wrote.
func (s *Store) write(ctx context.Context, a audit.Actor, work func(pgx.Tx) ([]audit.Entry, error)) error {
	err := audit.Write(ctx, s.pool, a, onceOnly(ctx, a, work))
	wrote(ctx)
	return err
}

func isUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505"
}

// Migrator returns a golang-migrate instance over the embedded migrations. Close it after use.
func Migrator(databaseURL string) (*migrate.Migrate, error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return nil, err
	}
	u := databaseURL
	for _, p := range []string{"postgres://", "postgresql://"} {
		if strings.HasPrefix(u, p) {
			u = "pgx5://" + strings.TrimPrefix(u, p)
		}
	}
	if !strings.HasPrefix(u, "pgx5://") {
		return nil, fmt.Errorf("DATABASE_URL must be a postgres:// URL")
	}
	return migrate.NewWithSourceInstance("iofs", src, u)
}

// MigrateUp applies every pending migration.
func MigrateUp(databaseURL string) error {
	m, err := Migrator(databaseURL)
	if err != nil {
		return err
	}
	defer m.Close()
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return err
	}
	return nil
}

// countsByKey reads (key, count) rows into a map.
func countsByKey(rows pgx.Rows) (map[string]int, error) {
	counts := map[string]int{}
	var key string
	var n int
	_, err := pgx.ForEachRow(rows, []any{&key, &n}, func() error { counts[key] = n; return nil })
	return counts, err
}

// Analyze refreshes the planner's statistics of every table, after a load of many rows (the seed), so that
// the next queries are planned for the rows they will find, not for the empty tables of the migrations.
func (s *Store) Analyze(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, `ANALYZE`)
	return err
}

// Package dbtest gives each test its own real PostgreSQL database, cloned in milliseconds from a template
// that is migrated once per version of the migrations. The server is named by SETAD_TEST_DATABASE_URL
// (default postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable); its role needs CREATEDB.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/migrations"
)

// AdminURL is the maintenance database URL tests connect to.
func AdminURL() string {
	if u := os.Getenv("SETAD_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// URLFor returns AdminURL with the database name replaced.
func URLFor(name string) string {
	u, err := url.Parse(AdminURL())
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

// templateName changes whenever a migration file changes, so a stale template is never used.
func templateName() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	return "setad_tmpl_" + hex.EncodeToString(h.Sum(nil))[:16], err
}

// ensureTemplate builds the template once, under an advisory lock so parallel test binaries agree.
func ensureTemplate(ctx context.Context, admin *pgx.Conn) (string, error) {
	name, err := templateName()
	if err != nil {
		return "", err
	}
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock(7310405)`); err != nil {
		return "", err
	}
	defer admin.Exec(context.Background(), `SELECT pg_advisory_unlock(7310405)`)
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	build := name + "_build"
	for _, q := range []string{
		`DROP DATABASE IF EXISTS ` + build + ` WITH (FORCE)`,
		`CREATE DATABASE ` + build,
	} {
		if _, err := admin.Exec(ctx, q); err != nil {
			return "", err
		}
	}
	if err := store.MigrateUp(URLFor(build)); err != nil {
		return "", fmt.Errorf("migrate template: %w", err)
	}
	for _, q := range []string{
		`ALTER DATABASE ` + build + ` RENAME TO ` + name,
		`ALTER DATABASE ` + name + ` ALLOW_CONNECTIONS false`,
	} {
		if _, err := admin.Exec(ctx, q); err != nil {
			return "", err
		}
	}
	return name, nil
}

// NewDatabase creates a fresh migrated database for t, dropped when t ends, and returns its URL.
func NewDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		t.Fatalf("dbtest: connect to %s: %v (is PostgreSQL running? make test starts it)", AdminURL(), err)
	}
	defer admin.Close(context.Background())
	tmpl, err := ensureTemplate(ctx, admin)
	if err != nil {
		t.Fatalf("dbtest: template: %v", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "setad_t_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+name+` TEMPLATE `+tmpl); err != nil {
		t.Fatalf("dbtest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, AdminURL())
		if err != nil {
			t.Errorf("dbtest: drop %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("dbtest: drop %s: %v", name, err)
		}
	})
	return URLFor(name)
}

// NewStore returns a Store over a fresh database; the pool closes when t ends.
func NewStore(t testing.TB) (*store.Store, string) {
	t.Helper()
	u := NewDatabase(t)
	pool, err := pgxpool.New(context.Background(), u)
	if err != nil {
		t.Fatalf("dbtest: pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return store.New(pool), u
}

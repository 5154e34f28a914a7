package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/golang-migrate/migrate/v4"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/config"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/password"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/seed"
	"github.com/setad/setad/internal/server"
	"github.com/setad/setad/internal/store"
	tl "github.com/setad/setad/internal/timeline"
)

const usage = `usage:
  setad serve
  setad migrate up | down N | version
  setad seed [--demo] [--synthetic N | --synthetic-country] [--force]
  setad election add --kind KIND --title "T" --day YYYY/MM/DD [--title-en "T"] [--parent KIND] [--current]
  setad election move --code CODE --day YYYY/MM/DD --reason "R"
  setad user add --username U --name "N" --role ROLE [--province P] [--county C] [--district D] [--committee K]
                 (the password is read from standard input)
  setad audit verify [--head N:HASH]
  setad audit head
configuration: DATABASE_URL, SETAD_ADDR and the others in README.md`

// progressOut receives the progress of long loads: standard error, where a terminal shows a bar.
var progressOut io.Writer = os.Stderr

// countrySize is what `seed --synthetic-country` loads: the country's size (tests make it small).
var countrySize = seed.Country

// run is the whole program; main only wires it to the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	cfg, err := config.Parse(getenv)
	if err != nil {
		return err
	}
	if len(args) < 2 {
		return errors.New(usage)
	}
	cmd, rest := args[1], args[2:]
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprintln(stdout, usage)
		return nil
	}
	if err := cfg.RequireDatabase(); err != nil {
		return err
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg, stdout)
	case "migrate":
		return migrateCmd(cfg, rest, stdout)
	}
	pool, err := openPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	st := store.New(pool)
	switch {
	case cmd == "seed":
		return seedCmd(ctx, cfg, st, rest, stdout, progressOut)
	case cmd == "election" && len(rest) > 0 && rest[0] == "add":
		return electionAdd(ctx, st, rest[1:], stdout)
	case cmd == "election" && len(rest) > 0 && rest[0] == "move":
		return electionMove(ctx, st, rest[1:], stdout)
	case cmd == "user" && len(rest) > 0 && rest[0] == "add":
		return userAdd(ctx, cfg, st, rest[1:], stdin, stdout)
	case cmd == "audit" && len(rest) > 0 && rest[0] == "verify":
		return auditVerify(ctx, st, rest[1:], stdout)
	case cmd == "audit" && len(rest) == 1 && rest[0] == "head":
		return auditHead(ctx, st, stdout)
	}
	return fmt.Errorf("unknown command %q\n%s", strings.Join(args[1:], " "), usage)
}

func openPool(ctx context.Context, cfg config.Config) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	pc.MaxConnIdleTime = 5 * time.Minute
	pc.HealthCheckPeriod = 15 * time.Second
	return pgxpool.NewWithConfig(ctx, pc)
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// serve migrates (waiting for the database if it is not up yet), serves, and on SIGINT/SIGTERM stops
// taking connections and drains the requests in flight before returning.
func serve(ctx context.Context, cfg config.Config, stdout io.Writer) error {
	log := newLogger(cfg, stdout)
	for wait := time.Second; ; wait = min(2*wait, 15*time.Second) {
		err := store.MigrateUp(cfg.DatabaseURL)
		if err == nil {
			break
		}
		log.Error("migrate: database not ready, retrying", "err", err.Error(), "retry_in", wait.String())
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
	pool, err := openPool(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	srvCtx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := store.New(pool)
	s := server.New(srvCtx, cfg, log, st, password.NewHasher(cfg.Password, 2))
	go logAuditHead(srvCtx, log, st, cfg.AuditHeadEvery)
	go func() {
		s.SweepNotices(srvCtx)
		s.SnapshotReadiness(srvCtx)
	}()
	hs := s.HTTPServer()
	errc := make(chan error, 1)
	go func() {
		log.Info("serving", "addr", cfg.Addr, "tls", cfg.TLSCert != "")
		if cfg.TLSCert != "" {
			errc <- hs.ListenAndServeTLS(cfg.TLSCert, cfg.TLSKey)
		} else {
			errc <- hs.ListenAndServe()
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests", "timeout", cfg.ShutdownTimeout.String())
	sctx, scancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer scancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// logAuditHead logs the audit chain's head now and then every interval until ctx ends. Shipped off the
// machine with the other logs, these lines are anchors the database cannot rewrite: `setad audit verify
// --head N:HASH` checks the chain against any of them.
func logAuditHead(ctx context.Context, log *slog.Logger, st *store.Store, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		h, err := st.AuditHead(ctx)
		switch {
		case err == nil:
			log.Info("audit head", "id", h.ID, "hash", h.Hash, "head", h.String())
		case ctx.Err() == nil:
			log.Warn("audit head: cannot read it", "err", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func migrateCmd(cfg config.Config, args []string, stdout io.Writer) error {
	m, err := store.Migrator(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer m.Close()
	switch {
	case len(args) == 1 && args[0] == "up":
		if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
			return err
		}
	case len(args) == 2 && args[0] == "down":
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 1 {
			return fmt.Errorf("migrate down: want a positive number of steps, got %q", args[1])
		}
		if err := m.Steps(-n); err != nil {
			return err
		}
	case len(args) == 1 && args[0] == "version":
	default:
		return errors.New("usage: setad migrate up | down N | version")
	}
	v, dirty, err := m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		fmt.Fprintln(stdout, "version: none")
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "version: %d", v)
	if dirty {
		fmt.Fprint(stdout, " (dirty)")
	}
	fmt.Fprintln(stdout)
	return nil
}

func seedCmd(ctx context.Context, cfg config.Config, st *store.Store, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	demo := fs.Bool("demo", false, "also load the demo election, users and data")
	// Synthetic candidates are for load measurement only: never on a database with a real election.
	synthetic := fs.Int("synthetic", 0, "also add N synthetic candidates to the current election")
	country := fs.Bool("synthetic-country", false, "also load the synthetic country: 31 provinces, their places, users, work and candidates")
	force := fs.Bool("force", false, "with --synthetic or --synthetic-country: load the candidates even beside real ones")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *synthetic < 0 || *synthetic > 0 && *country ||
		*force && *synthetic == 0 && !*country {
		return errors.New("usage: setad seed [--demo] [--synthetic N | --synthetic-country] [--force]")
	}
	if err := store.MigrateUp(cfg.DatabaseURL); err != nil {
		return err
	}
	if *country {
		// Refused before anything else is loaded, so a second run changes nothing.
		if loaded, err := seed.CountryLoaded(ctx, st); err != nil {
			return err
		} else if loaded {
			return fmt.Errorf("seed: %w", seed.ErrCountryLoaded)
		}
	}
	now := time.Now().In(i18n.Tehran)
	if *demo {
		if err := seed.Demo(ctx, st, password.NewHasher(cfg.Password, 2), now, stdout); err != nil {
			return err
		}
	} else {
		if err := seed.Reference(ctx, st); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "reference data loaded")
	}
	if *synthetic > 0 {
		start := time.Now()
		res, err := seed.Synthetic(ctx, st, *synthetic, now, *force)
		if res.Rows > 0 {
			fmt.Fprintf(stdout, "%d synthetic candidates (SYN-%08d to SYN-%08d) loaded into election %s in %s; for load measurement only\n",
				res.Rows, res.FirstSeq, res.LastSeq, res.Election.Code, time.Since(start).Round(time.Millisecond))
		}
		if err != nil {
			return err
		}
	}
	if *country {
		opts := countrySize
		opts.Force = *force
		res, err := seed.LoadCountry(ctx, st, password.NewHasher(cfg.Password, 2), opts, now, stderr)
		if err != nil {
			return err
		}
		printCountry(stdout, res)
	}
	// A load of many rows at once: the planner learns of them now, not when autovacuum comes by.
	return st.Analyze(ctx)
}

// printCountry writes what the synthetic country load made, and how long it took, for people and scripts.
func printCountry(w io.Writer, r seed.CountryResult) {
	fmt.Fprintf(w, "synthetic country loaded into election %s in %s; for load measurement only\n", r.Election.Code,
		r.Elapsed.Round(time.Millisecond))
	for _, c := range []struct {
		name string
		n    int
	}{{"provinces", r.Provinces}, {"counties", r.Counties}, {"districts", r.Districts}, {"boards", r.Boards},
		{"users", r.Users}, {"candidates", r.Candidates}, {"tasks", r.Tasks}, {"task copies", r.Copies},
		{"milestone marks", r.Marks}, {"circulars", r.Circulars}, {"receipts", r.Receipts}, {"trainings", r.Trainings},
		{"invitees", r.Invitees}, {"election systems", r.Systems}, {"incidents", r.Incidents}, {"readiness checks", r.Checks},
		{"check filings", r.Filings}, {"readiness days", r.Days}, {"audit rows", r.Audit}} {
		fmt.Fprintf(w, "  %-16s %8d\n", c.name, c.n)
	}
	for _, s := range r.Steps {
		fmt.Fprintf(w, "  step %-11s %8s\n", s.Name, s.Elapsed.Round(time.Millisecond))
	}
	fmt.Fprintf(w, "synthetic users (s.<place>.<role>) sign in with the password %s\n", r.Password)
}

func electionAdd(ctx context.Context, st *store.Store, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("election add", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	kind := fs.String("kind", "", "")
	parent := fs.String("parent", "", "")
	title := fs.String("title", "", "")
	titleEn := fs.String("title-en", "", "")
	day := fs.String("day", "", "")
	current := fs.Bool("current", false, "")
	if err := parseFlags(fs, args); err != nil {
		return fmt.Errorf("election add: %v\n%s", err, usage)
	}
	if *kind == "" || strings.TrimSpace(*title) == "" || *day == "" {
		return errors.New("election add: --kind, --title and --day are required")
	}
	d, err := persian.ParseDate(*day)
	if err != nil {
		return fmt.Errorf("election add: --day %q is not a Jalali date such as 1405/02/11", *day)
	}
	if *titleEn == "" {
		*titleEn = *title
	}
	g := d.Time(time.UTC)
	// Codes allow only [a-z0-9-], so by_election becomes by-election-1405-08-01.
	code := strings.ReplaceAll(*kind, "_", "-") + "-" + strings.ReplaceAll(d.String(), "/", "-")
	id, err := st.AddElection(ctx, audit.System, store.NewElection{
		Code: code, Kind: *kind, ParentKind: *parent,
		TitleFa: strings.TrimSpace(*title), TitleEn: strings.TrimSpace(*titleEn), ElectionDay: g, Current: *current,
	})
	switch {
	case errors.Is(err, store.ErrUnknownKind):
		return fmt.Errorf("election add: unknown kind %q (want councils, majlis, presidential or by_election)", *kind)
	case errors.Is(err, store.ErrParentKind):
		return fmt.Errorf("election add: %w", err)
	case errors.Is(err, store.ErrExists):
		return fmt.Errorf("election add: an election of kind %s on %s already exists (id %d)", *kind, d, id)
	case err != nil:
		return err
	}
	fmt.Fprintln(stdout, id)
	return nil
}

// electionMove moves an election's day (postponements happen): every date of its timeline moves with it,
// its marks stay, and the move is recorded with its reason for the home pages and the audit log.
func electionMove(ctx context.Context, st *store.Store, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("election move", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	code := fs.String("code", "", "")
	day := fs.String("day", "", "")
	reason := fs.String("reason", "", "")
	if err := parseFlags(fs, args); err != nil {
		return fmt.Errorf("election move: %v\n%s", err, usage)
	}
	if *code == "" || *day == "" || strings.TrimSpace(*reason) == "" {
		return errors.New("election move: --code, --day and --reason are required")
	}
	d, err := persian.ParseDate(*day)
	if err != nil {
		return fmt.Errorf("election move: --day %q is not a Jalali date such as 1405/02/11", *day)
	}
	// A mistyped year would make every milestone overdue and close every window, as the page refuses it.
	if today := tl.Today(time.Now()); d.Time(time.UTC).Before(today) {
		return fmt.Errorf("election move: --day %s is before today, %s", d, persian.FromTime(today))
	}
	e, err := st.ElectionByCode(ctx, *code)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("election move: no election has the code %q", *code)
	} else if err != nil {
		return err
	}
	err = st.MoveElectionDay(ctx, audit.System, e.ID, d.Time(time.UTC), *reason)
	if errors.Is(err, store.ErrSameDay) {
		return fmt.Errorf("election move: election %s is already on %s", e.Code, d)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "election %s moved from %s to %s\n", e.Code, persian.FromTime(e.ElectionDay), d)
	return nil
}

func userAdd(ctx context.Context, cfg config.Config, st *store.Store, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var acc auth.Account
	fs.StringVar(&acc.Username, "username", "", "")
	fs.StringVar(&acc.FullName, "name", "", "")
	fs.StringVar(&acc.Role, "role", "", "")
	fs.StringVar(&acc.Province, "province", "", "")
	fs.StringVar(&acc.County, "county", "", "")
	fs.StringVar(&acc.District, "district", "", "")
	fs.StringVar(&acc.Committee, "committee", "", "")
	if err := parseFlags(fs, args); err != nil {
		return fmt.Errorf("user add: %v\n%s", err, usage)
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("user add: reading the password: %w", err)
	}
	acc.Password = strings.TrimRight(line, "\r\n")
	acc = acc.Normalize()
	if errs := acc.Validate(true); len(errs) > 0 {
		var msgs []string
		for _, field := range []string{"username", "full_name", "role", "province", "county", "district", "committee", "password"} {
			if key, ok := errs[field]; ok {
				msgs = append(msgs, fmt.Sprintf("%s: %s", flagName(field), i18n.Message(i18n.En, key)))
			}
		}
		return errors.New("user add: " + strings.Join(msgs, "; "))
	}
	hash, err := password.NewHasher(cfg.Password, 1).Hash(ctx, acc.Password)
	if err != nil {
		return err
	}
	id, err := st.CreateUser(ctx, audit.System, auth.Scope{}, acc, hash)
	switch {
	case errors.Is(err, store.ErrExists):
		return fmt.Errorf("user add: the username %q is taken", acc.Username)
	case errors.Is(err, store.ErrUnknownProvince), errors.Is(err, store.ErrUnknownCounty),
		errors.Is(err, store.ErrUnknownDistrict), errors.Is(err, store.ErrUnknownCommittee), errors.Is(err, store.ErrPlaceMismatch):
		return fmt.Errorf("user add: %w", err)
	case err != nil:
		return err
	}
	fmt.Fprintf(stdout, "user %s created (id %d)\n", acc.Username, id)
	return nil
}

// parseFlags parses args into fs and rejects positional arguments, naming the first one.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func flagName(field string) string {
	if field == "full_name" {
		return "--name"
	}
	return "--" + field
}

// auditVerify walks the chain and, given --head (as `audit head` printed it some time before), checks that
// the chain still holds that row with that hash: a chain rewritten with recomputed hashes passes the walk
// but not this.
func auditVerify(ctx context.Context, st *store.Store, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	head := fs.String("head", "", "")
	if err := parseFlags(fs, args); err != nil {
		return fmt.Errorf("audit verify: %v\n%s", err, usage)
	}
	var anchors []audit.Head
	if *head != "" {
		h, err := audit.ParseHead(*head)
		if err != nil {
			return fmt.Errorf("audit verify: --head %q: %w", *head, err)
		}
		anchors = append(anchors, h)
	}
	c, err := audit.Verify(ctx, st.Pool(), anchors...)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "audit log intact: %d rows", c.Rows)
	if c.Head.ID != 0 {
		fmt.Fprintf(stdout, ", head %s", c.Head)
	}
	fmt.Fprintln(stdout)
	for _, h := range anchors {
		fmt.Fprintf(stdout, "row %d still has the recorded hash\n", h.ID)
	}
	return nil
}

// auditHead prints the chain's head alone, in the form --head takes, for scripts that keep it elsewhere.
func auditHead(ctx context.Context, st *store.Store, stdout io.Writer) error {
	h, err := st.AuditHead(ctx)
	if err != nil {
		return err
	}
	if h.ID == 0 {
		return errors.New("audit head: the audit log is empty, there is no head to record yet")
	}
	fmt.Fprintln(stdout, h)
	return nil
}

// Package config reads Setad's configuration from the environment once, at start-up, into a Config that
// the rest of the program receives explicitly; nothing else reads the environment.
package config

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/setad/setad/internal/password"
)

// Config is the whole configuration. Every field has a default except DatabaseURL.
type Config struct {
	DatabaseURL     string        // DATABASE_URL
	Addr            string        // SETAD_ADDR, default ":8080"
	SecureCookies   bool          // SETAD_SECURE_COOKIES: mark the session cookie Secure (also implied by TLS)
	TLSCert         string        // SETAD_TLS_CERT: serve HTTPS with this certificate file…
	TLSKey          string        // SETAD_TLS_KEY: …and this key file
	SessionIdle     time.Duration // SETAD_SESSION_IDLE, default 30m
	SessionLifetime time.Duration // SETAD_SESSION_LIFETIME, default 12h
	ShutdownTimeout time.Duration // SETAD_SHUTDOWN_TIMEOUT, default 20s
	AuditHeadEvery  time.Duration // SETAD_AUDIT_HEAD_EVERY: how often serve logs the audit chain's head, default 1h
	LoginIPLimit    int           // SETAD_LOGIN_IP_LIMIT: failed logins per address per 15 minutes, default 50
	PageCacheMB     int           // SETAD_PAGE_CACHE_MB: megabytes of drawn pages kept for the next view, default 32; 0 keeps none
	Password        password.Params
	LogLevel        string // SETAD_LOG_LEVEL: debug, info (default), warn, error
	// SETAD_TRUSTED_PROXIES: comma-separated addresses or CIDR ranges of reverse proxies whose
	// X-Forwarded-For names the client; empty trusts none.
	TrustedProxies []netip.Prefix
}

// Parse builds a Config from getenv (os.Getenv in production, a map in tests).
func Parse(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL: getenv("DATABASE_URL"),
		Addr:        or(getenv("SETAD_ADDR"), ":8080"),
		TLSCert:     getenv("SETAD_TLS_CERT"),
		TLSKey:      getenv("SETAD_TLS_KEY"),
		LogLevel:    or(getenv("SETAD_LOG_LEVEL"), "info"),
		Password:    password.DefaultParams,
	}
	var errs []error
	durations := []struct {
		name     string
		dst      *time.Duration
		def, min time.Duration
	}{
		{"SETAD_SESSION_IDLE", &c.SessionIdle, 30 * time.Minute, time.Second},
		{"SETAD_SESSION_LIFETIME", &c.SessionLifetime, 12 * time.Hour, time.Second},
		{"SETAD_SHUTDOWN_TIMEOUT", &c.ShutdownTimeout, 20 * time.Second, time.Second},
		// Each line is a query; a minute is already far more often than an anchor needs.
		{"SETAD_AUDIT_HEAD_EVERY", &c.AuditHeadEvery, time.Hour, time.Minute},
	}
	for _, d := range durations {
		*d.dst = d.def
		if v := getenv(d.name); v != "" {
			x, err := time.ParseDuration(v)
			if err != nil || x < d.min {
				errs = append(errs, fmt.Errorf("%s: want a duration of at least %s such as 30m, got %q", d.name, d.min, v))
				continue
			}
			*d.dst = x
		}
	}
	ints := []struct {
		name string
		dst  *uint32
	}{
		{"SETAD_ARGON2_TIME", &c.Password.Time},
		{"SETAD_ARGON2_MEMORY_KIB", &c.Password.MemoryKiB},
	}
	for _, n := range ints {
		if v := getenv(n.name); v != "" {
			x, err := strconv.ParseUint(v, 10, 32)
			if err != nil || x == 0 {
				errs = append(errs, fmt.Errorf("%s: want a positive integer, got %q", n.name, v))
				continue
			}
			*n.dst = uint32(x)
		}
	}
	c.LoginIPLimit = 50
	if v := getenv("SETAD_LOGIN_IP_LIMIT"); v != "" {
		x, err := strconv.Atoi(v)
		if err != nil || x <= 0 {
			errs = append(errs, fmt.Errorf("SETAD_LOGIN_IP_LIMIT: want a positive integer, got %q", v))
		}
		c.LoginIPLimit = x
	}
	c.PageCacheMB = 32
	if v := getenv("SETAD_PAGE_CACHE_MB"); v != "" {
		x, err := strconv.Atoi(v)
		if err != nil || x < 0 || x > 4096 {
			errs = append(errs, fmt.Errorf("SETAD_PAGE_CACHE_MB: want megabytes from 0 to 4096, got %q", v))
		}
		c.PageCacheMB = x
	}
	if v := getenv("SETAD_SECURE_COOKIES"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("SETAD_SECURE_COOKIES: want true or false, got %q", v))
		}
		c.SecureCookies = b
	}
	for _, v := range strings.Split(getenv("SETAD_TRUSTED_PROXIES"), ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		pfx, err := netip.ParsePrefix(v)
		if err != nil {
			addr, aerr := netip.ParseAddr(v)
			if aerr != nil {
				errs = append(errs, fmt.Errorf("SETAD_TRUSTED_PROXIES: %q is not an address or CIDR range", v))
				continue
			}
			pfx = netip.PrefixFrom(addr, addr.BitLen())
		}
		c.TrustedProxies = append(c.TrustedProxies, pfx.Masked())
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("SETAD_TLS_CERT and SETAD_TLS_KEY must be set together"))
	}
	if c.TLSCert != "" {
		c.SecureCookies = true
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("SETAD_LOG_LEVEL: want debug, info, warn or error, got %q", c.LogLevel))
	}
	return c, errors.Join(errs...)
}

// RequireDatabase reports a clear error when DATABASE_URL is missing.
func (c Config) RequireDatabase() error {
	if c.DatabaseURL == "" {
		return errors.New("DATABASE_URL is not set (for example postgres://postgres@127.0.0.1:5432/setad?sslmode=disable)")
	}
	return nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

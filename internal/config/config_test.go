package config_test

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/config"
	"github.com/setad/setad/internal/password"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// defaults is what Parse returns for an empty environment.
func defaults() config.Config {
	return config.Config{
		Addr:            ":8080",
		SessionIdle:     30 * time.Minute,
		SessionLifetime: 12 * time.Hour,
		ShutdownTimeout: 20 * time.Second,
		AuditHeadEvery:  time.Hour,
		LoginIPLimit:    50,
		PageCacheMB:     32,
		Password:        password.DefaultParams,
		LogLevel:        "info",
	}
}

func TestParseDefaults(t *testing.T) {
	c, err := config.Parse(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, defaults()) {
		t.Fatalf("Parse(empty) = %+v, want %+v", c, defaults())
	}
	// Spelled out, so a change to the defaults() helper cannot hide a change of default.
	if c.Addr != ":8080" || c.SessionIdle != 30*time.Minute || c.SessionLifetime != 12*time.Hour ||
		c.ShutdownTimeout != 20*time.Second || c.AuditHeadEvery != time.Hour || c.LoginIPLimit != 50 || c.PageCacheMB != 32 || c.Password != password.DefaultParams ||
		c.LogLevel != "info" || c.SecureCookies || c.DatabaseURL != "" || c.TLSCert != "" || c.TLSKey != "" ||
		len(c.TrustedProxies) != 0 {
		t.Fatalf("Parse(empty) = %+v", c)
	}
	if c.Password.Time == 0 || c.Password.MemoryKiB == 0 || c.Password.Threads == 0 {
		t.Fatalf("default password parameters are unset: %+v", c.Password)
	}
}

func TestParseEachVariable(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want func(*config.Config)
	}{
		{"database", map[string]string{"DATABASE_URL": "postgres://db/setad"}, func(c *config.Config) { c.DatabaseURL = "postgres://db/setad" }},
		{"addr", map[string]string{"SETAD_ADDR": "127.0.0.1:9000"}, func(c *config.Config) { c.Addr = "127.0.0.1:9000" }},
		{"session idle", map[string]string{"SETAD_SESSION_IDLE": "45m"}, func(c *config.Config) { c.SessionIdle = 45 * time.Minute }},
		{"session lifetime", map[string]string{"SETAD_SESSION_LIFETIME": "1h30m"}, func(c *config.Config) { c.SessionLifetime = 90 * time.Minute }},
		{"shutdown timeout", map[string]string{"SETAD_SHUTDOWN_TIMEOUT": "5s"}, func(c *config.Config) { c.ShutdownTimeout = 5 * time.Second }},
		{"audit head every", map[string]string{"SETAD_AUDIT_HEAD_EVERY": "15m"}, func(c *config.Config) { c.AuditHeadEvery = 15 * time.Minute }},
		{"login ip limit", map[string]string{"SETAD_LOGIN_IP_LIMIT": "7"}, func(c *config.Config) { c.LoginIPLimit = 7 }},
		{"page cache", map[string]string{"SETAD_PAGE_CACHE_MB": "128"}, func(c *config.Config) { c.PageCacheMB = 128 }},
		{"page cache off", map[string]string{"SETAD_PAGE_CACHE_MB": "0"}, func(c *config.Config) { c.PageCacheMB = 0 }},
		{"argon2 time", map[string]string{"SETAD_ARGON2_TIME": "4"}, func(c *config.Config) { c.Password.Time = 4 }},
		{"argon2 memory", map[string]string{"SETAD_ARGON2_MEMORY_KIB": "19456"}, func(c *config.Config) { c.Password.MemoryKiB = 19456 }},
		{"argon2 memory max", map[string]string{"SETAD_ARGON2_MEMORY_KIB": "4294967295"}, func(c *config.Config) { c.Password.MemoryKiB = 1<<32 - 1 }},
		{"secure cookies", map[string]string{"SETAD_SECURE_COOKIES": "true"}, func(c *config.Config) { c.SecureCookies = true }},
		{"secure cookies 1", map[string]string{"SETAD_SECURE_COOKIES": "1"}, func(c *config.Config) { c.SecureCookies = true }},
		{"secure cookies off", map[string]string{"SETAD_SECURE_COOKIES": "false"}, func(c *config.Config) {}},
		{"log level debug", map[string]string{"SETAD_LOG_LEVEL": "debug"}, func(c *config.Config) { c.LogLevel = "debug" }},
		{"log level warn", map[string]string{"SETAD_LOG_LEVEL": "warn"}, func(c *config.Config) { c.LogLevel = "warn" }},
		{"log level error", map[string]string{"SETAD_LOG_LEVEL": "error"}, func(c *config.Config) { c.LogLevel = "error" }},
		{"tls implies secure cookies", map[string]string{"SETAD_TLS_CERT": "/etc/setad/cert.pem", "SETAD_TLS_KEY": "/etc/setad/key.pem"},
			func(c *config.Config) {
				c.TLSCert, c.TLSKey, c.SecureCookies = "/etc/setad/cert.pem", "/etc/setad/key.pem", true
			}},
		{"tls overrides secure cookies false", map[string]string{"SETAD_TLS_CERT": "c.pem", "SETAD_TLS_KEY": "k.pem", "SETAD_SECURE_COOKIES": "false"},
			func(c *config.Config) { c.TLSCert, c.TLSKey, c.SecureCookies = "c.pem", "k.pem", true }},
		{"trusted proxies", map[string]string{"SETAD_TRUSTED_PROXIES": " 10.0.0.1 , 192.168.1.77/24,,::1, fd00::/8 "},
			func(c *config.Config) {
				c.TrustedProxies = []netip.Prefix{
					netip.MustParsePrefix("10.0.0.1/32"), netip.MustParsePrefix("192.168.1.0/24"),
					netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("fd00::/8"),
				}
			}},
		{"everything at once", map[string]string{
			"DATABASE_URL": "postgres://x", "SETAD_ADDR": ":443", "SETAD_SESSION_IDLE": "10m", "SETAD_SESSION_LIFETIME": "2h",
			"SETAD_SHUTDOWN_TIMEOUT": "1m", "SETAD_LOGIN_IP_LIMIT": "100", "SETAD_ARGON2_TIME": "2", "SETAD_ARGON2_MEMORY_KIB": "32768",
			"SETAD_LOG_LEVEL": "warn", "SETAD_SECURE_COOKIES": "true",
		}, func(c *config.Config) {
			c.DatabaseURL, c.Addr, c.SessionIdle, c.SessionLifetime = "postgres://x", ":443", 10*time.Minute, 2*time.Hour
			c.ShutdownTimeout, c.LoginIPLimit, c.Password.Time, c.Password.MemoryKiB = time.Minute, 100, 2, 32768
			c.LogLevel, c.SecureCookies = "warn", true
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := config.Parse(env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			want := defaults()
			tt.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Parse = %+v\nwant    %+v", got, want)
			}
		})
	}
}

func TestParseBadValues(t *testing.T) {
	tests := []struct {
		env   map[string]string
		names []string // each must appear in the error
	}{
		{map[string]string{"SETAD_SESSION_IDLE": "30"}, []string{"SETAD_SESSION_IDLE"}},
		{map[string]string{"SETAD_SESSION_IDLE": "0s"}, []string{"SETAD_SESSION_IDLE"}},
		{map[string]string{"SETAD_SESSION_IDLE": "-5m"}, []string{"SETAD_SESSION_IDLE"}},
		{map[string]string{"SETAD_SESSION_LIFETIME": "twelve hours"}, []string{"SETAD_SESSION_LIFETIME"}},
		{map[string]string{"SETAD_SESSION_LIFETIME": "-1h"}, []string{"SETAD_SESSION_LIFETIME"}},
		{map[string]string{"SETAD_SHUTDOWN_TIMEOUT": "soon"}, []string{"SETAD_SHUTDOWN_TIMEOUT"}},
		{map[string]string{"SETAD_SHUTDOWN_TIMEOUT": "0"}, []string{"SETAD_SHUTDOWN_TIMEOUT"}},
		{map[string]string{"SETAD_AUDIT_HEAD_EVERY": "hourly"}, []string{"SETAD_AUDIT_HEAD_EVERY"}},
		{map[string]string{"SETAD_AUDIT_HEAD_EVERY": "0s"}, []string{"SETAD_AUDIT_HEAD_EVERY"}},
		{map[string]string{"SETAD_AUDIT_HEAD_EVERY": "1ms"}, []string{"SETAD_AUDIT_HEAD_EVERY", "at least 1m0s"}},
		{map[string]string{"SETAD_SESSION_IDLE": "10ms"}, []string{"SETAD_SESSION_IDLE", "at least 1s"}},
		{map[string]string{"SETAD_ARGON2_TIME": "0"}, []string{"SETAD_ARGON2_TIME"}},
		{map[string]string{"SETAD_ARGON2_TIME": "-1"}, []string{"SETAD_ARGON2_TIME"}},
		{map[string]string{"SETAD_ARGON2_TIME": "three"}, []string{"SETAD_ARGON2_TIME"}},
		{map[string]string{"SETAD_ARGON2_MEMORY_KIB": "4294967296"}, []string{"SETAD_ARGON2_MEMORY_KIB"}},
		{map[string]string{"SETAD_ARGON2_MEMORY_KIB": "64MiB"}, []string{"SETAD_ARGON2_MEMORY_KIB"}},
		{map[string]string{"SETAD_LOGIN_IP_LIMIT": "0"}, []string{"SETAD_LOGIN_IP_LIMIT"}},
		{map[string]string{"SETAD_LOGIN_IP_LIMIT": "-3"}, []string{"SETAD_LOGIN_IP_LIMIT"}},
		{map[string]string{"SETAD_LOGIN_IP_LIMIT": "fifty"}, []string{"SETAD_LOGIN_IP_LIMIT"}},
		{map[string]string{"SETAD_LOGIN_IP_LIMIT": "2.5"}, []string{"SETAD_LOGIN_IP_LIMIT"}},
		{map[string]string{"SETAD_PAGE_CACHE_MB": "-1"}, []string{"SETAD_PAGE_CACHE_MB"}},
		{map[string]string{"SETAD_PAGE_CACHE_MB": "4097"}, []string{"SETAD_PAGE_CACHE_MB"}},
		{map[string]string{"SETAD_PAGE_CACHE_MB": "32MB"}, []string{"SETAD_PAGE_CACHE_MB"}},
		{map[string]string{"SETAD_SECURE_COOKIES": "yes"}, []string{"SETAD_SECURE_COOKIES"}},
		{map[string]string{"SETAD_LOG_LEVEL": "verbose"}, []string{"SETAD_LOG_LEVEL"}},
		{map[string]string{"SETAD_LOG_LEVEL": "INFO"}, []string{"SETAD_LOG_LEVEL"}},
		{map[string]string{"SETAD_TRUSTED_PROXIES": "10.0.0.1,proxy.local"}, []string{"SETAD_TRUSTED_PROXIES", "proxy.local"}},
		{map[string]string{"SETAD_TRUSTED_PROXIES": "10.0.0.0/33"}, []string{"SETAD_TRUSTED_PROXIES"}},
		{map[string]string{"SETAD_TLS_CERT": "cert.pem"}, []string{"SETAD_TLS_CERT", "SETAD_TLS_KEY"}},
		{map[string]string{"SETAD_TLS_KEY": "key.pem"}, []string{"SETAD_TLS_CERT", "SETAD_TLS_KEY"}},
		// Every bad value is reported, not only the first.
		{map[string]string{"SETAD_SESSION_IDLE": "x", "SETAD_ARGON2_TIME": "x", "SETAD_LOGIN_IP_LIMIT": "x", "SETAD_LOG_LEVEL": "x"},
			[]string{"SETAD_SESSION_IDLE", "SETAD_ARGON2_TIME", "SETAD_LOGIN_IP_LIMIT", "SETAD_LOG_LEVEL"}},
	}
	for _, tt := range tests {
		var parts []string
		for k, v := range tt.env {
			parts = append(parts, k+"="+v)
		}
		t.Run(strings.Join(parts, ","), func(t *testing.T) {
			_, err := config.Parse(env(tt.env))
			if err == nil {
				t.Fatal("Parse accepted a bad value")
			}
			for _, name := range tt.names {
				if !strings.Contains(err.Error(), name) {
					t.Errorf("error %q does not name %s", err, name)
				}
			}
			// The bad value itself is quoted back, so the operator sees what was read (the proxy list names
			// its bad entry, checked through names above).
			for k, v := range tt.env {
				if k == "SETAD_TLS_CERT" || k == "SETAD_TLS_KEY" || k == "SETAD_TRUSTED_PROXIES" {
					continue
				}
				if !strings.Contains(err.Error(), v) {
					t.Errorf("error %q does not show the value %q of %s", err, v, k)
				}
			}
		})
	}
}

// Variables that are not bad do not appear in the error.
func TestParseErrorNamesOnlyTheBadVariable(t *testing.T) {
	_, err := config.Parse(env(map[string]string{"SETAD_SESSION_IDLE": "10m", "SETAD_SESSION_LIFETIME": "x", "SETAD_LOGIN_IP_LIMIT": "9"}))
	if err == nil || !strings.Contains(err.Error(), "SETAD_SESSION_LIFETIME") ||
		strings.Contains(err.Error(), "SETAD_SESSION_IDLE") || strings.Contains(err.Error(), "SETAD_LOGIN_IP_LIMIT") {
		t.Fatalf("err = %v", err)
	}
}

func TestRequireDatabase(t *testing.T) {
	tests := []struct {
		url     string
		wantErr bool
	}{
		{"", true},
		{"postgres://postgres@127.0.0.1:5432/setad?sslmode=disable", false},
	}
	for _, tt := range tests {
		c, err := config.Parse(env(map[string]string{"DATABASE_URL": tt.url}))
		if err != nil {
			t.Fatal(err)
		}
		err = c.RequireDatabase()
		if (err != nil) != tt.wantErr {
			t.Fatalf("RequireDatabase with %q: err = %v, want error %v", tt.url, err, tt.wantErr)
		}
		if err != nil && !strings.Contains(err.Error(), "DATABASE_URL") {
			t.Errorf("error %q does not name DATABASE_URL", err)
		}
	}
}

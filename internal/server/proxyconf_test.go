package server

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeBlock returns the README's fenced code block of a language, failing the test unless there is
// exactly one.
func readmeBlock(t *testing.T, lang string) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?ms)^```"+regexp.QuoteMeta(lang)+"\n(.*?)^```$").FindAllStringSubmatch(string(b), -1)
	if len(blocks) != 1 {
		t.Fatalf("README.md has %d ```%s blocks, want 1", len(blocks), lang)
	}
	return blocks[0][1]
}

// The README's load balancer examples are valid for the tools they are written for, where those are
// installed (CI need not have them): nginx's (an http context) and HAProxy's (a whole configuration). Both
// send requests to every replica without stickiness and keep what Setad needs of a proxy.
func TestReadmeProxyConfigs(t *testing.T) {
	t.Parallel()
	t.Run("nginx", func(t *testing.T) {
		t.Parallel()
		block := readmeBlock(t, "nginx")
		for _, want := range []string{"upstream setad", "proxy_set_header Host $host;", "X-Forwarded-For $proxy_add_x_forwarded_for",
			"client_max_body_size"} {
			if !strings.Contains(block, want) {
				t.Errorf("the nginx example lacks %q", want)
			}
		}
		if strings.Contains(block, "ip_hash") || strings.Contains(block, "sticky") {
			t.Error("the nginx example pins clients to a replica; replicas need no stickiness")
		}
		nginx, err := exec.LookPath("nginx")
		if err != nil {
			t.Skip("nginx is not installed")
		}
		dir := t.TempDir()
		conf := "pid " + filepath.Join(dir, "nginx.pid") + ";\nerror_log stderr;\nevents {}\nhttp {\naccess_log off;\n" + block + "}\n"
		if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(nginx, "-t", "-q", "-p", dir, "-c", filepath.Join(dir, "nginx.conf")).CombinedOutput(); err != nil {
			t.Errorf("nginx -t: %v\n%s", err, out)
		}
	})
	t.Run("haproxy", func(t *testing.T) {
		t.Parallel()
		block := readmeBlock(t, "haproxy")
		for _, want := range []string{"option httpchk GET /readyz", "balance roundrobin", "option forwardfor"} {
			if !strings.Contains(block, want) {
				t.Errorf("the HAProxy example lacks %q", want)
			}
		}
		if strings.Contains(block, "cookie ") || strings.Contains(block, "stick") {
			t.Error("the HAProxy example pins clients to a replica; replicas need no stickiness")
		}
		haproxy, err := exec.LookPath("haproxy")
		if err != nil {
			t.Skip("haproxy is not installed")
		}
		cfg := filepath.Join(t.TempDir(), "haproxy.cfg")
		if err := os.WriteFile(cfg, []byte(block), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(haproxy, "-c", "-f", cfg).CombinedOutput(); err != nil {
			t.Errorf("haproxy -c: %v\n%s", err, out)
		}
	})
}

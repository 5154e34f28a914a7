package seed

import (
	"strings"
	"testing"
)

// A demo circular's title is its subject only: its state (a draft, withdrawn) is the badge's to say.
func TestDemoCircularTitlesNameNoState(t *testing.T) {
	for _, c := range demoCirculars {
		for _, w := range []string{"پیش‌نویس", "پس‌گرفته"} {
			if strings.Contains(c.title, w) {
				t.Errorf("%q says %q, which its badge says", c.title, w)
			}
		}
	}
}

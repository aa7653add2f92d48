package config_test

import (
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/pathwaysync/pathwaysync/config"
)

// TestMapRedactsURLCredentials: config print never shows credentials
// inside URL values, in any key, while leaving the rest of the URL.
func TestMapRedactsURLCredentials(t *testing.T) {
	c, err := config.Load("", []string{
		"PATHWAYSYNC_GITHUB_API_URL=https://x:TOKEN1@ghe.example.com/api/v3/",
		"PATHWAYSYNC_SOURCES=https://TOKEN2@pages.example.com/p.html,https://u:TOKEN3@h.example.com/a.txt?access_token=TOKEN4&page=2,examples/pathways",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := yaml.Marshal(c.Redacted().Map())
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	for i := 1; i <= 4; i++ {
		if tok := "TOKEN" + string(rune('0'+i)); strings.Contains(out, tok) {
			t.Errorf("config print shows %s:\n%s", tok, out)
		}
	}
	for _, want := range []string{
		"api_url: https://REDACTED@ghe.example.com/api/v3/",
		"- https://REDACTED@pages.example.com/p.html",
		"- https://REDACTED@h.example.com/a.txt?access_token=REDACTED&page=2",
		"- examples/pathways",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("config print lacks %q:\n%s", want, out)
		}
	}
	if c.GitHub.APIURL != "https://x:TOKEN1@ghe.example.com/api/v3/" {
		t.Errorf("Map changed the configuration: %q", c.GitHub.APIURL)
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.github.com/":         "https://api.github.com/",
		"github://owner/repo/path@main":   "github://owner/repo/path@main",
		"group:default/learning-pathways": "group:default/learning-pathways",
		"https://a:b@h/x?sig=1&x=2#f":     "https://REDACTED@h/x?sig=REDACTED&x=2#f",
		"https://a:b%zz@h/":               "https://REDACTED@h/",
		"examples/pathways":               "examples/pathways",
	} {
		if got := config.RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

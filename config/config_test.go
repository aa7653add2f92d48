package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/pathwaysync/pathwaysync/config"
	"github.com/pathwaysync/pathwaysync/daemon"
)

func TestLoadDefaults(t *testing.T) {
	c, err := config.Load("", []string{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Catalog.Namespace != "pathways" || c.GitHub.Branch != "pathwaysync/update" || c.Sync.MaxDeletions != -1 ||
		c.Source.MaxBytes != 5<<20 || c.Server.ShutdownTimeout != 30*time.Second {
		t.Fatalf("defaults not applied: %+v", c)
	}
}

func TestLoadFile(t *testing.T) {
	c, err := config.Load("testdata/good.yaml", []string{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Catalog.Namespace != "learning" || c.Catalog.Lifecycle != "active" ||
		strings.Join(c.GitHub.PullRequest.Labels, ",") != "pathways,automated" ||
		c.Sync.Jitter != 10*time.Second || c.Server.ShutdownTimeout != 45*time.Second {
		t.Fatalf("file not applied: %+v", c)
	}
	if err := c.ValidateGitHub(); err != nil {
		t.Fatal(err)
	}
	if m := c.Catalog.NameMap(); len(m) != 2 || m["pages/a.txt"] != "pathway-a" || m["https://x.example/p?q=1"] != "pathway-b" {
		t.Fatalf("catalog.names: %v", m)
	}
}

// TestPrecedence checks flags > environment > file > defaults.
func TestPrecedence(t *testing.T) {
	env := []string{"PATHWAYSYNC_CATALOG_OWNER=group:default/env-team", "PATHWAYSYNC_CATALOG_NAMESPACE=from-env",
		"PATHWAYSYNC_GITHUB_PULL_REQUEST_REVIEWERS=alice,bob", "PATHWAYSYNC_SYNC_JITTER=5s", "HOME=/root"}
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.String("namespace", "", "")
	if err := fs.Parse([]string{"--namespace=from-flag"}); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load("testdata/good.yaml", env, map[string]*pflag.Flag{"catalog.namespace": fs.Lookup("namespace")})
	if err != nil {
		t.Fatal(err)
	}
	if c.Catalog.Namespace != "from-flag" {
		t.Errorf("namespace = %q, want the flag's", c.Catalog.Namespace)
	}
	if c.Catalog.Owner != "group:default/env-team" {
		t.Errorf("owner = %q, want the environment's over the file's", c.Catalog.Owner)
	}
	if got := strings.Join(c.GitHub.PullRequest.Reviewers, "|"); got != "alice|bob" {
		t.Errorf("reviewers = %q", got)
	}
	if c.Sync.Jitter != 5*time.Second {
		t.Errorf("jitter = %s", c.Sync.Jitter)
	}
	if c.GitHub.Repository != "acme/backstage-catalog" {
		t.Errorf("repository = %q, want the file's", c.GitHub.Repository)
	}
}

// TestBadFiles holds one broken file per rule and the message it must give.
func TestBadFiles(t *testing.T) {
	for file, want := range map[string]string{
		"unknown-key.yaml":       `config: catalog.namespce: unknown key in testdata/unknown-key.yaml`,
		"bad-namespace.yaml":     `config: catalog.namespace: "Not_Valid" must be 1-63 characters of [a-z0-9] separated by [-]`,
		"bad-repository.yaml":    `config: github.repository: "no-slash" is not OWNER/NAME`,
		"bad-path.yaml":          `config: github.path: "../escape" must be a folder inside the repository`,
		"bad-schedule.yaml":      `config: sync.schedule: "every day" is neither a duration like 1h, a cron expression nor "off"`,
		"bad-log-format.yaml":    `config: server.log_format: "xml" is not text or json`,
		"token-and-file.yaml":    `config: github.token_file: set either github.token or github.token_file, not both`,
		"partial-app.yaml":       `config: github.app_id: a GitHub App needs github.app_id, github.installation_id and github.private_key_file together`,
		"bad-max-deletions.yaml": `config: sync.max_deletions: must be -1`,
		"bad-tree-bytes.yaml":    `config: sync.tree_request_bytes: must be at least 65536`,
		"bad-names.yaml":         `config: catalog.names: "pages/a.txt=Bad_Name": "Bad_Name" is not an entity name`,
		"broken.yaml":            `config: read testdata/broken.yaml`,
		"missing.yaml":           `config: read testdata/missing.yaml`,
	} {
		t.Run(file, func(t *testing.T) {
			_, err := config.Load(filepath.Join("testdata", file), []string{}, nil)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("got %v\nwant it to contain %q", err, want)
			}
		})
	}
}

func TestUnknownEnvironmentVariable(t *testing.T) {
	_, err := config.Load("", []string{"PATHWAYSYNC_GITHUB_TOKN=x"}, nil)
	var ce *config.Error
	if !errors.As(err, &ce) || ce.Key != "PATHWAYSYNC_GITHUB_TOKN" {
		t.Fatalf("got %v, want an error naming the variable", err)
	}
	if strings.Contains(err.Error(), "=x") {
		t.Fatalf("error leaks the value: %v", err)
	}
}

func TestSecretFiles(t *testing.T) {
	dir := t.TempDir()
	tok := filepath.Join(dir, "token")
	if err := os.WriteFile(tok, []byte("ghs_fromfile\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load("", []string{"PATHWAYSYNC_GITHUB_TOKEN_FILE=" + tok, "PATHWAYSYNC_SERVER_API_TOKEN=api-secret"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.GitHub.Token != "ghs_fromfile" {
		t.Fatalf("token = %q", c.GitHub.Token)
	}
	r := c.Redacted()
	if r.GitHub.Token != "REDACTED" || r.Server.APIToken != "REDACTED" || r.Server.WebhookSecret != "" {
		t.Fatalf("redacted: %+v %+v", r.GitHub, r.Server)
	}
	if c.GitHub.Token != "ghs_fromfile" {
		t.Fatal("Redacted changed the original")
	}
	_, err = config.Load("", []string{"PATHWAYSYNC_SERVER_WEBHOOK_SECRET_FILE=" + filepath.Join(dir, "nope")}, nil)
	if err == nil || !strings.Contains(err.Error(), "server.webhook_secret_file") {
		t.Fatalf("got %v", err)
	}
}

func TestValidateServer(t *testing.T) {
	c, err := config.Load("", []string{"PATHWAYSYNC_SERVER_WEBHOOK_REPOSITORIES=acme/pathways"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ValidateServer(); err == nil || !strings.Contains(err.Error(), "server.webhook_secret") {
		t.Fatalf("got %v, want a refusal naming server.webhook_secret", err)
	}
}

func TestEveryKeyHasAnEnvironmentVariable(t *testing.T) {
	for _, k := range config.Keys() {
		name := config.EnvName(k)
		if !strings.HasPrefix(name, "PATHWAYSYNC_") || strings.ContainsAny(name, ".-") {
			t.Errorf("%s → %s", k, name)
		}
	}
	m := (&config.Config{}).Map()
	for _, k := range config.Keys() {
		cur := any(m)
		for _, part := range strings.Split(k, ".") {
			mm, ok := cur.(map[string]any)
			if !ok {
				t.Fatalf("key %s: not a map at %s", k, part)
			}
			if cur, ok = mm[part]; !ok {
				t.Errorf("key %s has a default but no field", k)
				break
			}
		}
	}
}

// TestReferenceDocumentsEveryKey keeps docs/configuration.md in step with the keys.
func TestReferenceDocumentsEveryKey(t *testing.T) {
	b, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range config.Keys() {
		if !strings.Contains(string(b), "`"+k+"`") {
			t.Errorf("docs/configuration.md does not document %s", k)
		}
	}
}

// TestDaemonRules: the daemon's own rules and defaults apply to its keys,
// and every error names a key that exists.
func TestDaemonRules(t *testing.T) {
	for _, tt := range []struct {
		name    string
		env     []string
		server  bool // ValidateServer too
		wantKey string
	}{
		{"schedule off", []string{"PATHWAYSYNC_SYNC_SCHEDULE=off"}, true, ""},
		{"cron", []string{"PATHWAYSYNC_SYNC_SCHEDULE=*/15 * * * *"}, true, ""},
		{"short interval", []string{"PATHWAYSYNC_SYNC_SCHEDULE=10s"}, false, "sync.schedule"},
		{"backoff order", []string{"PATHWAYSYNC_SYNC_BACKOFF_MIN=1h", "PATHWAYSYNC_SYNC_BACKOFF_MAX=1m"}, false, "sync.backoff_max"},
		{"negative ready age", []string{"PATHWAYSYNC_SERVER_READY_MAX_AGE=-1s"}, false, "server.ready_max_age"},
		{"public url scheme", []string{"PATHWAYSYNC_SERVER_PUBLIC_URL=ftp://example.com"}, false, "server.public_url"},
		{"webhook paths need a secret", []string{"PATHWAYSYNC_SERVER_WEBHOOK_PATHS=pathways/"}, true, "server.webhook_secret"},
		{"webhook repositories need a secret", []string{"PATHWAYSYNC_SERVER_WEBHOOK_REPOSITORIES=o/r"}, true, "server.webhook_secret"},
		{"webhook repository form", []string{"PATHWAYSYNC_SERVER_WEBHOOK_SECRET=s", "PATHWAYSYNC_SERVER_WEBHOOK_REPOSITORIES=nope"}, true, "server.webhook_repositories"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config.Load("", tt.env, nil)
			if err == nil && tt.server {
				err = c.ValidateServer()
			}
			if tt.wantKey == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var ce *config.Error
			if !errors.As(err, &ce) || ce.Key != tt.wantKey {
				t.Fatalf("err = %v, want a config.Error for %s", err, tt.wantKey)
			}
			if !slices.Contains(config.Keys(), ce.Key) {
				t.Fatalf("error names %s, which is not a key", ce.Key)
			}
		})
	}
}

// TestDaemonDefaults: config's defaults for the daemon's keys are the
// daemon's.
func TestDaemonDefaults(t *testing.T) {
	c, err := config.Load("", []string{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Sync.Schedule != daemon.DefaultSchedule || c.Sync.Jitter != daemon.DefaultJitter ||
		c.Sync.BackoffMin != daemon.DefaultBackoffMin || c.Sync.BackoffMax != daemon.DefaultBackoffMax ||
		c.Server.Addr != daemon.DefaultAddr || c.Server.ReadyMaxAge != daemon.DefaultReadyMaxAge ||
		c.Server.ShutdownTimeout != daemon.DefaultShutdownTimeout {
		t.Fatalf("defaults differ from the daemon's: %+v %+v", c.Sync, c.Server)
	}
}

func TestBackstageBaseURL(t *testing.T) {
	c, err := config.Load("", []string{"PATHWAYSYNC_BACKSTAGE_BASE_URL=https://backstage.example.com"}, nil)
	if err != nil || c.Backstage.BaseURL != "https://backstage.example.com" {
		t.Fatalf("config %+v, %v", c, err)
	}
	if _, err := config.Load("", []string{"PATHWAYSYNC_BACKSTAGE_BASE_URL=backstage.example.com"}, nil); err == nil || !strings.Contains(err.Error(), "backstage.base_url") {
		t.Errorf("relative URL accepted: %v", err)
	}
}

// TestReplacedKey: server.techdocs_base_url, in the file or the
// environment, is refused naming backstage.base_url.
func TestReplacedKey(t *testing.T) {
	f := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(f, []byte("server:\n  techdocs_base_url: https://b.example.com/docs\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file string
		env  []string
	}{{f, []string{}}, {"", []string{"PATHWAYSYNC_SERVER_TECHDOCS_BASE_URL=https://b.example.com/docs"}}} {
		_, err := config.Load(tc.file, tc.env, nil)
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), "techdocs_base_url") || !strings.Contains(err.Error(), "replaced by backstage.base_url") {
			t.Errorf("file %q env %v: %v", tc.file, tc.env, err)
		}
	}
	c, err := config.Load("", []string{"PATHWAYSYNC_BACKSTAGE_BASE_URL=https://b.example.com/"}, nil)
	if err != nil || c.Backstage.DocsURL() != "https://b.example.com/docs" {
		t.Errorf("base URL: %v, docs %q", err, c.Backstage.DocsURL())
	}
	if _, err := config.Load("", []string{"PATHWAYSYNC_BACKSTAGE_BASE_URL=https://b.example.com/?x=1"}, nil); err == nil {
		t.Error("a base URL with a query was accepted")
	}
}

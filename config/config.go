// Package config loads pathwaysync's configuration from a file, the
// environment (PATHWAYSYNC_*) and command-line flags, in that order of
// increasing precedence. It is the only package that imports viper.
package config

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/pathwaysync/pathwaysync/daemon"
	"github.com/pathwaysync/pathwaysync/exporter"
	"github.com/pathwaysync/pathwaysync/githubsync"
	"github.com/pathwaysync/pathwaysync/internal/objcache"
	"github.com/pathwaysync/pathwaysync/source"
)

// EnvPrefix prefixes every environment variable: catalog.owner is
// PATHWAYSYNC_CATALOG_OWNER.
const EnvPrefix = "PATHWAYSYNC"

// Config is the whole configuration. Every key has a default (see
// Defaults); secrets also have a *_file variant.
type Config struct {
	// Sources are pathway sources: files, folders, http(s) URLs or
	// github://OWNER/REPO/PATH[@REF] folders.
	Sources []string      `mapstructure:"sources" json:"sources"`
	Catalog CatalogConfig `mapstructure:"catalog" json:"catalog"`
	Source  SourceConfig  `mapstructure:"source" json:"source"`
	GitHub  GitHubConfig  `mapstructure:"github" json:"github"`
	Sync    SyncConfig    `mapstructure:"sync" json:"sync"`
	Server  ServerConfig  `mapstructure:"server" json:"server"`
	// Backstage is where the generated entities appear.
	Backstage BackstageConfig `mapstructure:"backstage" json:"backstage"`
}

// BackstageConfig says where the Backstage instance is.
type BackstageConfig struct {
	// BaseURL is Backstage's web address (its app.baseUrl), e.g.
	// https://backstage.example.com. The exported entities link to each
	// other's pages and docs there, PR bodies link to the pathways there,
	// and serve's /api/learning-paths links BaseURL/docs. Empty: no links
	// into the app (the catalog rejects relative link URLs).
	BaseURL string `mapstructure:"base_url" json:"base_url"`
}

// DocsURL is the app's TechDocs root, BaseURL + "/docs", or "".
func (b BackstageConfig) DocsURL() string {
	if b.BaseURL == "" {
		return ""
	}
	return strings.TrimRight(b.BaseURL, "/") + "/docs"
}

// CatalogConfig shapes the generated Backstage entities.
type CatalogConfig struct {
	Namespace string `mapstructure:"namespace" json:"namespace"`
	Owner     string `mapstructure:"owner" json:"owner"`
	Lifecycle string `mapstructure:"lifecycle" json:"lifecycle"`
	// Names are explicit pathway entity names, "SOURCE=NAME" each: for
	// sources (page text, HTML) that cannot carry a name: field.
	Names []string `mapstructure:"names" json:"names"`
}

// NameMap is Names as source → entity name.
func (c CatalogConfig) NameMap() map[string]string {
	m := make(map[string]string, len(c.Names))
	for _, kv := range c.Names {
		if i := strings.LastIndex(kv, "="); i > 0 {
			m[kv[:i]] = kv[i+1:]
		}
	}
	return m
}

// SourceConfig limits how sources are read.
type SourceConfig struct {
	MaxBytes int64         `mapstructure:"max_bytes" json:"max_bytes"`
	Timeout  time.Duration `mapstructure:"timeout" json:"timeout"`
	// FollowSymlinks reads a folder's symlinked files whose target lies
	// outside the folder; off, such a link is an error.
	FollowSymlinks bool `mapstructure:"follow_symlinks" json:"follow_symlinks"`
}

// GitHubConfig says where and how githubsync publishes.
type GitHubConfig struct {
	APIURL         string            `mapstructure:"api_url" json:"api_url"`
	Repository     string            `mapstructure:"repository" json:"repository"`
	BaseBranch     string            `mapstructure:"base_branch" json:"base_branch"`
	Branch         string            `mapstructure:"branch" json:"branch"`
	Path           string            `mapstructure:"path" json:"path"`
	Token          string            `mapstructure:"token" json:"token" secret:"true"`
	TokenFile      string            `mapstructure:"token_file" json:"token_file"`
	AppID          int64             `mapstructure:"app_id" json:"app_id"`
	InstallationID int64             `mapstructure:"installation_id" json:"installation_id"`
	PrivateKeyFile string            `mapstructure:"private_key_file" json:"private_key_file"`
	PullRequest    PullRequestConfig `mapstructure:"pull_request" json:"pull_request"`
	Commit         CommitConfig      `mapstructure:"commit" json:"commit"`
}

// PullRequestConfig shapes the bot pull request.
type PullRequestConfig struct {
	Title         string   `mapstructure:"title" json:"title"`
	Labels        []string `mapstructure:"labels" json:"labels"`
	Reviewers     []string `mapstructure:"reviewers" json:"reviewers"`
	TeamReviewers []string `mapstructure:"team_reviewers" json:"team_reviewers"`
	Draft         bool     `mapstructure:"draft" json:"draft"`
}

// CommitConfig shapes the bot commit.
type CommitConfig struct {
	AuthorName  string `mapstructure:"author_name" json:"author_name"`
	AuthorEmail string `mapstructure:"author_email" json:"author_email"`
	Message     string `mapstructure:"message" json:"message"`
}

// SyncConfig tunes when and how far a sync may go.
type SyncConfig struct {
	// MaxDeletions caps deleted pathways per sync; -1 means "refuse when
	// more than half of the managed pathways would go, or none remain".
	MaxDeletions int           `mapstructure:"max_deletions" json:"max_deletions"`
	Schedule     string        `mapstructure:"schedule" json:"schedule"`
	Jitter       time.Duration `mapstructure:"jitter" json:"jitter"`
	// BackoffMin and BackoffMax bound serve's retry delay after a
	// transient sync failure.
	BackoffMin time.Duration `mapstructure:"backoff_min" json:"backoff_min"`
	BackoffMax time.Duration `mapstructure:"backoff_max" json:"backoff_max"`
	// TreeRequestBytes is the most bytes of one create-tree request body;
	// a larger change is sent in several, committed once.
	TreeRequestBytes int `mapstructure:"tree_request_bytes" json:"tree_request_bytes"`
	// CacheDir keeps what GitHub answered about git objects (folder
	// listings and blobs, by SHA) between syncs: "" is the user's cache
	// folder (os.UserCacheDir()/pathwaysync), "off" none.
	CacheDir string `mapstructure:"cache_dir" json:"cache_dir"`
	// CacheMaxBytes bounds the cache folder; the least recently used
	// objects go first.
	CacheMaxBytes int64 `mapstructure:"cache_max_bytes" json:"cache_max_bytes"`
}

// ServerConfig configures `pathwaysync serve`.
type ServerConfig struct {
	Addr                string        `mapstructure:"addr" json:"addr"`
	PublicURL           string        `mapstructure:"public_url" json:"public_url"`
	WebhookSecret       string        `mapstructure:"webhook_secret" json:"webhook_secret" secret:"true"`
	WebhookSecretFile   string        `mapstructure:"webhook_secret_file" json:"webhook_secret_file"`
	WebhookRepositories []string      `mapstructure:"webhook_repositories" json:"webhook_repositories"`
	WebhookPaths        []string      `mapstructure:"webhook_paths" json:"webhook_paths"`
	APIToken            string        `mapstructure:"api_token" json:"api_token" secret:"true"`
	APITokenFile        string        `mapstructure:"api_token_file" json:"api_token_file"`
	ReadyMaxAge         time.Duration `mapstructure:"ready_max_age" json:"ready_max_age"`
	ShutdownTimeout     time.Duration `mapstructure:"shutdown_timeout" json:"shutdown_timeout"`
	LogFormat           string        `mapstructure:"log_format" json:"log_format"`
	LogLevel            string        `mapstructure:"log_level" json:"log_level"`
}

// Defaults are the value of every key when nothing sets it.
var Defaults = map[string]any{
	"sources":                            []string{},
	"catalog.namespace":                  exporter.DefaultNamespace,
	"catalog.owner":                      exporter.DefaultOwner,
	"catalog.lifecycle":                  exporter.DefaultLifecycle,
	"catalog.names":                      []string{},
	"source.max_bytes":                   source.DefaultMaxBytes,
	"source.timeout":                     source.DefaultTimeout,
	"source.follow_symlinks":             false,
	"github.api_url":                     githubsync.DefaultAPIURL,
	"github.repository":                  "",
	"github.base_branch":                 "",
	"github.branch":                      githubsync.DefaultBranch,
	"github.path":                        "",
	"github.token":                       "",
	"github.token_file":                  "",
	"github.app_id":                      int64(0),
	"github.installation_id":             int64(0),
	"github.private_key_file":            "",
	"github.pull_request.title":          githubsync.DefaultPRTitle,
	"github.pull_request.labels":         []string{},
	"github.pull_request.reviewers":      []string{},
	"github.pull_request.team_reviewers": []string{},
	"github.pull_request.draft":          false,
	"github.commit.author_name":          githubsync.DefaultAuthorName,
	"github.commit.author_email":         githubsync.DefaultAuthorEmail,
	"github.commit.message":              githubsync.DefaultCommitMessage,
	"sync.max_deletions":                 githubsync.DefaultMaxDeletions,
	"sync.tree_request_bytes":            githubsync.DefaultTreeRequestBytes,
	"sync.cache_dir":                     "",
	"sync.cache_max_bytes":               objcache.DefaultDirMaxBytes,
	"sync.schedule":                      daemon.DefaultSchedule,
	"sync.jitter":                        daemon.DefaultJitter,
	"sync.backoff_min":                   daemon.DefaultBackoffMin,
	"sync.backoff_max":                   daemon.DefaultBackoffMax,
	"server.addr":                        daemon.DefaultAddr,
	"server.public_url":                  "",
	"server.webhook_secret":              "",
	"server.webhook_secret_file":         "",
	"server.webhook_repositories":        []string{},
	"server.webhook_paths":               []string{},
	"server.api_token":                   "",
	"server.api_token_file":              "",
	"server.ready_max_age":               daemon.DefaultReadyMaxAge,
	"server.shutdown_timeout":            daemon.DefaultShutdownTimeout,
	"server.log_format":                  "text",
	"server.log_level":                   "info",
	"backstage.base_url":                 "",
}

// Error is a configuration error naming the key at fault.
type Error struct {
	Key string
	Msg string
	Err error
}

func (e *Error) Error() string {
	s := "config: " + e.Key + ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Load reads the optional file, then PATHWAYSYNC_* variables from environ
// (os.Environ() when nil), then the changed flags in bind (config key →
// flag), resolves *_file secrets and checks every value that does not
// depend on the command. Unknown keys in the file or the environment are
// errors.
func Load(file string, environ []string, bind map[string]*pflag.Flag) (*Config, error) {
	v := viper.New()
	for k, d := range Defaults {
		v.SetDefault(k, d)
	}
	if file != "" {
		v.SetConfigFile(file)
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("config: read %s: %w", file, err)
		}
	}
	if environ == nil {
		environ = os.Environ()
	}
	if err := replacedKeys(v, environ); err != nil {
		return nil, err
	}
	if err := applyEnv(v, environ); err != nil {
		return nil, err
	}
	for key, f := range bind {
		if _, ok := Defaults[key]; !ok {
			return nil, fmt.Errorf("config: flag --%s bound to unknown key %q", f.Name, key)
		}
		// Set after the environment, so that a flag wins over it.
		if f.Changed {
			if sv, ok := f.Value.(pflag.SliceValue); ok {
				v.Set(key, sv.GetSlice())
			} else {
				v.Set(key, f.Value.String())
			}
		}
	}
	var c Config
	hook := mapstructure.ComposeDecodeHookFunc(
		mapstructure.StringToTimeDurationHookFunc(),
		mapstructure.StringToSliceHookFunc(","),
	)
	if err := v.UnmarshalExact(&c, viper.DecodeHook(hook)); err != nil {
		return nil, unknownKeyError(file, err)
	}
	if err := c.resolveSecrets(); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// replaced are keys that existed once, with what to use instead.
var replaced = map[string]string{
	"server.techdocs_base_url": "replaced by backstage.base_url (the Backstage base URL, without /docs)",
}

// replacedKeys refuses a replaced key in the file or the environment with
// a message naming its replacement.
func replacedKeys(v *viper.Viper, environ []string) error {
	for key, msg := range replaced {
		if v.InConfig(key) {
			return &Error{Key: key, Msg: msg}
		}
		for _, kv := range environ {
			if name, _, _ := strings.Cut(kv, "="); name == EnvName(key) {
				return &Error{Key: name, Msg: msg}
			}
		}
	}
	return nil
}

// applyEnv sets every PATHWAYSYNC_* variable on v, refusing names that
// match no key: a typo must not silently fall back to a default.
func applyEnv(v *viper.Viper, environ []string) error {
	byEnv := map[string]string{}
	for k := range Defaults {
		byEnv[EnvName(k)] = k
	}
	for _, kv := range environ {
		name, val, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, EnvPrefix+"_") {
			continue
		}
		key, known := byEnv[name]
		if !known {
			return &Error{Key: name, Msg: "unknown environment variable (see the configuration reference)"}
		}
		v.Set(key, val)
	}
	return nil
}

// EnvName is the environment variable for a key: github.token is
// PATHWAYSYNC_GITHUB_TOKEN.
func EnvName(key string) string {
	return EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Keys lists every configuration key, sorted.
func Keys() []string { return slices.Sorted(maps.Keys(Defaults)) }

func unknownKeyError(file string, err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "has invalid keys: "); i >= 0 {
		var keys []string
		parent := ""
		if q := strings.LastIndex(msg[:i], "'"); q > 0 {
			if p := strings.LastIndex(msg[:q], "'"); p >= 0 {
				parent = msg[p+1 : q]
			}
		}
		for _, k := range strings.Split(strings.TrimSpace(msg[i+len("has invalid keys: "):]), ", ") {
			if parent != "" {
				k = parent + "." + k
			}
			keys = append(keys, k)
		}
		where := "configuration"
		if file != "" {
			where = file
		}
		return &Error{Key: strings.Join(keys, ", "), Msg: "unknown key in " + where}
	}
	return fmt.Errorf("config: decode: %w", err)
}

// resolveSecrets reads every *_file secret; setting both a secret and its
// file is an error.
func (c *Config) resolveSecrets() error {
	for _, s := range []struct {
		key, fileKey string
		val, file    *string
	}{
		{"github.token", "github.token_file", &c.GitHub.Token, &c.GitHub.TokenFile},
		{"server.webhook_secret", "server.webhook_secret_file", &c.Server.WebhookSecret, &c.Server.WebhookSecretFile},
		{"server.api_token", "server.api_token_file", &c.Server.APIToken, &c.Server.APITokenFile},
	} {
		if *s.file == "" {
			continue
		}
		if *s.val != "" {
			return &Error{Key: s.fileKey, Msg: "set either " + s.key + " or " + s.fileKey + ", not both"}
		}
		v, err := ReadSecretFile(s.fileKey, *s.file)
		if err != nil {
			return err
		}
		*s.val = v
	}
	return nil
}

// ReadSecretFile reads the secret in the file path, which the key fileKey
// names (e.g. "github.token_file"): its content without surrounding white
// space, which must not be empty. Errors are *Error values naming fileKey
// and never hold the content. Load reads every *_file secret with it;
// serve reads them again before each sync, so a rotated one takes effect.
func ReadSecretFile(fileKey, path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", &Error{Key: fileKey, Msg: "read secret", Err: err}
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", &Error{Key: fileKey, Msg: "file " + path + " is empty"}
	}
	return v, nil
}

// Redacted returns a copy of c with every secret replaced by "REDACTED"
// (when set), for printing.
func (c *Config) Redacted() *Config {
	cp := *c
	redact(reflect.ValueOf(&cp).Elem())
	return &cp
}

func redact(v reflect.Value) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := v.Field(i)
		switch {
		case f.Kind() == reflect.Struct:
			redact(f)
		case t.Field(i).Tag.Get("secret") == "true" && f.String() != "":
			f.SetString("REDACTED")
		}
	}
}

// errs collects validation errors.
type errs []error

func (e *errs) add(key, format string, args ...any) {
	*e = append(*e, &Error{Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (e errs) err() error { return errors.Join(e...) }

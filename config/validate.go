package config

import (
	"errors"
	"strings"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/daemon"
	"github.com/pathwaysync/pathwaysync/exporter"
	"github.com/pathwaysync/pathwaysync/githubsync"
)

// Validate checks every value that does not depend on the command; each
// error names its key. The rules of the libraries' keys are the libraries'
// own (exporter.Options.Validate, githubsync.Options.Validate,
// daemon.Options.Validate and the Validate* functions they export); this
// file maps each of their errors to the key it came from and adds the
// rules of config's own keys.
func (c *Config) Validate() error {
	var e errs
	e.addLibrary(c.exporterOptions().Validate(), exporterKeys, nil)
	seen := map[string]bool{}
	for _, kv := range c.Catalog.Names {
		i := strings.LastIndex(kv, "=")
		if i <= 0 || i == len(kv)-1 {
			e.add("catalog.names", "%q is not SOURCE=NAME", kv)
		} else if err := exporter.ValidateName(kv[i+1:]); err != nil {
			e.add("catalog.names", "%q: %v", kv, err)
		} else if seen[kv[:i]] {
			e.add("catalog.names", "%q: source named twice", kv)
		}
		seen[kv[:max(i, 0)]] = true
	}
	if c.Source.MaxBytes <= 0 {
		e.add("source.max_bytes", "must be positive, got %d", c.Source.MaxBytes)
	}
	if c.Source.Timeout <= 0 {
		e.add("source.timeout", "must be positive, got %s", c.Source.Timeout)
	}
	if err := githubsync.ValidateAPIURL(c.GitHub.APIURL); err != nil {
		e.add("github.api_url", "%v", err)
	}
	// A missing repository or path is ValidateGitHub's (sync needs them,
	// export does not).
	e.addLibrary(c.publisherOptions().Validate(), publisherKeys, func(field string) bool {
		return (field == "Repository" && c.GitHub.Repository == "") || (field == "Path" && c.GitHub.Path == "")
	})
	if (c.GitHub.AppID != 0 || c.GitHub.InstallationID != 0 || c.GitHub.PrivateKeyFile != "") &&
		(c.GitHub.AppID == 0 || c.GitHub.InstallationID == 0 || c.GitHub.PrivateKeyFile == "") {
		e.add("github.app_id", "a GitHub App needs github.app_id, github.installation_id and github.private_key_file together")
	}
	if c.GitHub.Token != "" && c.GitHub.AppID != 0 {
		e.add("github.token", "set either a token or a GitHub App, not both")
	}
	if c.Sync.TreeRequestBytes < 64<<10 {
		e.add("sync.tree_request_bytes", "must be at least 65536 (64 KiB), got %d", c.Sync.TreeRequestBytes)
	}
	if c.Sync.CacheMaxBytes < 1<<20 {
		e.add("sync.cache_max_bytes", "must be at least 1048576 (1 MiB), got %d", c.Sync.CacheMaxBytes)
	}
	e.addDaemon(c.daemonOptions(false).Validate())
	switch c.Server.LogFormat {
	case "text", "json":
	default:
		e.add("server.log_format", "%q is not text or json", c.Server.LogFormat)
	}
	switch c.Server.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		e.add("server.log_level", "%q is not debug, info, warn or error", c.Server.LogLevel)
	}
	if c.Server.ShutdownTimeout <= 0 {
		e.add("server.shutdown_timeout", "must be positive")
	}
	return e.err()
}

// ValidateGitHub checks what publishing needs: a repository, a managed
// path and credentials.
func (c *Config) ValidateGitHub() error {
	var e errs
	if c.GitHub.Repository == "" {
		e.add("github.repository", "required for sync (OWNER/NAME)")
	}
	if c.GitHub.Path == "" {
		e.add("github.path", "required for sync: the one folder pathwaysync manages, e.g. catalog/pathways")
	}
	if c.GitHub.Token == "" && c.GitHub.AppID == 0 {
		e.add("github.token", "required for sync: set github.token, github.token_file or a GitHub App")
	}
	return e.err()
}

// ValidateServer checks what `serve` needs beyond Validate: the daemon's
// own rules (daemon.Options.Validate), webhooks included.
func (c *Config) ValidateServer() error {
	var e errs
	e.addDaemon(c.daemonOptions(true).Validate())
	if c.Server.Addr == "" {
		e.add("server.addr", "must not be empty")
	}
	return e.err()
}

// exporterKeys and publisherKeys are the configuration key of each field
// that exporter.Options.Validate and githubsync.Options.Validate check.
var (
	exporterKeys = map[string]string{
		"Namespace":    "catalog.namespace",
		"Owner":        "catalog.owner",
		"Lifecycle":    "catalog.lifecycle",
		"BackstageURL": "backstage.base_url",
	}
	publisherKeys = map[string]string{
		"Repository":         "github.repository",
		"BaseBranch":         "github.base_branch",
		"Branch":             "github.branch",
		"Path":               "github.path",
		"Commit.AuthorName":  "github.commit.author_name",
		"Commit.AuthorEmail": "github.commit.author_email",
		"MaxDeletions":       "sync.max_deletions",
		"TreeRequestBytes":   "sync.tree_request_bytes",
		"BackstageURL":       "backstage.base_url",
	}
)

// exporterOptions are the exporter's options as configured, for their
// rules; cmd builds the ones it renders with.
func (c *Config) exporterOptions() exporter.Options {
	return exporter.Options{Namespace: c.Catalog.Namespace, Owner: c.Catalog.Owner,
		Lifecycle: c.Catalog.Lifecycle, BackstageURL: c.Backstage.BaseURL}
}

// publisherOptions are githubsync's options as configured, for their rules.
func (c *Config) publisherOptions() githubsync.Options {
	g := c.GitHub
	return githubsync.Options{Repository: g.Repository, BaseBranch: g.BaseBranch, Branch: g.Branch, Path: g.Path,
		Commit:       githubsync.CommitOptions{AuthorName: g.Commit.AuthorName, AuthorEmail: g.Commit.AuthorEmail, Message: g.Commit.Message},
		MaxDeletions: c.Sync.MaxDeletions, TreeRequestBytes: c.Sync.TreeRequestBytes, BackstageURL: c.Backstage.BaseURL}
}

// daemonOptions are the daemon's options as configured; without webhooks
// they leave out the webhook keys, whose rules only serve applies.
func (c *Config) daemonOptions(webhooks bool) daemon.Options {
	o := daemon.Options{
		Addr:            c.Server.Addr,
		Schedule:        c.Sync.Schedule,
		Jitter:          c.Sync.Jitter,
		BackoffMin:      c.Sync.BackoffMin,
		BackoffMax:      c.Sync.BackoffMax,
		ReadyMaxAge:     c.Server.ReadyMaxAge,
		ShutdownTimeout: c.Server.ShutdownTimeout,
		PublicURL:       c.Server.PublicURL,
		TechDocsBaseURL: c.Backstage.DocsURL(),
	}
	if webhooks {
		o.WebhookSecret = c.Server.WebhookSecret
		o.WebhookRepositories = c.Server.WebhookRepositories
		o.WebhookPaths = c.Server.WebhookPaths
		o.APIToken = c.Server.APIToken
	}
	return o
}

// addDaemon adds the daemon's *daemon.OptionError values under their keys.
func (e *errs) addDaemon(err error) {
	for _, one := range unjoin(err) {
		var oe *daemon.OptionError
		if errors.As(one, &oe) {
			e.addOnce(oe.Key, oe.Msg)
			continue
		}
		*e = append(*e, one)
	}
}

// addLibrary adds a library's option errors (catalog.OptionError, which
// exporter and githubsync report) under the key keys gives their field, leaving out
// those skip reports (nil: none).
func (e *errs) addLibrary(err error, keys map[string]string, skip func(field string) bool) {
	for _, one := range unjoin(err) {
		var oe *catalog.OptionError
		if !errors.As(one, &oe) {
			*e = append(*e, one)
			continue
		}
		field, msg := oe.Field, oe.Msg
		if skip != nil && skip(field) {
			continue
		}
		key, ok := keys[field]
		if !ok {
			// A field config does not set: a bug here, said as such.
			key = "(option " + field + ")"
		}
		e.addOnce(key, msg)
	}
}

// addOnce adds key's error unless the same one is there: the Backstage base
// URL reaches exporter, githubsync and the daemon, which apply one rule.
func (e *errs) addOnce(key, msg string) {
	for _, old := range *e {
		if ce, ok := old.(*Error); ok && ce.Key == key && ce.Msg == msg {
			return
		}
	}
	*e = append(*e, &Error{Key: key, Msg: msg})
}

// unjoin is the errors errors.Join joined into err (nil: none).
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

package config

import (
	"errors"
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/pathwaysync/pathwaysync/daemon"
)

var (
	namespaceRE = regexp.MustCompile(`^[a-z0-9]+(-+[a-z0-9]+)*$`)
	repoRE      = regexp.MustCompile(`^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$`)
	branchRE    = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)
)

// Validate checks every value that does not depend on the command; each
// error names its key.
func (c *Config) Validate() error {
	var e errs
	if !namespaceRE.MatchString(c.Catalog.Namespace) || len(c.Catalog.Namespace) > 63 {
		e.add("catalog.namespace", "%q is not a valid Backstage namespace (lowercase letters, digits and dashes, at most 63)", c.Catalog.Namespace)
	}
	if strings.TrimSpace(c.Catalog.Owner) == "" {
		e.add("catalog.owner", "must not be empty: Backstage requires spec.owner")
	}
	if strings.TrimSpace(c.Catalog.Lifecycle) == "" {
		e.add("catalog.lifecycle", "must not be empty: Backstage requires spec.lifecycle")
	}
	seen := map[string]bool{}
	for _, kv := range c.Catalog.Names {
		i := strings.LastIndex(kv, "=")
		switch {
		case i <= 0 || i == len(kv)-1:
			e.add("catalog.names", "%q is not SOURCE=NAME", kv)
		case !namespaceRE.MatchString(kv[i+1:]) || strings.Contains(kv[i+1:], "--") || len(kv)-i-1 > 63:
			e.add("catalog.names", "%q: %q is not an entity name (lowercase letters and digits joined by single dashes, at most 63)", kv, kv[i+1:])
		case seen[kv[:i]]:
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
	if u, err := url.Parse(c.GitHub.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		e.add("github.api_url", "%q is not an http(s) URL", c.GitHub.APIURL)
	}
	if c.GitHub.Repository != "" && !repoRE.MatchString(c.GitHub.Repository) {
		e.add("github.repository", "%q is not OWNER/NAME", c.GitHub.Repository)
	}
	if c.GitHub.Branch == "" || !branchRE.MatchString(c.GitHub.Branch) || strings.Contains(c.GitHub.Branch, "..") {
		e.add("github.branch", "%q is not a valid branch name", c.GitHub.Branch)
	}
	if c.GitHub.BaseBranch != "" && (!branchRE.MatchString(c.GitHub.BaseBranch) || strings.Contains(c.GitHub.BaseBranch, "..")) {
		e.add("github.base_branch", "%q is not a valid branch name", c.GitHub.BaseBranch)
	}
	if c.GitHub.BaseBranch != "" && c.GitHub.BaseBranch == c.GitHub.Branch {
		e.add("github.branch", "must differ from github.base_branch")
	}
	if p := c.GitHub.Path; p != "" {
		clean := path.Clean(strings.Trim(p, "/"))
		if strings.HasPrefix(p, "/") || clean == "." || clean == ".." || strings.HasPrefix(clean, "../") || strings.Contains(p, "\\") {
			e.add("github.path", "%q must be a folder inside the repository, e.g. catalog/pathways", p)
		}
	}
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
	if c.Sync.MaxDeletions < -1 {
		e.add("sync.max_deletions", "must be -1 (half of the pathways) or a count >= 0, got %d", c.Sync.MaxDeletions)
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
	if b := c.Backstage.BaseURL; b != "" {
		if u, err := url.Parse(b); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			e.add("backstage.base_url", "%q is not an absolute http(s) URL", b)
		} else if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			e.add("backstage.base_url", "%q: the app's base URL takes no user, query or fragment", b)
		}
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
	if err == nil {
		return
	}
	list := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	}
	for _, one := range list {
		var oe *daemon.OptionError
		if errors.As(one, &oe) {
			*e = append(*e, &Error{Key: oe.Key, Msg: oe.Msg})
			continue
		}
		*e = append(*e, one)
	}
}

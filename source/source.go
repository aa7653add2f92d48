// Package source reads pathway sources — files, folders, http(s) URLs and
// folders of GitHub repositories (github://OWNER/REPO/PATH[@REF]) — and
// imports them with pathway.Parse, applying the same size, content and
// duplicate checks to every source.
//
// Load is the one-shot reader used by the CLI; Cache is the daemon's reader
// that revalidates URLs with conditional GETs, skips GitHub folders whose
// version is unchanged, and keeps the last good content of a source that
// fails. A file of a GitHub folder is named
// github://OWNER/REPO/PATH/FILE[@REF] in errors and Pathway.Source.
package source

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// DefaultMaxBytes is the size limit of one source document when
// Options.MaxBytes is zero.
const DefaultMaxBytes int64 = 5 << 20

// DefaultTimeout bounds one URL fetch (retries included) when Options.Timeout
// is zero.
const DefaultTimeout = 30 * time.Second

// DefaultUserAgent is sent with every URL fetch when Options.UserAgent is empty.
const DefaultUserAgent = "pathwaysync"

// Warning is an importer warning: a cut-off page, skipped chrome, an empty folder.
type Warning = pathway.Warning

// Options configures Load and Cache; the zero value is usable.
type Options struct {
	// MaxBytes is the size limit of one document (default DefaultMaxBytes).
	MaxBytes int64
	// HTTPClient fetches URLs; cmd passes its shared client. Nil means a
	// retryablehttp StandardClient (3 retries, Retry-After honoured).
	HTTPClient *http.Client
	// Timeout bounds one URL fetch including retries (default DefaultTimeout).
	Timeout time.Duration
	// UserAgent is sent with every fetch (default DefaultUserAgent).
	UserAgent string
	// FollowSymlinks reads a symbolically linked file of a folder whose
	// target lies outside the folder. Off, such a link is an
	// ErrSymlinkOutside naming the link, and the target is never read.
	// Links within the folder are always read; linked folders never.
	FollowSymlinks bool
	// Logger receives debug and warning records; nil discards them.
	Logger *slog.Logger
	// ReadGitHubFolder reads github:// sources: the files under path at
	// ref ("" = default branch) of repository ("owner/name"), keyed by
	// slash path relative to path, and a version (the tree SHA) that
	// changes with the content. cmd wires (*githubsync.Client).ReadFolder;
	// nil makes every github:// spec fail with ErrNoGitHubClient. It bounds
	// its own requests: Timeout applies to URL fetches only.
	ReadGitHubFolder func(ctx context.Context, repository, ref, path string) (files map[string][]byte, version string, err error)
}

// withDefaults returns o with every zero field set to its default.
func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// withClient returns o with the default HTTP client when none was given, and
// a function releasing that client's idle connections (a no-op for a
// caller's client). Either client is used through oneResult.
func (o Options) withClient() (Options, func()) {
	release := func() {}
	c := o.HTTPClient
	if c == nil {
		c = newHTTPClient(o.Logger)
		release = c.CloseIdleConnections
	}
	o.HTTPClient = oneResultClient(c, o.Logger)
	return o, release
}

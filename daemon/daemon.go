// Package daemon is the long-running form of pathwaysync (`pathwaysync
// serve`): it runs syncs at start-up, on a schedule, on GitHub webhooks and
// on a manual API call, never two at once; it serves the entities of the last
// good sync through a Backstage-compatible read API, a catalog-info.yaml and
// a Red Hat Developer Hub learning-paths feed; and it exposes health,
// readiness, Prometheus metrics and a status page.
//
// The daemon does not know how a sync is done: cmd implements Syncer by
// wiring sources, the exporter and githubsync.
//
// Endpoints:
//
//	GET  /                         HTML status page (recent syncs, open PR, pathways)
//	GET  /healthz                  200 while the process runs
//	GET  /readyz                   200 when a sync succeeded within ReadyMaxAge, else 503 + reason
//	GET  /metrics                  Prometheus (pathwaysync_*)
//	POST /webhooks/github          push events (X-Hub-Signature-256), 202 when a sync is queued
//	POST /api/v1/sync              manual trigger, Authorization: Bearer <APIToken>; 404 without a token
//	GET  /catalog-info.yaml        every entity but Locations, multi-document YAML, ETag/If-None-Match
//	GET  /api/learning-paths       [{label, url, description, hours, minutes, paths}]
//	GET  /api/catalog/entities     Backstage catalog API: filter, fields, order, limit/offset/after
//	GET  /api/catalog/entities/by-query, /by-uid/{uid}, /by-name/{kind}/{namespace}/{name}
//	POST /api/catalog/entities/by-refs
//	GET  /api/catalog/entity-facets
//
// Served entities carry a uid derived from their ref (stable across syncs
// and restarts), an etag hashing their content, and relations in both
// directions as the stock catalog computes them. /catalog-info.yaml leaves
// Location entities out: their relative targets name files this server does
// not serve, and the document already holds every entity they point at.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// Syncer runs one sync; cmd implements it (sources → exporter → githubsync).
// The ctx is cancelled only when a shutdown outlasts Options.ShutdownTimeout.
type Syncer interface {
	Sync(ctx context.Context, trigger Trigger) (*Outcome, error)
}

// SyncerFunc adapts a function to Syncer.
type SyncerFunc func(ctx context.Context, trigger Trigger) (*Outcome, error)

// Sync calls f.
func (f SyncerFunc) Sync(ctx context.Context, trigger Trigger) (*Outcome, error) {
	return f(ctx, trigger)
}

// Trigger says why a sync runs.
type Trigger struct {
	// Reason is "startup", "schedule", "webhook", "api" or "retry".
	Reason string
	// DeliveryID is the X-GitHub-Delivery of a webhook trigger.
	DeliveryID string
}

// Trigger reasons.
const (
	ReasonStartup  = "startup"
	ReasonSchedule = "schedule"
	ReasonWebhook  = "webhook"
	ReasonAPI      = "api"
	ReasonRetry    = "retry"
)

// Outcome is what a successful sync produced.
type Outcome struct {
	// Entities are the export's entities as written to files (no uid, etag
	// or relations: the daemon computes them).
	Entities []catalog.Entity
	Pathways []pathway.Pathway
	// Action, PRNumber and PRURL are githubsync's result.
	Action   string
	PRNumber int
	PRURL    string
	// SourceFailures name the sources that failed and kept their last good content.
	SourceFailures []string
}

// Options configure a Server; zero values take the documented defaults.
type Options struct {
	// Addr is the listen address; default ":8080".
	Addr string
	// Schedule is an interval ("1h") or a cron expression (five fields or a
	// descriptor such as "@hourly"); default "1h".
	Schedule string
	// Jitter adds a random delay in [0, Jitter) to every scheduled sync.
	Jitter time.Duration

	// WebhookSecret verifies X-Hub-Signature-256; required when webhooks
	// are enabled (WebhookRepositories non-empty or a secret set).
	WebhookSecret string
	// WebhookRepositories ("owner/name") whose push events trigger a sync;
	// empty means any repository the secret-signed hook reports.
	WebhookRepositories []string
	// WebhookPaths are path prefixes a pushed commit must touch; empty means any.
	WebhookPaths []string

	// APIToken enables POST /api/v1/sync with "Authorization: Bearer <token>".
	APIToken string
	// ReadyMaxAge is how recent the last successful sync must be for
	// /readyz; zero means any successful sync since start.
	ReadyMaxAge time.Duration
	// ShutdownTimeout is how long a running sync may take to finish after
	// shutdown starts before its ctx is cancelled; default 30s.
	ShutdownTimeout time.Duration
	// BackoffMin and BackoffMax bound the retry delay after a failed sync;
	// defaults 10s and 10m.
	BackoffMin, BackoffMax time.Duration

	// PublicURL is this server's base URL (e.g. https://pathwaysync.example.com),
	// used in managed-by-location annotations of served entities.
	PublicURL string
	// TechDocsBaseURL is the Backstage docs base (https://backstage.example.com/docs)
	// the learning-paths feed links to.
	TechDocsBaseURL string

	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
	// Registry receives the metrics; nil creates a private registry.
	Registry *prometheus.Registry
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
}

// Defaults.
const (
	DefaultAddr            = ":8080"
	DefaultSchedule        = "1h"
	DefaultShutdownTimeout = 30 * time.Second
	DefaultBackoffMin      = 10 * time.Second
	DefaultBackoffMax      = 10 * time.Minute
	// statusHistory is how many past syncs the status page lists.
	statusHistory = 20
)

// Server is the daemon; create it with New and start it with Run.
type Server struct {
	opts     Options
	syncer   Syncer
	log      *slog.Logger
	now      func() time.Time
	schedule schedule
	metrics  *Metrics
	registry *prometheus.Registry
	handler  http.Handler
	repos    map[string]bool
	webhooks bool

	snap atomic.Pointer[snapshot]

	mu         sync.Mutex
	pending    *Trigger // coalesced trigger waiting to run
	stopping   bool
	running    bool
	syncSeq    uint64
	history    []syncRecord
	lastOK     time.Time
	lastErr    string
	lastPR     prInfo
	wake       chan struct{}
	deliveries *lru
	rnd        *rand.Rand
}

// prInfo is the PR of the last successful sync.
type prInfo struct {
	Action string
	Number int
	URL    string
}

// syncRecord is one line of the status page.
type syncRecord struct {
	ID       string
	Reason   string
	Started  time.Time
	Duration time.Duration
	Outcome  string // "success" or "failure"
	Error    string
	Action   string
	PRURL    string
}

// New validates o and returns a Server that runs s.
func New(o Options, s Syncer) (*Server, error) {
	if s == nil {
		return nil, errors.New("daemon: nil Syncer")
	}
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if o.Schedule == "" {
		o.Schedule = DefaultSchedule
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = DefaultShutdownTimeout
	}
	if o.BackoffMin <= 0 {
		o.BackoffMin = DefaultBackoffMin
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = DefaultBackoffMax
	}
	if o.BackoffMax < o.BackoffMin {
		return nil, fmt.Errorf("daemon: sync.backoff_max %s is less than sync.backoff_min %s", o.BackoffMax, o.BackoffMin)
	}
	if o.Jitter < 0 {
		return nil, fmt.Errorf("daemon: sync.jitter %s is negative", o.Jitter)
	}
	if o.ReadyMaxAge < 0 {
		return nil, fmt.Errorf("daemon: server.ready_max_age %s is negative", o.ReadyMaxAge)
	}
	webhooks := len(o.WebhookRepositories) > 0 || len(o.WebhookPaths) > 0 || o.WebhookSecret != ""
	if webhooks && o.WebhookSecret == "" {
		return nil, errors.New("daemon: webhooks are enabled (webhook repositories or paths configured) but server.webhook_secret is empty; set it or remove them")
	}
	repos := map[string]bool{}
	for _, r := range o.WebhookRepositories {
		owner, name, ok := strings.Cut(strings.TrimSpace(r), "/")
		if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
			return nil, fmt.Errorf("daemon: webhook repository %q is not owner/name", r)
		}
		repos[strings.ToLower(owner+"/"+name)] = true
	}
	for _, u := range []struct{ key, v string }{{"server.public_url", o.PublicURL}, {"server.techdocs_base_url", o.TechDocsBaseURL}} {
		if u.v == "" {
			continue
		}
		pu, err := url.Parse(u.v)
		if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			return nil, fmt.Errorf("daemon: %s %q is not an absolute http(s) URL", u.key, u.v)
		}
	}
	o.PublicURL = strings.TrimRight(o.PublicURL, "/")
	o.TechDocsBaseURL = strings.TrimRight(o.TechDocsBaseURL, "/")
	sch, err := parseSchedule(o.Schedule)
	if err != nil {
		return nil, err
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	reg := o.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	srv := &Server{
		opts:       o,
		syncer:     s,
		log:        log,
		now:        now,
		schedule:   sch,
		metrics:    m,
		registry:   reg,
		repos:      repos,
		webhooks:   webhooks,
		wake:       make(chan struct{}, 1),
		deliveries: newLRU(4096),
		rnd:        rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x9e3779b97f4a7c15)),
	}
	srv.snap.Store(emptySnapshot())
	srv.handler = srv.routes()
	return srv, nil
}

// Handler returns the HTTP handler serving every endpoint.
func (s *Server) Handler() http.Handler { return s.handler }

// Metrics returns the server's metrics, e.g. for githubsync's request hook.
func (s *Server) Metrics() *Metrics { return s.metrics }

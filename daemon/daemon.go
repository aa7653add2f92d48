// Package daemon is the long-running form of pathwaysync (`pathwaysync
// serve`): it runs syncs at start-up, on a schedule, on GitHub webhooks and
// on a manual API call, never two at once; after a failed sync it acts on
// the error's Failure class; it serves the entities of the last good sync
// through the Backstage-compatible read API of package catalogapi, a
// catalog-info.yaml and a Red Hat Developer Hub learning-paths feed; and it
// exposes health, readiness, Prometheus metrics and a status page.
//
// The daemon does not know how a sync is done: cmd implements Syncer by
// wiring sources, the exporter and githubsync.
//
// Endpoints:
//
//	GET  /                         HTML status page (recent syncs, open PR, the last sync's problem, pathways)
//	GET  /healthz                  200 while the process runs
//	GET  /readyz                   200 while a good sync's entities are served (within ReadyMaxAge when set), else 503;
//	                               the body says why, and names a failing or blocked sync either way
//	GET  /metrics                  Prometheus (pathwaysync_*)
//	POST /webhooks/github          push events (X-Hub-Signature-256), 202 when a sync is queued; 404 without a secret
//	POST /api/v1/sync              manual trigger, Authorization: Bearer <APIToken>; 404 without a token
//	GET  /catalog-info.yaml        every entity but Locations and Groups, multi-document YAML, ETag/If-None-Match,
//	                               plus a Location reading /catalog-owner.yaml when the tree has an owner Group
//	GET  /catalog-owner.yaml       the owner Group(s), 404 without (an owner of the user's)
//	GET  /api/learning-paths       [{label, url, description, hours, minutes, paths}]
//	     /api/catalog/...          catalogapi over the last good sync's entities
//
// /catalog-info.yaml leaves the tree's Location entities out: their
// relative targets name files this server does not serve, and the document
// already holds every entity they point at. The owner Group is served
// apart, behind a Location of its own, so a Backstage whose rules do not
// allow Group rejects that Location only, not the whole document.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
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
	// Action, PRNumber and PRURL are githubsync's result. Action
	// ActionBlocked means the entities are good but could not be published.
	Action   string
	PRNumber int
	PRURL    string
	// Note explains Action to a person (githubsync's summary), e.g. why
	// publishing is blocked.
	Note string
	// SourceFailures name the sources that failed and kept their last good content.
	SourceFailures []string
}

// Options configure a Server; zero values take the documented defaults.
type Options struct {
	// Addr is the listen address; default ":8080".
	Addr string
	// Schedule is an interval ("1h"), a cron expression (five fields or a
	// descriptor such as "@hourly") or ScheduleOff; default "1h".
	Schedule string
	// Jitter adds a random delay in [0, Jitter) to every scheduled sync.
	Jitter time.Duration

	// WebhookSecret verifies X-Hub-Signature-256; webhooks are enabled when
	// it is set, and WebhookRepositories or WebhookPaths require it.
	// SetSecrets replaces it while the server runs.
	WebhookSecret string
	// WebhookRepositories ("owner/name") whose push events trigger a sync;
	// empty means any repository the secret-signed hook reports.
	WebhookRepositories []string
	// WebhookPaths are path prefixes a pushed commit must touch; empty means any.
	WebhookPaths []string

	// APIToken enables POST /api/v1/sync with "Authorization: Bearer <token>";
	// SetSecrets replaces it while the server runs.
	APIToken string
	// ReadyMaxAge is how recent the last successful sync must be for
	// /readyz; zero (the default) means any successful sync since start, so
	// that a failing sync never takes a serving daemon out of its Service.
	ReadyMaxAge time.Duration
	// ShutdownTimeout is how long a running sync may take to finish after
	// shutdown starts before its ctx is cancelled; default 30s.
	ShutdownTimeout time.Duration
	// BackoffMin and BackoffMax bound the retry delay after a failed
	// transient sync; defaults DefaultBackoffMin and DefaultBackoffMax.
	BackoffMin, BackoffMax time.Duration

	// PublicURL is this server's base URL (e.g. https://pathwaysync.example.com),
	// used in managed-by-location annotations of served entities.
	PublicURL string
	// TechDocsBaseURL is the Backstage docs base (https://backstage.example.com/docs)
	// the learning-paths feed links to.
	TechDocsBaseURL string
	// OwnerLocationName names the Location that /catalog-info.yaml adds to
	// read a sync's Groups from /catalog-owner.yaml. cmd passes the name
	// the exported tree gives its own (exporter.OwnerLocationName), so the
	// Location has one ref however Backstage reads the pathways. Required
	// when a sync's entities hold a Group (that sync fails without it).
	OwnerLocationName string

	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
	// Registry receives the metrics; nil creates a private registry.
	Registry *prometheus.Registry
	// Clock is the loop's time source (tests); nil means the wall clock.
	Clock Clock
}

// Defaults; config derives its defaults for the same keys from them.
const (
	DefaultAddr            = ":8080"
	DefaultSchedule        = "1h"
	DefaultJitter          = 30 * time.Second
	DefaultShutdownTimeout = 30 * time.Second
	DefaultReadyMaxAge     = time.Duration(0)
	DefaultBackoffMin      = 10 * time.Second
	DefaultBackoffMax      = 10 * time.Minute
	// ScheduleOff disables scheduled syncs: only start-up, webhooks and
	// the manual trigger run them.
	ScheduleOff = "off"
	// ActionBlocked is the Outcome.Action of a sync whose entities are good
	// but whose pull request branch holds commits pathwaysync did not make.
	ActionBlocked = "blocked"
	// statusHistory is how many past syncs the status page lists.
	statusHistory = 20
)

// Server is the daemon; create it with New and start it with Run.
type Server struct {
	opts     Options
	syncer   Syncer
	log      *slog.Logger
	clock    Clock
	schedule schedule
	metrics  *Metrics
	registry *prometheus.Registry
	handler  http.Handler
	repos    map[string]bool

	snap    atomic.Pointer[snapshot]
	secrets atomic.Pointer[secrets]

	mu         sync.Mutex
	pending    *Trigger // coalesced trigger waiting to run
	stopping   bool
	running    bool
	history    []syncRecord
	lastOK     time.Time
	lastErr    string
	lastPR     prInfo
	problem    problem // why the last sync did not fully succeed; zero when it did
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

// OptionError is an invalid option; Key is its configuration key.
type OptionError struct {
	Key string
	Msg string
}

func (e *OptionError) Error() string { return "daemon: " + e.Key + ": " + e.Msg }

// Validate checks o after defaults apply; every error is an *OptionError
// (joined), so config can report them under their keys.
func (o Options) Validate() error {
	o = o.withDefaults()
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &OptionError{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	if o.BackoffMax < o.BackoffMin {
		bad("sync.backoff_max", "%s is less than sync.backoff_min %s", o.BackoffMax, o.BackoffMin)
	}
	if o.Jitter < 0 {
		bad("sync.jitter", "%s is negative", o.Jitter)
	}
	if o.ReadyMaxAge < 0 {
		bad("server.ready_max_age", "%s is negative", o.ReadyMaxAge)
	}
	if err := ValidateSchedule(o.Schedule); err != nil {
		errs = append(errs, err)
	}
	if o.WebhookSecret == "" && (len(o.WebhookRepositories) > 0 || len(o.WebhookPaths) > 0) {
		bad("server.webhook_secret", "required when server.webhook_repositories or server.webhook_paths is set: webhooks are verified with it")
	}
	for _, r := range o.WebhookRepositories {
		if _, err := repoKey(r); err != nil {
			bad("server.webhook_repositories", "%v", err)
		}
	}
	for _, u := range []struct{ key, v string }{{"server.public_url", o.PublicURL}, {"backstage.base_url", o.TechDocsBaseURL}} {
		if u.v == "" {
			continue
		}
		if err := catalog.ValidateBaseURL(u.v); err != nil {
			bad(u.key, "%v", err)
		}
	}
	return errors.Join(errs...)
}

// ValidateSchedule checks a sync.schedule value: an interval of at least
// MinInterval, a cron expression or ScheduleOff.
func ValidateSchedule(spec string) error {
	_, err := parseSchedule(spec)
	return err
}

// repoKey is the lowercased owner/name of a webhook repository.
func repoKey(r string) (string, error) {
	owner, name, ok := strings.Cut(strings.TrimSpace(r), "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return "", fmt.Errorf("%q is not owner/name", r)
	}
	return strings.ToLower(owner + "/" + name), nil
}

func (o Options) withDefaults() Options {
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
		o.BackoffMax = max(DefaultBackoffMax, o.BackoffMin)
	}
	return o
}

// New validates o and returns a Server that runs s.
func New(o Options, s Syncer) (*Server, error) {
	if s == nil {
		return nil, errors.New("daemon: nil Syncer")
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	repos := map[string]bool{}
	for _, r := range o.WebhookRepositories {
		k, _ := repoKey(r) // checked by Validate
		repos[k] = true
	}
	o.PublicURL = strings.TrimRight(o.PublicURL, "/")
	o.TechDocsBaseURL = strings.TrimRight(o.TechDocsBaseURL, "/")
	sch, _ := parseSchedule(o.Schedule) // checked by Validate
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	clock := o.Clock
	if clock == nil {
		clock = systemClock{}
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
		clock:      clock,
		schedule:   sch,
		metrics:    m,
		registry:   reg,
		repos:      repos,
		wake:       make(chan struct{}, 1),
		deliveries: newLRU(4096),
		rnd:        rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x9e3779b97f4a7c15)),
	}
	srv.secrets.Store(&secrets{webhook: o.WebhookSecret, api: o.APIToken})
	srv.snap.Store(emptySnapshot())
	srv.handler = srv.routes()
	return srv, nil
}

// secrets are the credentials the handlers check; SetSecrets swaps them.
type secrets struct {
	webhook string
	api     string
}

// SetSecrets replaces the webhook secret and the API token, e.g. after the
// Syncer re-read rotated secret files. An empty webhook secret disables
// webhooks (404); an empty token disables the manual trigger.
func (s *Server) SetSecrets(webhookSecret, apiToken string) {
	s.secrets.Store(&secrets{webhook: webhookSecret, api: apiToken})
}

// Handler returns the HTTP handler serving every endpoint.
func (s *Server) Handler() http.Handler { return s.handler }

// Metrics returns the server's metrics, e.g. for githubsync's request hook.
func (s *Server) Metrics() *Metrics { return s.metrics }

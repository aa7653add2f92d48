package daemon

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the daemon's Prometheus metrics (prefix pathwaysync_). The
// daemon records syncs, their duration, last success, pathways and
// entities; the Syncer (cmd) reports GitHub requests, PR operations and
// source failures through the Observe methods.
type Metrics struct {
	syncs        *prometheus.CounterVec
	syncDuration prometheus.Histogram
	lastSuccess  prometheus.Gauge
	pathways     prometheus.Gauge
	entities     prometheus.Gauge
	prOps        *prometheus.CounterVec
	ghRequests   *prometheus.CounterVec
	ghDuration   prometheus.Histogram
	ghRate       prometheus.Gauge
	sourceFails  *prometheus.CounterVec
	triggers     *prometheus.CounterVec
	webhooks     *prometheus.CounterVec
	problem      *prometheus.GaugeVec
	failures     *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry) (*Metrics, error) {
	m := &Metrics{
		syncs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pathwaysync_syncs_total",
			Help: "Syncs run, by outcome (success, failure)."}, []string{"outcome"}),
		syncDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "pathwaysync_sync_duration_seconds",
			Help:    "Duration of syncs, successful or not.",
			Buckets: []float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600}}),
		lastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{Name: "pathwaysync_last_success_timestamp_seconds",
			Help: "Unix time of the last successful sync (0 before the first)."}),
		pathways: prometheus.NewGauge(prometheus.GaugeOpts{Name: "pathwaysync_pathways",
			Help: "Pathways exported by the last successful sync."}),
		entities: prometheus.NewGauge(prometheus.GaugeOpts{Name: "pathwaysync_entities",
			Help: "Catalog entities exported by the last successful sync."}),
		prOps: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pathwaysync_pr_operations_total",
			Help: "Pull request operations, by kind (created, updated, closed, unchanged, dry-run)."}, []string{"kind"}),
		ghRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pathwaysync_github_requests_total",
			Help: "GitHub API requests, by route template and HTTP status (0 = transport error)."}, []string{"route", "status"}),
		ghDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "pathwaysync_github_request_duration_seconds",
			Help: "Duration of GitHub API requests.", Buckets: prometheus.DefBuckets}),
		ghRate: prometheus.NewGauge(prometheus.GaugeOpts{Name: "pathwaysync_github_rate_limit_remaining",
			Help: "X-RateLimit-Remaining of the last GitHub response that carried it."}),
		sourceFails: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pathwaysync_source_fetch_failures_total",
			Help: "Source fetches that failed (the source kept its last good content), by source."}, []string{"source"}),
		triggers: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pathwaysync_triggers_total",
			Help: "Sync triggers, by reason and result (queued, coalesced, dropped)."}, []string{"reason", "result"}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pathwaysync_webhooks_total",
			Help: "GitHub webhook deliveries, by result."}, []string{"result"}),
		problem: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "pathwaysync_sync_problem",
			Help: "1 for the reason the last sync failed (transient, rate_limited, bad_credentials, permission, mass_deletion, foreign_branch, unclassified, ...) or was blocked (blocked); no series after a clean sync."}, []string{"reason"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pathwaysync_sync_failures_total",
			Help: "Failed syncs, by failure reason."}, []string{"reason"}),
	}
	for _, c := range []prometheus.Collector{m.syncs, m.syncDuration, m.lastSuccess, m.pathways, m.entities,
		m.prOps, m.ghRequests, m.ghDuration, m.ghRate, m.sourceFails, m.triggers, m.webhooks, m.problem, m.failures} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	// Make the outcome series visible before the first sync.
	m.syncs.WithLabelValues("success")
	m.syncs.WithLabelValues("failure")
	return m, nil
}

// ObserveGitHub records one GitHub API request; route is the templated
// path (prefixed with method unless it already is); rateRemaining < 0 means
// the response carried no rate-limit header.
func (m *Metrics) ObserveGitHub(method, route string, status, rateRemaining int, d time.Duration) {
	if route == "" {
		route = "unknown"
	}
	if method != "" && !strings.HasPrefix(route, method+" ") {
		route = method + " " + route
	}
	m.ghRequests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.ghDuration.Observe(d.Seconds())
	if rateRemaining >= 0 {
		m.ghRate.Set(float64(rateRemaining))
	}
}

// ObserveSourceFailure counts a failed source fetch (once per failure; the
// daemon does not count Outcome.SourceFailures itself).
func (m *Metrics) ObserveSourceFailure(source string) {
	m.sourceFails.WithLabelValues(source).Inc()
}

// ObservePROperation counts a pull request operation such as a sync's
// githubsync action (the daemon does not count Outcome.Action itself).
func (m *Metrics) ObservePROperation(kind string) {
	m.prOps.WithLabelValues(kind).Inc()
}

// setProblem makes reason the only pathwaysync_sync_problem series; ""
// clears them.
func (m *Metrics) setProblem(reason string) {
	m.problem.Reset()
	if reason != "" {
		m.problem.WithLabelValues(reason).Set(1)
	}
}

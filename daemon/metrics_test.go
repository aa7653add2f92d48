package daemon

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metricValue scrapes /metrics and returns the value of the series line
// starting with series (name{labels}); -1 when absent.
func metricValue(t *testing.T, srv *Server, series string) float64 {
	t.Helper()
	body := do(srv.Handler(), "GET", "/metrics", "", nil).Body.String()
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, series+" ") {
			v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimPrefix(line, series)), 64)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
	}
	return -1
}

func TestMetricsMove(t *testing.T) {
	reg := prometheus.NewRegistry()
	var fail atomic.Bool
	out := testOutcome(t)
	out.SourceFailures = []string{"https://example.com/p"}
	var srv *Server
	srv, err := New(Options{Schedule: "1h", Registry: reg, BackoffMin: time.Hour, BackoffMax: time.Hour},
		&fakeSyncer{SyncFunc: func(context.Context, Trigger) (*Outcome, error) {
			if fail.Load() {
				return nil, errors.New("nope")
			}
			// As cmd's Syncer does: report PR operations and source failures.
			srv.Metrics().ObservePROperation(out.Action)
			for _, s := range out.SourceFailures {
				srv.Metrics().ObserveSourceFailure(s)
			}
			return out, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	body := do(srv.Handler(), "GET", "/metrics", "", nil).Body.String()
	for _, name := range []string{"pathwaysync_syncs_total", "pathwaysync_sync_duration_seconds", "pathwaysync_last_success_timestamp_seconds",
		"pathwaysync_pathways", "pathwaysync_entities", "pathwaysync_github_rate_limit_remaining"} {
		if !regexp.MustCompile(`(?m)^# TYPE ` + name + ` `).MatchString(body) {
			t.Errorf("metric %s missing before the first sync", name)
		}
	}
	if v := metricValue(t, srv, `pathwaysync_syncs_total{outcome="success"}`); v != 0 {
		t.Fatalf("success before sync = %v", v)
	}
	startServer(t, srv)
	eventually(t, "first sync", func() bool { return metricValue(t, srv, `pathwaysync_syncs_total{outcome="success"}`) == 1 })
	checks := map[string]float64{
		`pathwaysync_pathways`:                            1,
		`pathwaysync_entities`:                            5,
		`pathwaysync_pr_operations_total{kind="created"}`: 1,
		`pathwaysync_source_fetch_failures_total{source="https://example.com/p"}`: 1,
		`pathwaysync_sync_duration_seconds_count`:                                 1,
	}
	for series, want := range checks {
		if got := metricValue(t, srv, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if v := metricValue(t, srv, "pathwaysync_last_success_timestamp_seconds"); v < float64(time.Now().Add(-time.Minute).Unix()) {
		t.Errorf("last success timestamp = %v", v)
	}
	fail.Store(true)
	srv.Trigger(Trigger{Reason: ReasonAPI})
	eventually(t, "failed sync", func() bool { return metricValue(t, srv, `pathwaysync_syncs_total{outcome="failure"}`) == 1 })

	m := srv.Metrics()
	m.ObserveGitHub("GET", "GET /repos/{owner}/{repo}/pulls", 200, 4999, 30*time.Millisecond)
	m.ObserveGitHub("POST", "POST /repos/{owner}/{repo}/git/trees", 201, 4998, 10*time.Millisecond)
	m.ObserveGitHub("POST", "/repos/{owner}/{repo}/git/trees", 201, -1, 10*time.Millisecond)
	if v := metricValue(t, srv, `pathwaysync_github_requests_total{route="POST /repos/{owner}/{repo}/git/trees",status="201"}`); v != 2 {
		t.Errorf("github requests = %v, want 2", v)
	}
	if v := metricValue(t, srv, "pathwaysync_github_rate_limit_remaining"); v != 4998 {
		t.Errorf("rate limit remaining = %v, want 4998 (a response without the header keeps the last value)", v)
	}
}

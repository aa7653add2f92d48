package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/internal/syncbuf"
)

func TestNewValidates(t *testing.T) {
	ok := &fakeSyncer{SyncFunc: func(context.Context, Trigger) (*Outcome, error) { return &Outcome{}, nil }}
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{"webhook repositories without secret", Options{WebhookRepositories: []string{"o/r"}}, "server.webhook_secret"},
		{"webhook paths without secret", Options{WebhookPaths: []string{"pathways/"}}, "server.webhook_secret"},
		{"bad repository", Options{WebhookSecret: "s", WebhookRepositories: []string{"nope"}}, "not owner/name"},
		{"bad schedule", Options{Schedule: "every tuesday"}, "sync.schedule"},
		{"backoff order", Options{BackoffMin: time.Minute, BackoffMax: time.Second}, "backoff_max"},
		{"bad public url", Options{PublicURL: "example.com"}, "server.public_url"},
		{"interval", Options{Schedule: "15m"}, ""},
		{"cron", Options{Schedule: "*/5 * * * *"}, ""},
		{"descriptor", Options{Schedule: "@hourly"}, ""},
		{"webhooks with secret", Options{WebhookSecret: "s", WebhookRepositories: []string{"o/r"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.opts, ok)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want mention of %q", err, tt.wantErr)
			}
		})
	}
}

func TestScheduleNext(t *testing.T) {
	base := time.Date(2026, 1, 1, 10, 7, 0, 0, time.UTC)
	for _, tt := range []struct{ spec, want string }{
		{"1h", "2026-01-01T11:07:00Z"},
		{"*/15 * * * *", "2026-01-01T10:15:00Z"},
		{"@daily", "2026-01-02T00:00:00Z"},
	} {
		s, err := parseSchedule(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Next(base).Format(time.RFC3339); got != tt.want {
			t.Errorf("%s: next = %s, want %s", tt.spec, got, tt.want)
		}
	}
}

func TestJitterBounded(t *testing.T) {
	srv, err := New(Options{Schedule: "1h", Jitter: time.Minute}, &fakeSyncer{})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	varied := false
	for range 50 {
		d := srv.nextScheduled(base).Sub(base)
		if d < time.Hour || d >= time.Hour+time.Minute {
			t.Fatalf("next in %s, want [1h, 1h1m)", d)
		}
		varied = varied || d != time.Hour
	}
	if !varied {
		t.Error("jitter never applied")
	}
}

// failure is a hand-written Failure.
type failure struct {
	reason    string
	permanent bool
	retryAt   time.Time
}

func (f failure) Error() string      { return "github: " + f.reason }
func (f failure) Reason() string     { return f.reason }
func (f failure) Permanent() bool    { return f.permanent }
func (f failure) RetryAt() time.Time { return f.retryAt }

func TestClassify(t *testing.T) {
	lo, hi := time.Second, 8*time.Second
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		err      error
		failures int
		want     retryPolicy
	}{
		{"plain first", errors.New("x"), 1, retryPolicy{Reason: ReasonUnclassified, At: now.Add(time.Second)}},
		{"plain third", errors.New("x"), 3, retryPolicy{Reason: ReasonUnclassified, At: now.Add(4 * time.Second)}},
		{"capped", errors.New("x"), 10, retryPolicy{Reason: ReasonUnclassified, At: now.Add(8 * time.Second)}},
		{"huge count capped", errors.New("x"), 200, retryPolicy{Reason: ReasonUnclassified, At: now.Add(8 * time.Second)}},
		{"transient", failure{reason: "transient"}, 2, retryPolicy{Reason: "transient", At: now.Add(2 * time.Second)}},
		{"permanent", failure{reason: "bad_credentials", permanent: true}, 1, retryPolicy{Reason: "bad_credentials", Permanent: true}},
		{"permanent ignores retry time", failure{reason: "permission", permanent: true, retryAt: now.Add(time.Hour)}, 1, retryPolicy{Reason: "permission", Permanent: true}},
		{"rate limit holds until reset", failure{reason: "rate_limited", retryAt: now.Add(time.Minute)}, 1,
			retryPolicy{Reason: "rate_limited", At: now.Add(time.Minute), NotBefore: now.Add(time.Minute)}},
		{"wrapped", fmtErr(failure{reason: "rate_limited", retryAt: now.Add(3 * time.Second)}), 1,
			retryPolicy{Reason: "rate_limited", At: now.Add(3 * time.Second), NotBefore: now.Add(3 * time.Second)}},
		{"early reset keeps backoff", failure{reason: "rate_limited", retryAt: now.Add(time.Millisecond)}, 2,
			retryPolicy{Reason: "rate_limited", At: now.Add(2 * time.Second), NotBefore: now.Add(time.Millisecond)}},
		{"past reset", failure{reason: "transient", retryAt: now.Add(-time.Minute)}, 1, retryPolicy{Reason: "transient", At: now.Add(time.Second)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(tt.err, tt.failures, now, lo, hi); got != tt.want {
				t.Errorf("classify = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func fmtErr(err error) error { return fmt.Errorf("publish: %w", err) }

// TestCoalescing: triggers arriving during a sync coalesce into one more
// sync; a burst of 50 while idle gives at most 2 syncs; never two at once.
// Each sync waits for the test to let it finish, and a marker trigger
// (told apart by its delivery ID) sent after a phase must be the next sync
// that runs: any sync still queued from the phase would come before it.
func TestCoalescing(t *testing.T) {
	var concurrent, maxConcurrent atomic.Int32
	started := make(chan Trigger, 100)
	proceed, ended := make(chan struct{}), make(chan struct{})
	srv, err := New(Options{Schedule: "1h", Clock: newFakeClock()}, &fakeSyncer{SyncFunc: func(ctx context.Context, tr Trigger) (*Outcome, error) {
		n := concurrent.Add(1)
		defer concurrent.Add(-1)
		for {
			m := maxConcurrent.Load()
			if n <= m || maxConcurrent.CompareAndSwap(m, n) {
				break
			}
		}
		started <- tr
		select {
		case <-proceed:
		case <-ended: // the test failed with a sync held
		}
		return &Outcome{}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	startServer(t, srv)
	t.Cleanup(func() { close(ended) }) // runs before the server stops
	next := func(what string) Trigger {
		t.Helper()
		select {
		case tr := <-started:
			return tr
		case <-time.After(5 * time.Second):
			t.Fatalf("no sync started: %s", what)
			return Trigger{}
		}
	}
	finish := func() { proceed <- struct{}{} }
	burst := func(reason string) {
		var wg sync.WaitGroup
		for range 50 {
			wg.Add(1)
			go func() { defer wg.Done(); srv.Trigger(Trigger{Reason: reason}) }()
		}
		wg.Wait()
	}
	marker := func(id string) { srv.Trigger(Trigger{Reason: ReasonAPI, DeliveryID: id}) }

	if tr := next("start-up"); tr.Reason != ReasonStartup {
		t.Fatalf("first sync %+v, want the start-up sync", tr)
	}
	burst(ReasonAPI) // while the start-up sync runs
	finish()
	if tr := next("the coalesced sync"); tr.Reason != ReasonAPI || tr.DeliveryID != "" {
		t.Fatalf("after start-up: %+v, want the coalesced API sync", tr)
	}
	marker("m1")
	finish()
	if tr := next("marker m1"); tr.DeliveryID != "m1" {
		t.Fatalf("50 triggers during a sync gave more than one sync: then %+v before the marker", tr)
	}
	finish()

	// A burst while idle: the first sync runs (held) while the rest
	// arrive; at most one more follows.
	burst(ReasonWebhook)
	if tr := next("the idle burst"); tr.Reason != ReasonWebhook {
		t.Fatalf("idle burst: %+v", tr)
	}
	marker("m2") // coalesces into a second burst sync if one is queued
	finish()
	if tr := next("after the burst's first sync"); tr.Reason != ReasonWebhook && tr.DeliveryID != "m2" {
		t.Fatalf("after the burst's first sync: %+v", tr)
	}
	marker("m3")
	finish()
	if tr := next("marker m3"); tr.DeliveryID != "m3" {
		t.Fatalf("idle burst of 50 gave more than 2 syncs: then %+v before the marker", tr)
	}
	finish()
	if m := maxConcurrent.Load(); m != 1 {
		t.Fatalf("%d syncs ran at once", m)
	}
}

// fakeClock is a Clock that moves only when told; every Until the loop
// registers is reported on parks, so a test knows what the loop waits for.
type fakeClock struct {
	mu      sync.Mutex
	t       time.Time
	waiters []fakeWaiter
	parks   chan time.Time
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), parks: make(chan time.Time, 1000)}
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Until(at time.Time) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.mu.Lock()
	if !at.After(c.t) {
		ch <- c.t
	} else {
		c.waiters = append(c.waiters, fakeWaiter{at, ch})
	}
	c.mu.Unlock()
	c.parks <- at
	return ch
}

// Set moves the clock to t and fires the waiters it reaches.
func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(t) {
			kept = append(kept, w)
			continue
		}
		w.ch <- t
	}
	c.waiters = kept
}

func (c *fakeClock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// park returns what the loop waits for next: the time of its next Until.
func (c *fakeClock) park(t *testing.T) time.Time {
	t.Helper()
	select {
	case at := <-c.parks:
		return at
	case <-time.After(5 * time.Second):
		t.Fatal("the loop did not wait for a time")
		return time.Time{}
	}
}

// expectPark reads parks until the loop waits for want.
func (c *fakeClock) expectPark(t *testing.T, want time.Time) {
	t.Helper()
	for {
		got := c.park(t)
		if got.Equal(want) {
			return
		}
		if got.After(want) {
			t.Fatalf("the loop waits until %s, want %s", got.Format(time.DateTime), want.Format(time.DateTime))
		}
	}
}

// recordingSyncer answers with the queued results in turn (the last one
// repeats; nil is a success) and records each call's reason and time.
type recordingSyncer struct {
	clock   *fakeClock
	mu      sync.Mutex
	results []error
	calls   []string
	at      []time.Time
}

func (r *recordingSyncer) Sync(ctx context.Context, t Trigger) (*Outcome, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, t.Reason)
	r.at = append(r.at, r.clock.Now())
	if len(r.results) == 0 {
		return &Outcome{}, nil
	}
	err := r.results[0]
	if len(r.results) > 1 {
		r.results = r.results[1:]
	}
	if err == nil {
		return &Outcome{}, nil
	}
	return nil, err
}

func (r *recordingSyncer) reasons() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

func startClocked(t *testing.T, o Options, errs ...error) (*Server, *fakeClock, *recordingSyncer) {
	t.Helper()
	clock := newFakeClock()
	o.Clock = clock
	if o.Schedule == "" {
		o.Schedule = "1h"
	}
	rs := &recordingSyncer{clock: clock, results: errs}
	srv, err := New(o, rs)
	if err != nil {
		t.Fatal(err)
	}
	startServer(t, srv)
	return srv, clock, rs
}

// TestScheduleRuns: an interval schedule runs syncs without triggers.
func TestScheduleRuns(t *testing.T) {
	_, clock, rs := startClocked(t, Options{Schedule: "1h"})
	start := clock.Now()
	for i := 1; i <= 2; i++ {
		clock.expectPark(t, start.Add(time.Duration(i)*time.Hour))
		clock.Set(start.Add(time.Duration(i) * time.Hour))
	}
	clock.expectPark(t, start.Add(3*time.Hour))
	if got := rs.reasons(); !slices.Equal(got, []string{ReasonStartup, ReasonSchedule, ReasonSchedule}) {
		t.Fatalf("reasons = %v, want startup then two schedules", got)
	}
}

// TestScheduleOff: with the schedule off only triggers run syncs, and the
// loop waits for no time at all.
func TestScheduleOff(t *testing.T) {
	srv, clock, rs := startClocked(t, Options{Schedule: ScheduleOff})
	eventually(t, "start-up sync", func() bool { return len(rs.reasons()) == 1 })
	clock.Advance(1000 * time.Hour)
	srv.Trigger(Trigger{Reason: ReasonAPI})
	eventually(t, "triggered sync", func() bool { return len(rs.reasons()) == 2 })
	select {
	case at := <-clock.parks:
		t.Fatalf("the loop waits until %s with the schedule off", at)
	default:
	}
	if got := rs.reasons(); !slices.Equal(got, []string{ReasonStartup, ReasonAPI}) {
		t.Fatalf("reasons = %v", got)
	}
}

// TestTransientBackoff: transient failures retry on their own after a
// capped exponential backoff, and a success resets it.
func TestTransientBackoff(t *testing.T) {
	tr := failure{reason: "transient"}
	_, clock, rs := startClocked(t, Options{BackoffMin: time.Second, BackoffMax: 4 * time.Second}, tr, tr, tr, tr, nil)
	start := clock.Now()
	clock.expectPark(t, start.Add(time.Hour)) // before the start-up sync
	at := start
	for _, d := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second} {
		at = at.Add(d)
		clock.expectPark(t, at)
		clock.Set(at)
	}
	clock.expectPark(t, start.Add(time.Hour)) // success: back to the schedule
	want := []string{ReasonStartup, ReasonRetry, ReasonRetry, ReasonRetry, ReasonRetry}
	if got := rs.reasons(); !slices.Equal(got, want) {
		t.Fatalf("reasons = %v, want %v", got, want)
	}
}

// TestRateLimitHoldsSyncs: after a rate limit no sync runs before its
// reset, not even a triggered one; then one sync runs.
func TestRateLimitHoldsSyncs(t *testing.T) {
	start := newFakeClock().Now()
	reset := start.Add(30 * time.Minute)
	srv, clock, rs := startClocked(t, Options{BackoffMin: time.Second}, failure{reason: "rate_limited", retryAt: reset}, nil)
	clock.expectPark(t, start.Add(time.Hour))
	clock.expectPark(t, reset)
	srv.Trigger(Trigger{Reason: ReasonAPI})
	srv.Trigger(Trigger{Reason: ReasonWebhook})
	clock.expectPark(t, reset)         // woken by the trigger, still waiting
	clock.Set(reset.Add(-time.Second)) // fires nothing: the loop waits for the reset
	if got := len(rs.reasons()); got != 1 {
		t.Fatalf("%d syncs before the rate-limit reset, want 1", got)
	}
	if body := do(srv.Handler(), "GET", "/readyz", "", nil).Body.String(); !strings.Contains(body, "rate_limited") {
		t.Errorf("readyz does not say why: %q", body)
	}
	clock.Set(reset)
	clock.expectPark(t, start.Add(time.Hour))
	got := rs.reasons()
	if len(got) != 2 || got[1] != ReasonAPI {
		t.Fatalf("reasons = %v, want the start-up sync and one held trigger", got)
	}
	if !rs.at[1].Equal(reset) {
		t.Fatalf("held sync ran at %s, want the reset %s", rs.at[1], reset)
	}
}

// TestPermanentFailureWaits: a permanent failure is not retried on the
// backoff; the schedule and a manual trigger still run syncs; the status
// page, /readyz and a metric say why, and /readyz stays 200 while the
// entities of an earlier sync are served.
func TestPermanentFailureWaits(t *testing.T) {
	bad := failure{reason: "bad_credentials", permanent: true}
	srv, clock, rs := startClocked(t, Options{BackoffMin: time.Second}, nil, bad)
	start := clock.Now()
	clock.expectPark(t, start.Add(time.Hour))
	clock.expectPark(t, start.Add(time.Hour)) // after the start-up sync
	srv.Trigger(Trigger{Reason: ReasonAPI})   // fails permanently
	clock.expectPark(t, start.Add(time.Hour)) // after the failure: no retry before the schedule
	clock.Set(start.Add(59 * time.Minute))
	if got := rs.reasons(); !slices.Equal(got, []string{ReasonStartup, ReasonAPI}) {
		t.Fatalf("reasons = %v, want no retry", got)
	}
	h := srv.Handler()
	rec := do(h, "GET", "/readyz", "", nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "bad_credentials") || !strings.Contains(rec.Body.String(), "no automatic retry") {
		t.Fatalf("readyz = %d %q, want 200 naming bad_credentials", rec.Code, rec.Body)
	}
	if body := do(h, "GET", "/", "", nil).Body.String(); !strings.Contains(body, "bad_credentials") {
		t.Errorf("status page does not say why:\n%s", body)
	}
	if v := metricValue(t, srv, `pathwaysync_sync_problem{reason="bad_credentials"}`); v != 1 {
		t.Errorf("pathwaysync_sync_problem{bad_credentials} = %v, want 1", v)
	}
	if v := metricValue(t, srv, `pathwaysync_sync_failures_total{reason="bad_credentials"}`); v != 1 {
		t.Errorf("pathwaysync_sync_failures_total{bad_credentials} = %v, want 1", v)
	}
	clock.Set(start.Add(time.Hour))
	clock.expectPark(t, start.Add(2*time.Hour))
	srv.Trigger(Trigger{Reason: ReasonAPI})
	eventually(t, "triggered sync", func() bool { return len(rs.reasons()) == 4 })
	if got := rs.reasons(); !slices.Equal(got, []string{ReasonStartup, ReasonAPI, ReasonSchedule, ReasonAPI}) {
		t.Fatalf("reasons = %v, want the schedule and the trigger to run", got)
	}
}

// TestFailureKeepsEntities: failing syncs keep the previous good entities
// served, and readiness (with ReadyMaxAge set) flips to 503 when the last
// success is too old and back to 200 on recovery.
func TestFailureKeepsEntities(t *testing.T) {
	good := testOutcome(t)
	var failing atomic.Bool
	clock := newFakeClock()
	srv, err := New(Options{Schedule: "1h", BackoffMin: time.Minute, BackoffMax: time.Minute, ReadyMaxAge: time.Hour, Clock: clock},
		&fakeSyncer{SyncFunc: func(ctx context.Context, tr Trigger) (*Outcome, error) {
			if failing.Load() {
				return nil, errors.New("github: 502 bad gateway")
			}
			return good, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	if rec := do(h, "GET", "/readyz", "", nil); rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "no successful sync yet") {
		t.Fatalf("readyz before any sync = %d %q", rec.Code, rec.Body)
	}
	startServer(t, srv)
	start := clock.Now()
	clock.expectPark(t, start.Add(time.Hour))
	clock.expectPark(t, start.Add(time.Hour))
	if rec := do(h, "GET", "/readyz", "", nil); rec.Code != http.StatusOK || rec.Body.String() != "ready\n" {
		t.Fatalf("readyz after success = %d %q", rec.Code, rec.Body)
	}
	want := entityNames(t, do(h, "GET", "/api/catalog/entities", "", nil).Body.Bytes())

	failing.Store(true)
	clock.Set(start.Add(90 * time.Minute)) // the schedule's sync fails
	clock.expectPark(t, start.Add(91*time.Minute))
	got := entityNames(t, do(h, "GET", "/api/catalog/entities", "", nil).Body.Bytes())
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("entities during failures = %v, want the last good %v", got, want)
	}
	rec := do(h, "GET", "/readyz", "", nil)
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "502 bad gateway") || !strings.Contains(rec.Body.String(), "ready_max_age") {
		t.Fatalf("readyz after stale failures = %d %q", rec.Code, rec.Body)
	}
	failing.Store(false)
	clock.Set(start.Add(91 * time.Minute))
	clock.expectPark(t, start.Add(150*time.Minute))
	if rec := do(h, "GET", "/readyz", "", nil); rec.Code != http.StatusOK {
		t.Fatalf("readyz after recovery = %d %q", rec.Code, rec.Body)
	}
	if body := do(h, "GET", "/metrics", "", nil).Body.String(); strings.Contains(body, "pathwaysync_sync_problem{") {
		t.Error("a pathwaysync_sync_problem series remains after recovery")
	}
}

// TestBlockedServesAndReports: a blocked publish serves the entities, keeps
// /readyz 200 and says so on /readyz, the status page and a metric.
func TestBlockedServesAndReports(t *testing.T) {
	out := testOutcome(t)
	out.Action, out.PRNumber, out.PRURL = ActionBlocked, 0, ""
	out.Note = "branch pathwaysync/update has commits by alice; publishing is blocked"
	srv, err := New(Options{Schedule: "1h"}, &fakeSyncer{SyncFunc: func(context.Context, Trigger) (*Outcome, error) { return out, nil }})
	if err != nil {
		t.Fatal(err)
	}
	startServer(t, srv)
	eventually(t, "sync", func() bool { return srv.readiness() == "" })
	h := srv.Handler()
	rec := do(h, "GET", "/readyz", "", nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "publishing blocked: branch pathwaysync/update has commits by alice") {
		t.Fatalf("readyz = %d %q", rec.Code, rec.Body)
	}
	if body := do(h, "GET", "/", "", nil).Body.String(); !strings.Contains(body, "publishing blocked") {
		t.Errorf("status page does not say blocked:\n%s", body)
	}
	if v := metricValue(t, srv, `pathwaysync_sync_problem{reason="blocked"}`); v != 1 {
		t.Errorf(`pathwaysync_sync_problem{reason="blocked"} = %v, want 1`, v)
	}
	if n := len(entityNames(t, do(h, "GET", "/api/catalog/entities", "", nil).Body.Bytes())); n != len(out.Entities) {
		t.Errorf("%d entities served, want %d", n, len(out.Entities))
	}
}

// TestPanicRecovered: a panicking Syncer is a failed sync, not a crash.
func TestPanicRecovered(t *testing.T) {
	var calls atomic.Int32
	srv, err := New(Options{Schedule: "1h", BackoffMin: time.Hour, BackoffMax: time.Hour}, &fakeSyncer{SyncFunc: func(ctx context.Context, tr Trigger) (*Outcome, error) {
		if calls.Add(1) == 1 {
			panic("boom")
		}
		return &Outcome{}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	base, _ := startServer(t, srv)
	eventually(t, "panicking sync", func() bool { return calls.Load() == 1 })
	srv.Trigger(Trigger{Reason: ReasonAPI})
	eventually(t, "next sync", func() bool { return srv.readiness() == "" })
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "sync panicked: boom") {
		t.Fatalf("status page does not show the panic:\n%s", body)
	}
}

// TestGracefulShutdown: a sync that finishes within ShutdownTimeout is not
// cancelled; one that does not is cancelled; Run returns nil either way and
// triggers after shutdown are dropped.
func TestGracefulShutdown(t *testing.T) {
	for _, tt := range []struct {
		name       string
		timeout    time.Duration
		finishIn   time.Duration // 0 = only when cancelled
		wantCancel bool
	}{
		{"finishes within timeout", 2 * time.Second, 100 * time.Millisecond, false},
		{"outlasts timeout", 100 * time.Millisecond, 0, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			started := make(chan struct{})
			var cancelled atomic.Bool
			var finished atomic.Bool
			var calls atomic.Int32
			srv, err := New(Options{Schedule: "1h", ShutdownTimeout: tt.timeout}, &fakeSyncer{SyncFunc: func(ctx context.Context, tr Trigger) (*Outcome, error) {
				if calls.Add(1) > 1 {
					return &Outcome{}, nil
				}
				close(started)
				var wait <-chan time.Time
				if tt.finishIn > 0 {
					wait = time.After(tt.finishIn)
				}
				select {
				case <-wait:
					finished.Store(ctx.Err() == nil)
					return &Outcome{}, nil
				case <-ctx.Done():
					cancelled.Store(true)
					return nil, ctx.Err()
				}
			}})
			if err != nil {
				t.Fatal(err)
			}
			_, stop := startServer(t, srv)
			<-started
			begin := time.Now()
			if err := stop(); err != nil {
				t.Fatalf("Serve returned %v, want nil", err)
			}
			if cancelled.Load() != tt.wantCancel {
				t.Fatalf("sync ctx cancelled = %v, want %v", cancelled.Load(), tt.wantCancel)
			}
			if !tt.wantCancel && !finished.Load() {
				t.Fatal("sync did not finish with a live ctx")
			}
			if tt.wantCancel && time.Since(begin) < tt.timeout {
				t.Fatalf("cancelled after %s, before the %s timeout", time.Since(begin), tt.timeout)
			}
			srv.Trigger(Trigger{Reason: ReasonAPI})
			if v := metricValue(t, srv, `pathwaysync_triggers_total{reason="api",result="dropped"}`); v != 1 || calls.Load() != 1 {
				t.Fatalf("a trigger after shutdown: dropped %v, syncs %d; want dropped, no sync", v, calls.Load())
			}
		})
	}
}

// TestSyncIDInLogs: every log line of a sync, the Syncer's included,
// carries the same sync_id.
func TestSyncIDInLogs(t *testing.T) {
	var buf syncbuf.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := New(Options{Schedule: "1h", Logger: logger}, &fakeSyncer{SyncFunc: func(ctx context.Context, tr Trigger) (*Outcome, error) {
		Logger(ctx, nil).Info("syncer working", "id_seen", SyncID(ctx))
		return &Outcome{Entities: []catalog.Entity{}}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	startServer(t, srv)
	eventually(t, "sync", func() bool { return strings.Contains(buf.String(), "sync succeeded") })
	ids := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		switch m["msg"] {
		case "sync started", "syncer working", "sync succeeded":
			id, _ := m["sync_id"].(string)
			if id == "" {
				t.Fatalf("line without sync_id: %s", line)
			}
			ids[id] = true
			if m["msg"] == "syncer working" && m["id_seen"] != id {
				t.Fatalf("SyncID(ctx) = %v, want %s", m["id_seen"], id)
			}
		}
	}
	if len(ids) != 1 {
		t.Fatalf("sync ids = %v, want one", ids)
	}
}

func entityNames(t *testing.T, body []byte) []string {
	t.Helper()
	var ents []catalog.Entity
	if err := json.Unmarshal(body, &ents); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Ref())
	}
	return out
}

// TestShutdownLogs: a sync that fails because of shutdown is not reported
// as retrying, and start-up logs "serving" once.
func TestShutdownLogs(t *testing.T) {
	var buf syncbuf.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	started := make(chan struct{})
	srv, err := New(Options{Schedule: "1h", Logger: logger, ShutdownTimeout: 10 * time.Millisecond},
		&fakeSyncer{SyncFunc: func(ctx context.Context, tr Trigger) (*Outcome, error) {
			close(started)
			<-ctx.Done()
			return nil, fmt.Errorf("publish: %w", ctx.Err())
		}})
	if err != nil {
		t.Fatal(err)
	}
	_, stop := startServer(t, srv)
	<-started
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	logs := buf.String()
	if strings.Contains(logs, "retrying") {
		t.Errorf("shutdown logged a retry:\n%s", logs)
	}
	if n := strings.Count(logs, `msg=serving`); n != 1 {
		t.Errorf(`"serving" logged %d times, want once:\n%s`, n, logs)
	}
	if !strings.HasSuffix(strings.TrimSpace(logs), "msg=stopped") {
		t.Errorf("last line is not stopped:\n%s", logs)
	}
}

package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
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

type classErr struct {
	transient bool
	after     time.Duration
}

func (e classErr) Error() string             { return "classified" }
func (e classErr) Transient() bool           { return e.transient }
func (e classErr) RetryAfter() time.Duration { return e.after }

func TestClassify(t *testing.T) {
	min, max := time.Second, 8*time.Second
	tests := []struct {
		name     string
		err      error
		failures int
		want     retryPolicy
	}{
		{"plain first", errors.New("x"), 1, retryPolicy{Delay: time.Second}},
		{"plain third", errors.New("x"), 3, retryPolicy{Delay: 4 * time.Second}},
		{"capped", errors.New("x"), 10, retryPolicy{Delay: 8 * time.Second}},
		{"huge count capped", errors.New("x"), 200, retryPolicy{Delay: 8 * time.Second}},
		{"permanent", classErr{transient: false}, 1, retryPolicy{Permanent: true}},
		{"retry-after wins", classErr{transient: true, after: time.Minute}, 1, retryPolicy{Delay: time.Minute}},
		{"wrapped retry-after", fmtErr(classErr{transient: true, after: 3 * time.Second}), 1, retryPolicy{Delay: 3 * time.Second}},
		{"short retry-after keeps backoff", classErr{transient: true, after: time.Millisecond}, 2, retryPolicy{Delay: 2 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(tt.err, tt.failures, min, max); got != tt.want {
				t.Errorf("classify = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func fmtErr(err error) error { return errors.Join(errors.New("publish"), err) }

// TestCoalescing: triggers arriving during a sync coalesce into one more
// sync; a burst of 50 while idle gives at most 2 syncs; never two at once.
func TestCoalescing(t *testing.T) {
	var calls, concurrent, maxConcurrent atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{}, 100)
	srv, err := New(Options{Schedule: "1h"}, &fakeSyncer{SyncFunc: func(ctx context.Context, tr Trigger) (*Outcome, error) {
		n := concurrent.Add(1)
		defer concurrent.Add(-1)
		for {
			m := maxConcurrent.Load()
			if n <= m || maxConcurrent.CompareAndSwap(m, n) {
				break
			}
		}
		c := calls.Add(1)
		started <- struct{}{}
		if c == 1 {
			<-release
		}
		time.Sleep(2 * time.Millisecond)
		return &Outcome{}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	startServer(t, srv)
	<-started // the start-up sync is running and blocked
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() { defer wg.Done(); srv.Trigger(Trigger{Reason: ReasonAPI}) }()
	}
	wg.Wait()
	close(release)
	eventually(t, "the coalesced sync", func() bool { return calls.Load() == 2 })
	time.Sleep(50 * time.Millisecond)
	if got := calls.Load(); got != 2 {
		t.Fatalf("50 triggers during a sync gave %d syncs after start-up, want exactly 1", got-1)
	}

	// A burst while idle: at most 2 syncs.
	before := calls.Load()
	for range 50 {
		wg.Add(1)
		go func() { defer wg.Done(); srv.Trigger(Trigger{Reason: ReasonWebhook}) }()
	}
	wg.Wait()
	eventually(t, "a sync after the idle burst", func() bool { return calls.Load() > before })
	time.Sleep(50 * time.Millisecond)
	if got := calls.Load() - before; got > 2 {
		t.Fatalf("idle burst of 50 gave %d syncs, want at most 2", got)
	}
	if m := maxConcurrent.Load(); m != 1 {
		t.Fatalf("%d syncs ran at once", m)
	}
}

// TestScheduleRuns: an interval schedule runs syncs without triggers.
func TestScheduleRuns(t *testing.T) {
	var mu sync.Mutex
	var reasons []string
	srv, err := New(Options{Schedule: "30ms"}, &fakeSyncer{SyncFunc: func(ctx context.Context, tr Trigger) (*Outcome, error) {
		mu.Lock()
		reasons = append(reasons, tr.Reason)
		mu.Unlock()
		return &Outcome{}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	startServer(t, srv)
	eventually(t, "three syncs", func() bool { mu.Lock(); defer mu.Unlock(); return len(reasons) >= 3 })
	mu.Lock()
	defer mu.Unlock()
	if reasons[0] != ReasonStartup || reasons[1] != ReasonSchedule {
		t.Fatalf("reasons = %v, want startup then schedule", reasons)
	}
}

// fakeClock is a settable Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestFailureBackoffKeepsEntities: failing syncs retry on their own with
// backoff, the previous good entities keep being served, readiness flips
// to 503 when the last success is too old and back to 200 on recovery.
func TestFailureBackoffKeepsEntities(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var calls atomic.Int32
	var failing atomic.Bool
	var stamps sync.Map
	good := testOutcome(t)
	srv, err := New(Options{Schedule: "1h", BackoffMin: 20 * time.Millisecond, BackoffMax: 40 * time.Millisecond,
		ReadyMaxAge: time.Hour, Now: clock.Now}, &fakeSyncer{SyncFunc: func(ctx context.Context, tr Trigger) (*Outcome, error) {
		n := calls.Add(1)
		stamps.Store(n, time.Now())
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
	eventually(t, "start-up sync", func() bool { return srv.readiness() == "" })
	if rec := do(h, "GET", "/readyz", "", nil); rec.Code != http.StatusOK {
		t.Fatalf("readyz after success = %d", rec.Code)
	}
	want := entityNames(t, do(h, "GET", "/api/catalog/entities", "", nil).Body.Bytes())

	failing.Store(true)
	clock.Advance(2 * time.Hour)
	srv.Trigger(Trigger{Reason: ReasonAPI})
	eventually(t, "three retries without triggers", func() bool { return calls.Load() >= 5 })
	// Delays grow: 20ms, 40ms, 40ms (capped).
	t2, _ := stamps.Load(int32(2))
	t3, _ := stamps.Load(int32(3))
	t4, _ := stamps.Load(int32(4))
	if d := t3.(time.Time).Sub(t2.(time.Time)); d < 15*time.Millisecond {
		t.Errorf("first retry after %s, want ≥ 20ms backoff", d)
	}
	if d := t4.(time.Time).Sub(t3.(time.Time)); d < 35*time.Millisecond {
		t.Errorf("second retry after %s, want ≥ 40ms backoff", d)
	}
	got := entityNames(t, do(h, "GET", "/api/catalog/entities", "", nil).Body.Bytes())
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("entities during failures = %v, want the last good %v", got, want)
	}
	rec := do(h, "GET", "/readyz", "", nil)
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "502 bad gateway") || !strings.Contains(rec.Body.String(), "ready_max_age") {
		t.Fatalf("readyz after stale failures = %d %q", rec.Code, rec.Body)
	}
	failing.Store(false)
	eventually(t, "recovery", func() bool { return do(h, "GET", "/readyz", "", nil).Code == http.StatusOK })
	n := calls.Load()
	time.Sleep(120 * time.Millisecond)
	if calls.Load() != n {
		t.Fatal("retries continued after a success")
	}
}

// TestPermanentFailureWaits: a permanent error is not retried on its own.
func TestPermanentFailureWaits(t *testing.T) {
	var calls atomic.Int32
	srv, err := New(Options{Schedule: "1h", BackoffMin: 5 * time.Millisecond}, &fakeSyncer{SyncFunc: func(ctx context.Context, tr Trigger) (*Outcome, error) {
		calls.Add(1)
		return nil, classErr{transient: false}
	}})
	if err != nil {
		t.Fatal(err)
	}
	startServer(t, srv)
	eventually(t, "start-up sync", func() bool { return calls.Load() == 1 })
	time.Sleep(80 * time.Millisecond)
	if got := calls.Load(); got != 1 {
		t.Fatalf("permanent failure retried: %d calls", got)
	}
	srv.Trigger(Trigger{Reason: ReasonAPI})
	eventually(t, "triggered sync", func() bool { return calls.Load() == 2 })
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
			time.Sleep(20 * time.Millisecond)
			if calls.Load() != 1 {
				t.Fatal("a trigger after shutdown ran a sync")
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

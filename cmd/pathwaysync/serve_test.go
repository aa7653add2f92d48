package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pathwaysync/pathwaysync/config"
	"github.com/pathwaysync/pathwaysync/daemon"
	"github.com/pathwaysync/pathwaysync/githubsync"
	"github.com/pathwaysync/pathwaysync/internal/ghemu"
)

// testClock is a daemon.Clock that moves only when told; parks receives
// the time of every wait the loop starts.
type testClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters map[chan time.Time]time.Time
	parks   chan time.Time
}

func newTestClock(now time.Time) *testClock {
	return &testClock{now: now, waiters: map[chan time.Time]time.Time{}, parks: make(chan time.Time, 1000)}
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *testClock) Until(at time.Time) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.mu.Lock()
	if at.After(c.now) {
		c.waiters[ch] = at
	} else {
		ch <- c.now
	}
	c.mu.Unlock()
	c.parks <- at
	return ch
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	for ch, at := range c.waiters {
		if !at.After(t) {
			ch <- t
			delete(c.waiters, ch)
		}
	}
}

// expectPark waits until the loop waits for want; a later time fails.
func (c *testClock) expectPark(t *testing.T, want time.Time) {
	t.Helper()
	for {
		select {
		case at := <-c.parks:
			if at.Equal(want) {
				return
			}
			if at.After(want) {
				t.Fatalf("the loop waits until %s, want %s", at, want)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("the loop never waited for %s", want)
		}
	}
}

// startTestDaemon runs the daemon as serve wires it, against the emulator,
// on clock.
func startTestDaemon(t *testing.T, emu *ghemu.Emulator, clock *testClock, extra ...string) (*daemon.Server, string) {
	t.Helper()
	env := e2eEnv(t, emu, copyExamples(t), append([]string{"PATHWAYSYNC_SYNC_SCHEDULE=1h", "PATHWAYSYNC_SYNC_JITTER=0s",
		"PATHWAYSYNC_SYNC_BACKOFF_MIN=1s", "PATHWAYSYNC_SERVER_API_TOKEN=api-token"}, extra...)...)
	cfg, err := config.Load("", env, nil)
	if err != nil {
		t.Fatal(err)
	}
	var c daemon.Clock // nil: the wall clock
	if clock != nil {
		c = clock
	}
	return serveTestDaemon(t, cfg, c)
}

// serveTestDaemon starts the daemon newDaemon builds from cfg on a free
// loopback port and stops it when the test ends.
func serveTestDaemon(t *testing.T, cfg *config.Config, c daemon.Clock) (*daemon.Server, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := newDaemon(ctx, cfg, slog.New(slog.DiscardHandler), prometheus.NewRegistry(), c)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return srv, "http://" + ln.Addr().String()
}

func manualSync(t *testing.T, base string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/api/v1/sync", nil)
	req.Header.Set("Authorization", "Bearer api-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("manual sync = %d", resp.StatusCode)
	}
}

func readyz(t *testing.T, base string) (int, string) {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// requireFailure probes the emulator with one real request using token
// and returns its error as the daemon.Failure the loop reads; it fails the
// test when the request succeeds or its error carries no classification.
func requireFailure(t *testing.T, emu *ghemu.Emulator, token string) daemon.Failure {
	t.Helper()
	client, err := githubsync.NewClient(githubsync.ClientOptions{APIURL: emu.URL(), Token: token, RetryMax: -1, MaxRateWait: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = client.ReadFolder(t.Context(), e2eRepo, "main", e2ePath)
	if err == nil {
		t.Fatal("probe read succeeded; want a failure")
	}
	// The runtime form of the conformance check in serve.go, along the
	// error chain.
	var f daemon.Failure
	if !errors.As(err, &f) {
		t.Fatalf("probe error %v (%T) is not a daemon.Failure", err, err)
	}
	return f
}

// TestServeBadTokenNotHammered: with a revoked token the daemon makes one
// sync's requests, then none until the schedule or a manual trigger; a
// token rotated in github.token_file is picked up by the next sync; the
// readiness body says why meanwhile.
func TestServeBadTokenNotHammered(t *testing.T) {
	emu := newE2ERepo(t)
	if f := requireFailure(t, emu, "ghp_revoked"); !f.Permanent() || f.Reason() != "bad_credentials" {
		t.Fatalf("a bad token is %s (permanent %v), want permanent bad_credentials", f.Reason(), f.Permanent())
	}
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("ghp_revoked\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	emu.ResetStats()
	start := time.Now()
	clock := newTestClock(start)
	_, base := startTestDaemon(t, emu, clock, "PATHWAYSYNC_GITHUB_TOKEN=", "PATHWAYSYNC_GITHUB_TOKEN_FILE="+tokenFile)
	sched := start.Add(time.Hour)
	clock.expectPark(t, sched) // before the start-up sync
	clock.expectPark(t, sched) // after it failed: no retry before the schedule
	one := emu.Stats().Total
	if one == 0 {
		t.Fatal("the start-up sync made no request")
	}
	clock.Set(start.Add(59 * time.Minute))
	if code, body := readyz(t, base); code != http.StatusServiceUnavailable || !strings.Contains(body, "bad_credentials") {
		t.Errorf("readyz = %d %q, want 503 (nothing served yet) naming bad_credentials", code, body)
	}
	if got := emu.Stats().Total; got != one {
		t.Fatalf("%d requests after the failed start-up sync's %d: the bad token was retried", got-one, one)
	}
	manualSync(t, base)
	clock.expectPark(t, sched)
	if got := emu.Stats().Total; got != 2*one {
		t.Fatalf("a manual sync made %d requests, want %d (one attempt)", got-one, one)
	}
	// The token is rotated; the schedule's sync uses it.
	if err := os.WriteFile(tokenFile, []byte(e2eToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	clock.Set(sched)
	clock.expectPark(t, start.Add(2*time.Hour))
	if code, body := readyz(t, base); code != http.StatusOK || body != "ready\n" {
		t.Fatalf("readyz after the rotated token = %d %q", code, body)
	}
	if len(openPRs(emu)) != 1 {
		t.Fatalf("open PRs = %d, want 1 after the rotated token", len(openPRs(emu)))
	}
}

// TestServeRateLimitWaitedOut: a primary rate limit holds every sync,
// triggered ones too, until its reset; then one sync publishes. It runs on
// the wall clock because githubsync reads the reset from the response.
func TestServeRateLimitWaitedOut(t *testing.T) {
	emu := newE2ERepo(t)
	emu.Inject(ghemu.Fault{Kind: ghemu.FaultPrimaryLimit, ResetIn: time.Hour})
	if f := requireFailure(t, emu, e2eToken); f.Permanent() || f.RetryAt().IsZero() || f.Reason() != "rate_limited" {
		t.Fatalf("a rate limit is %s (permanent %v, retry at %v), want rate_limited with a retry time", f.Reason(), f.Permanent(), f.RetryAt())
	}
	emu.ResetStats()
	var mu sync.Mutex
	var times []time.Time
	injected := time.Now()
	emu.Inject(ghemu.Fault{Kind: ghemu.FaultPrimaryLimit, ResetIn: 3 * time.Second})
	emu.Inject(ghemu.Fault{Kind: ghemu.FaultHook, Times: 1 << 20, Before: func() {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
	}})
	_, base := startTestDaemon(t, emu, nil)
	waitFor(t, 10*time.Second, "the rate-limited sync", func() bool {
		_, body := readyz(t, base)
		return strings.Contains(body, "rate_limited")
	})
	manualSync(t, base)
	waitFor(t, 20*time.Second, "a pull request after the reset", func() bool { return len(openPRs(emu)) == 1 })
	// X-RateLimit-Reset has whole seconds: the reset is at least 2s after the injection.
	reset := injected.Add(2 * time.Second)
	mu.Lock()
	defer mu.Unlock()
	if len(times) == 0 {
		t.Fatal("no request after the rate limit")
	}
	if times[0].Before(reset) {
		t.Fatalf("a request %s after the rate limit, before its reset", times[0].Sub(injected).Round(time.Millisecond))
	}
	waitFor(t, 10*time.Second, "ready after the reset", func() bool {
		code, body := readyz(t, base)
		return code == http.StatusOK && body == "ready\n"
	})
}

// TestServeRereadsSecretFiles: a rotated server.api_token_file takes effect
// at the next sync, without a restart (the webhook secret file is re-read
// the same way; github.token_file in TestServeBadTokenNotHammered).
func TestServeRereadsSecretFiles(t *testing.T) {
	dir := t.TempDir()
	apiFile, hookFile := filepath.Join(dir, "api"), filepath.Join(dir, "hook")
	for f, v := range map[string]string{apiFile: "api-old\n", hookFile: "hook-old\n"} {
		if err := os.WriteFile(f, []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load("", []string{"PATHWAYSYNC_SOURCES=" + copyExamples(t),
		"PATHWAYSYNC_SERVER_API_TOKEN_FILE=" + apiFile, "PATHWAYSYNC_SERVER_WEBHOOK_SECRET_FILE=" + hookFile}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, base := serveTestDaemon(t, cfg, nil)
	post := func(token string) int {
		req, _ := http.NewRequest("POST", base+"/api/v1/sync", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	waitFor(t, 10*time.Second, "start-up sync", func() bool { code, _ := readyz(t, base); return code == http.StatusOK })
	if err := os.WriteFile(apiFile, []byte("api-new\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := post("api-old"); code != http.StatusAccepted {
		t.Fatalf("old token before the next sync = %d", code)
	}
	waitFor(t, 10*time.Second, "the rotated token", func() bool { return post("api-new") == http.StatusAccepted })
	if code := post("api-old"); code != http.StatusUnauthorized {
		t.Fatalf("old token after rotation = %d, want 401", code)
	}
}

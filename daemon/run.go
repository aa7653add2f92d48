package daemon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"
)

// Run serves on Options.Addr, syncs at start-up, then on the schedule and on
// triggers, one sync at a time. When ctx is cancelled it stops accepting
// triggers, lets a running sync finish within ShutdownTimeout (then cancels
// its ctx and waits for it), shuts the HTTP server down and returns nil.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", s.opts.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on an existing listener (tests listen on 127.0.0.1:0).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	loopCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	serveErr := make(chan error, 1)
	go func() {
		err := hs.Serve(ln)
		if !errors.Is(err, http.ErrServerClosed) {
			serveErr <- fmt.Errorf("serve: %w", err)
			cancel()
		}
		close(serveErr)
	}()
	s.log.Info("serving", "addr", ln.Addr().String(), "schedule", s.opts.Schedule)
	s.Trigger(Trigger{Reason: ReasonStartup})
	s.loop(loopCtx)

	shutCtx, done := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer done()
	if err := hs.Shutdown(shutCtx); err != nil {
		s.log.Warn("http shutdown", "err", err)
		hs.Close()
	}
	if err := <-serveErr; err != nil {
		return err
	}
	s.log.Info("stopped")
	return nil
}

// Trigger queues a sync. Triggers that arrive while one is queued or running
// coalesce into a single further sync; after shutdown starts they are dropped.
func (s *Server) Trigger(t Trigger) {
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		s.metrics.triggers.WithLabelValues(t.Reason, "dropped").Inc()
		return
	}
	result := "coalesced"
	if s.pending == nil {
		tt := t
		s.pending = &tt
		result = "queued"
	}
	s.mu.Unlock()
	s.metrics.triggers.WithLabelValues(t.Reason, result).Inc()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Server) setStopping() {
	s.mu.Lock()
	s.stopping = true
	s.pending = nil
	s.mu.Unlock()
}

func (s *Server) isStopping() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopping
}

func (s *Server) takePending() *Trigger {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.pending
	s.pending = nil
	return t
}

// queueInternal queues a schedule or retry trigger unless one is pending.
func (s *Server) queueInternal(reason string) {
	s.mu.Lock()
	if s.pending == nil && !s.stopping {
		s.pending = &Trigger{Reason: reason}
	}
	s.mu.Unlock()
}

func (s *Server) hasPending() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending != nil
}

// nextScheduled returns the next scheduled time after t, plus jitter; zero
// when the schedule is off.
func (s *Server) nextScheduled(t time.Time) time.Time {
	next := s.schedule.Next(t)
	if next.IsZero() {
		return next
	}
	if s.opts.Jitter > 0 {
		s.mu.Lock()
		j := time.Duration(s.rnd.Int64N(int64(s.opts.Jitter)))
		s.mu.Unlock()
		next = next.Add(j)
	}
	return next
}

// earliest is the earlier of two times, ignoring zero ones.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// loop runs syncs until ctx is cancelled. After a failed sync it acts on
// the error's Failure class (see classify): a transient failure retries
// after a capped backoff, a rate limit holds every sync until its reset,
// and a permanent failure waits for the schedule or a trigger.
func (s *Server) loop(ctx context.Context) {
	failures := 0
	nextSched := s.nextScheduled(s.clock.Now())
	var retryAt, notBefore time.Time
	for {
		now := s.clock.Now()
		due := earliest(nextSched, retryAt)
		if s.hasPending() && now.Before(notBefore) {
			due = earliest(due, notBefore)
		}
		var timer <-chan time.Time
		if !due.IsZero() {
			timer = s.clock.Until(due)
		}
		select {
		case <-ctx.Done():
			s.setStopping()
			return
		case <-s.wake:
		case <-timer:
		}
		now = s.clock.Now()
		if !retryAt.IsZero() && !now.Before(retryAt) {
			retryAt = time.Time{}
			s.queueInternal(ReasonRetry)
		}
		if !nextSched.IsZero() && !now.Before(nextSched) {
			nextSched = s.nextScheduled(now)
			s.queueInternal(ReasonSchedule)
		}
		if now.Before(notBefore) {
			continue // a rate limit: triggers wait for its reset
		}
		t := s.takePending()
		if t == nil {
			continue
		}
		err := s.runSync(ctx, *t)
		if ctx.Err() != nil {
			s.setStopping()
			return // shutting down: nothing to retry
		}
		if err == nil {
			failures = 0
			retryAt, notBefore = time.Time{}, time.Time{}
			continue
		}
		failures++
		pol := classify(err, failures, s.clock.Now(), s.opts.BackoffMin, s.opts.BackoffMax)
		retryAt, notBefore = pol.At, pol.NotBefore
		s.metrics.failures.WithLabelValues(pol.Reason).Inc()
		s.setProblem(problem{Reason: pol.Reason, Permanent: pol.Permanent, Err: err.Error(), RetryAt: pol.At})
		if pol.Permanent {
			s.log.Error("sync failed and retrying cannot help; waiting for the schedule or a manual trigger",
				"reason", pol.Reason, "failures", failures, "next_scheduled", timeAttr(nextSched))
			continue
		}
		s.log.Warn("sync failed; retrying", "reason", pol.Reason, "failures", failures,
			"retry_in", pol.At.Sub(s.clock.Now()).Round(time.Millisecond).String())
	}
}

// timeAttr formats t for a log line; "never" for zero.
func timeAttr(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

// result is what a Syncer call returned.
type result struct {
	out *Outcome
	err error
}

// runSync runs one sync to completion (see Run for shutdown) and records it.
func (s *Server) runSync(ctx context.Context, t Trigger) error {
	id := newSyncID()
	log := s.log.With("sync_id", id, "reason", t.Reason)
	if t.DeliveryID != "" {
		log = log.With("delivery_id", t.DeliveryID)
	}
	s.mu.Lock()
	s.running = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.running = false
		s.mu.Unlock()
	}()

	syncCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	syncCtx = context.WithValue(syncCtx, syncKey{}, syncInfo{id: id, log: log})
	started := s.clock.Now()
	wallStart := time.Now()
	log.Info("sync started")
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				log.Error("sync panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				done <- result{err: fmt.Errorf("sync panicked: %v", p)}
			}
		}()
		out, err := s.syncer.Sync(syncCtx, t)
		done <- result{out: out, err: err}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		s.setStopping()
		log.Info("shutdown: waiting for the running sync", "timeout", s.opts.ShutdownTimeout.String())
		select {
		case r = <-done:
		case <-s.clock.Until(s.clock.Now().Add(s.opts.ShutdownTimeout)):
			log.Warn("shutdown: sync did not finish in time; cancelling it")
			cancel()
			r = <-done
		}
	}
	if r.err == nil && r.out == nil {
		r.err = errors.New("syncer returned no outcome")
	}
	return s.record(log, id, t, started, time.Since(wallStart), r)
}

// record publishes a finished sync: metrics, history and, on success, the
// new snapshot of served entities.
func (s *Server) record(log *slog.Logger, id string, t Trigger, started time.Time, d time.Duration, r result) error {
	rec := syncRecord{ID: id, Reason: t.Reason, Started: started, Duration: d}
	s.metrics.syncDuration.Observe(d.Seconds())
	err := r.err
	var snap *snapshot
	if err == nil {
		snap, err = buildSnapshot(r.out.Entities, r.out.Pathways, s.opts)
		if err != nil {
			err = fmt.Errorf("serve entities: %w", err)
		}
	}
	if err != nil {
		rec.Outcome = "failure"
		rec.Error = err.Error()
		s.metrics.syncs.WithLabelValues("failure").Inc()
		if errors.Is(err, context.Canceled) {
			log.Warn("sync cancelled", "duration", d.String())
		} else {
			log.Error("sync failed", "err", err, "duration", d.String())
		}
		s.mu.Lock()
		s.lastErr = rec.Error
		s.pushHistory(rec)
		s.mu.Unlock()
		return err
	}
	s.snap.Store(snap)
	// Building a snapshot churns through several times its size; hand the
	// garbage back to the OS so an idle daemon stays small.
	debug.FreeOSMemory()
	out := r.out
	rec.Outcome = "success"
	rec.Action = out.Action
	rec.PRURL = out.PRURL
	s.metrics.syncs.WithLabelValues("success").Inc()
	s.metrics.lastSuccess.Set(float64(s.clock.Now().UnixNano()) / 1e9)
	s.metrics.pathways.Set(float64(len(out.Pathways)))
	s.metrics.entities.Set(float64(len(out.Entities)))
	if len(out.SourceFailures) > 0 {
		log.Warn("sources failed and kept their last good content", "sources", out.SourceFailures)
	}
	var p problem
	if out.Action == ActionBlocked {
		p = problem{Reason: ActionBlocked, Permanent: true, Err: out.Note}
		if p.Err == "" {
			p.Err = "the pull request branch holds commits pathwaysync did not make"
		}
		rec.Outcome = ActionBlocked
		rec.Error = "publishing blocked: " + p.Err
		log.Error("sync blocked: its entities are served but not published", "note", out.Note)
	}
	s.setProblem(p)
	s.mu.Lock()
	s.lastOK = s.clock.Now()
	s.lastErr = ""
	s.lastPR = prInfo{Action: out.Action, Number: out.PRNumber, URL: out.PRURL}
	s.pushHistory(rec)
	s.mu.Unlock()
	log.Info("sync succeeded", "duration", d.String(), "action", out.Action, "pr", out.PRNumber,
		"pathways", len(out.Pathways), "entities", len(out.Entities))
	return nil
}

// problem is why the last sync did not fully succeed: a Failure's class or
// ActionBlocked.
type problem struct {
	Reason    string
	Permanent bool
	Err       string
	RetryAt   time.Time // the automatic retry; zero when there is none
}

// setProblem records p (zero: none) for the status page, /readyz and the
// pathwaysync_sync_problem metric.
func (s *Server) setProblem(p problem) {
	s.mu.Lock()
	s.problem = p
	s.mu.Unlock()
	s.metrics.setProblem(p.Reason)
}

// pushHistory keeps the last statusHistory records, newest first; s.mu held.
func (s *Server) pushHistory(rec syncRecord) {
	s.history = append([]syncRecord{rec}, s.history...)
	if len(s.history) > statusHistory {
		s.history = s.history[:statusHistory]
	}
}

func newSyncID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

type syncKey struct{}

type syncInfo struct {
	id  string
	log *slog.Logger
}

// Logger returns the logger of the sync running in ctx (it carries the
// sync_id), or fallback when ctx is not a sync's; a nil fallback discards.
func Logger(ctx context.Context, fallback *slog.Logger) *slog.Logger {
	if si, ok := ctx.Value(syncKey{}).(syncInfo); ok {
		return si.log
	}
	if fallback == nil {
		return slog.New(slog.DiscardHandler)
	}
	return fallback
}

// SyncID returns the id of the sync running in ctx, or "".
func SyncID(ctx context.Context) string {
	si, _ := ctx.Value(syncKey{}).(syncInfo)
	return si.id
}

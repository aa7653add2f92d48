package daemon

import (
	"errors"
	"time"
)

// Failure is a sync error that says whether and when retrying can help.
type Failure interface {
	error
	Reason() string     // short snake_case: "transient", "rate_limited", "bad_credentials", "permission", "mass_deletion", "foreign_branch", ...
	Permanent() bool    // retrying without a person changing something fails again
	RetryAt() time.Time // earliest time a retry may succeed; zero when unknown
}

// ReasonUnclassified is the failure reason of an error that is not a
// Failure anywhere in its chain; the loop treats it as transient.
const ReasonUnclassified = "unclassified"

// retryPolicy is what the loop does after a failed sync.
type retryPolicy struct {
	Reason string
	// Permanent: no retry on the backoff; the next sync is the schedule's
	// or a trigger's.
	Permanent bool
	// At is when the retry runs (transient failures).
	At time.Time
	// NotBefore holds every sync, triggered ones included, until then
	// (a rate limit's reset); zero when nothing is held.
	NotBefore time.Time
}

// classify maps err, the failures-th consecutive failure at now, to a
// retryPolicy: a permanent Failure waits for the schedule or a trigger; a
// Failure with a RetryAt holds every sync until then and retries no earlier
// than the backoff; anything else retries after the capped exponential
// backoff min·2^(failures-1) ≤ max.
func classify(err error, failures int, now time.Time, lo, hi time.Duration) retryPolicy {
	var f Failure
	if !errors.As(err, &f) {
		return retryPolicy{Reason: ReasonUnclassified, At: now.Add(backoff(failures, lo, hi))}
	}
	p := retryPolicy{Reason: f.Reason(), Permanent: f.Permanent()}
	if p.Reason == "" {
		p.Reason = ReasonUnclassified
	}
	if p.Permanent {
		return p
	}
	p.At = now.Add(backoff(failures, lo, hi))
	if at := f.RetryAt(); at.After(now) {
		p.NotBefore = at
		if at.After(p.At) {
			p.At = at
		}
	}
	return p
}

// backoff is lo·2^(failures-1), capped at hi.
func backoff(failures int, lo, hi time.Duration) time.Duration {
	d := lo
	for i := 1; i < failures; i++ {
		d *= 2
		if d >= hi || d <= 0 {
			return hi
		}
	}
	return min(d, hi)
}

package daemon

import (
	"errors"
	"time"
)

// retryPolicy says what to do after a failed sync: retry after Delay, or
// (Permanent) wait for the next schedule or trigger.
type retryPolicy struct {
	Delay     time.Duration
	Permanent bool
}

// classify applies the error's own classification when it has one
// (Transient() bool, RetryAfter() time.Duration, anywhere in its chain) to
// a capped exponential backoff for the failures-th consecutive failure.
func classify(err error, failures int, min, max time.Duration) retryPolicy {
	d := backoff(failures, min, max)
	var tr interface{ Transient() bool }
	if errors.As(err, &tr) && !tr.Transient() {
		return retryPolicy{Permanent: true}
	}
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) {
		if after := ra.RetryAfter(); after > d {
			d = after
		}
	}
	return retryPolicy{Delay: d}
}

// backoff is min·2^(failures-1), capped at max.
func backoff(failures int, min, max time.Duration) time.Duration {
	d := min
	for i := 1; i < failures; i++ {
		d *= 2
		if d >= max || d <= 0 {
			return max
		}
	}
	if d > max {
		return max
	}
	return d
}

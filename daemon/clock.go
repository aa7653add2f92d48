package daemon

import "time"

// Clock is the loop's time source. Tests pass a fake one so that
// schedules, backoffs and rate-limit waits run without sleeping.
type Clock interface {
	Now() time.Time
	// Until returns a channel that receives once the clock reaches t
	// (at once when it already has).
	Until(t time.Time) <-chan time.Time
}

// systemClock is the wall clock.
type systemClock struct{}

func (systemClock) Now() time.Time                     { return time.Now() }
func (systemClock) Until(t time.Time) <-chan time.Time { return time.After(time.Until(t)) }

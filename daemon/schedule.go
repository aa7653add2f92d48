package daemon

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// schedule gives the time of the next scheduled sync.
type schedule interface {
	// Next returns the first scheduled time after t.
	Next(t time.Time) time.Time
}

// every is a fixed interval.
type every time.Duration

func (e every) Next(t time.Time) time.Time { return t.Add(time.Duration(e)) }

// parseSchedule reads an interval ("1h", "15m") or a cron expression
// (standard five fields, or a descriptor such as "@hourly" / "@every 2h").
func parseSchedule(s string) (schedule, error) {
	s = strings.TrimSpace(s)
	if d, err := time.ParseDuration(s); err == nil {
		if d < time.Millisecond {
			return nil, fmt.Errorf("daemon: sync.schedule %q: interval must be at least 1ms", s)
		}
		return every(d), nil
	}
	sch, err := cron.ParseStandard(s)
	if err != nil {
		return nil, fmt.Errorf("daemon: sync.schedule %q is neither a duration nor a cron expression: %w", s, err)
	}
	return sch, nil
}

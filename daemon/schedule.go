package daemon

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// schedule gives the time of the next scheduled sync.
type schedule interface {
	// Next returns the first scheduled time after t; zero for none.
	Next(t time.Time) time.Time
}

// every is a fixed interval.
type every time.Duration

func (e every) Next(t time.Time) time.Time { return t.Add(time.Duration(e)) }

// never is ScheduleOff: no scheduled time.
type never struct{}

func (never) Next(time.Time) time.Time { return time.Time{} }

// MinInterval is the shortest interval schedule: a sync reads every source
// and may call GitHub dozens of times.
const MinInterval = time.Minute

// parseSchedule reads an interval ("1h", "15m"), a cron expression
// (standard five fields, or a descriptor such as "@hourly" / "@every 2h")
// or ScheduleOff.
func parseSchedule(s string) (schedule, error) {
	s = strings.TrimSpace(s)
	if s == ScheduleOff {
		return never{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d < MinInterval {
			return nil, &OptionError{Key: "sync.schedule", Msg: fmt.Sprintf("interval %s is shorter than %s", d, MinInterval)}
		}
		return every(d), nil
	}
	sch, err := cron.ParseStandard(s)
	if err != nil {
		return nil, &OptionError{Key: "sync.schedule", Msg: fmt.Sprintf("%q is neither a duration like 1h, a cron expression nor %q (%v)", s, ScheduleOff, err)}
	}
	return sch, nil
}

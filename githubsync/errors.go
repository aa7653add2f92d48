package githubsync

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// Sentinel errors callers test with errors.Is.
var (
	// ErrMassDeletion: publishing would delete more managed pathways than
	// allowed; nothing was written.
	ErrMassDeletion = errors.New("mass deletion refused")
	// ErrEmptyRepository: the repository has no commit yet.
	ErrEmptyRepository = errors.New("repository is empty")
	// ErrBaseBranchNotFound: the base branch does not exist.
	ErrBaseBranchNotFound = errors.New("base branch not found")
	// ErrPermission: the credentials lack a needed permission.
	ErrPermission = errors.New("permission denied")
	// ErrForeignBranch: the bot branch holds someone else's commit and no
	// open pull request; it is not overwritten.
	ErrForeignBranch = errors.New("bot branch holds commits not made by pathwaysync")
)

// Error is a failed GitHub operation, classified at the boundary.
type Error struct {
	Op        string        // e.g. "create tree"
	Status    int           // HTTP status, 0 when none
	Transient bool          // retrying later may succeed
	Wait      time.Duration // how long to wait before retrying, when known
	Reset     time.Time     // primary rate-limit reset, when known
	Hint      string        // what to do about it
	Err       error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	b.WriteString(": ")
	if e.Hint != "" {
		b.WriteString(e.Hint)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// IsTransient reports whether err may go away by retrying later (network
// trouble, 5xx, rate limits); false means stop and report.
func IsTransient(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Transient
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// RetryAfter returns how long to wait before retrying err, when known.
func RetryAfter(err error) (time.Duration, bool) {
	var e *Error
	if errors.As(err, &e) && e.Transient && (e.Wait > 0 || !e.Reset.IsZero()) {
		if !e.Reset.IsZero() {
			if d := time.Until(e.Reset); d > e.Wait {
				return d, true
			}
		}
		return e.Wait, true
	}
	return 0, false
}

const permHint = "the token needs contents: write and pull requests: write on the repository"

// classify turns a go-github error into an *Error.
func (c *Client) classify(op string, write bool, err error) error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	e := &Error{Op: op, Err: err}
	var (
		rle *github.RateLimitError
		are *github.AbuseRateLimitError
		er  *github.ErrorResponse
		ue  *url.Error
		ne  net.Error
	)
	switch {
	case errors.Is(err, context.Canceled):
	case errors.Is(err, context.DeadlineExceeded):
		e.Transient = true
	case errors.As(err, &rle):
		e.Status, e.Transient, e.Reset = http.StatusForbidden, true, rle.Rate.Reset.Time
		e.Wait = time.Until(e.Reset)
		e.Hint = "primary rate limit exhausted until " + e.Reset.UTC().Format(time.RFC3339)
	case errors.As(err, &are):
		e.Status, e.Transient, e.Wait = http.StatusForbidden, true, c.pol.secondaryFloor
		if are.RetryAfter != nil {
			e.Wait = *are.RetryAfter
		}
		e.Hint = "secondary rate limit, retry after " + e.Wait.String()
	case errors.As(err, &er) && er.Response != nil:
		e.Status = er.Response.StatusCode
		if rl := c.pol.rateLimit(er.Response); rl.limited {
			e.Transient, e.Wait, e.Reset = true, rl.wait, rl.reset
			e.Hint = "rate limited, retry after " + rl.wait.String()
			break
		}
		switch {
		case e.Status >= 500:
			e.Transient = true
		case e.Status == http.StatusUnauthorized:
			e.Err = fmt.Errorf("%w: %w", ErrPermission, err)
			e.Hint = "GitHub rejected the credentials (bad, expired or revoked token)"
		case e.Status == http.StatusForbidden || (write && e.Status == http.StatusNotFound):
			e.Err = fmt.Errorf("%w: %w", ErrPermission, err)
			e.Hint = permHint
		case e.Status == http.StatusConflict && strings.Contains(er.Message, "empty"):
			e.Err = fmt.Errorf("%w: %w", ErrEmptyRepository, err)
			e.Hint = "the repository has no commits: push an initial commit to the base branch first"
		}
	case errors.As(err, &ue), errors.As(err, &ne):
		e.Transient = true
	}
	return e
}

// call runs one API call, classifying its error. go-github v60 refuses
// calls locally until a remembered rate-limit reset; such a refusal is
// waited out once when the wait is within MaxRateWait.
func (c *Client) call(ctx context.Context, op string, write bool, fn func() (*github.Response, error)) error {
	run := fn
	if write {
		run = func() (r *github.Response, err error) {
			werr := c.write(ctx, func() error { r, err = fn(); return nil })
			if werr != nil {
				return nil, werr
			}
			return r, err
		}
	}
	for attempt := 0; ; attempt++ {
		_, err := run()
		if err == nil {
			return nil
		}
		if attempt == 0 {
			var wait time.Duration
			local := false
			var rle *github.RateLimitError
			var are *github.AbuseRateLimitError
			if errors.As(err, &rle) && strings.Contains(rle.Message, "not making remote request") {
				local, wait = true, time.Until(rle.Rate.Reset.Time)
			} else if errors.As(err, &are) && strings.Contains(are.Message, "not making remote request") && are.RetryAfter != nil {
				local, wait = true, *are.RetryAfter
			}
			if local && c.pol.maxRateWait >= 0 && wait <= c.pol.maxRateWait {
				if serr := sleep(ctx, wait+c.pol.waitMin); serr != nil {
					return c.classify(op, write, serr)
				}
				continue
			}
		}
		return c.classify(op, write, err)
	}
}

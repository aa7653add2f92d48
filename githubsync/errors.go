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
	// ErrBadCredentials: GitHub rejected the credentials themselves (bad,
	// expired or revoked); errors.Is also matches ErrPermission.
	ErrBadCredentials = fmt.Errorf("bad credentials: %w", ErrPermission)
	// ErrForeignBranch: the bot branch holds someone else's commit and no
	// open pull request; it is not overwritten.
	ErrForeignBranch = errors.New("bot branch holds commits not made by pathwaysync")
	// ErrInvalidTree: the files given to Publish cannot be published as
	// they are (unclean path, file/folder clash, missing or bad manifest).
	ErrInvalidTree = errors.New("invalid generated tree")
	// ErrTreeTooLarge: GitHub truncated the listing of the managed folder,
	// so it cannot be compared safely.
	ErrTreeTooLarge = errors.New("managed folder too large to list")
	// ErrBranchConflict: the bot branch is the base branch.
	ErrBranchConflict = errors.New("bot branch is the base branch")
)

// Reasons name failure classes for logs, metrics and the daemon's retry
// decision; Error.Reason returns one of them.
const (
	ReasonTransient       = "transient"         // network trouble, 5xx, timeouts: retry with backoff
	ReasonRateLimited     = "rate_limited"      // primary or secondary rate limit: retry at RetryAt
	ReasonConcurrent      = "concurrent_change" // the repository kept changing during the sync
	ReasonCanceled        = "canceled"          // the caller's context ended
	ReasonBadCredentials  = "bad_credentials"
	ReasonPermission      = "permission"
	ReasonMassDeletion    = "mass_deletion"
	ReasonForeignBranch   = "foreign_branch"
	ReasonEmptyRepository = "empty_repository"
	ReasonBaseNotFound    = "base_branch_not_found"
	ReasonInvalidTree     = "invalid_tree"
	ReasonTreeTooLarge    = "tree_too_large"
	ReasonBranchConflict  = "branch_conflict"
	ReasonUnknown         = "error" // unclassified: not known to be permanent
)

// permanent maps each sentinel whose condition only a person can change
// to its reason, most specific first.
var permanent = []struct {
	err    error
	reason string
}{
	{ErrBadCredentials, ReasonBadCredentials},
	{ErrPermission, ReasonPermission},
	{ErrMassDeletion, ReasonMassDeletion},
	{ErrForeignBranch, ReasonForeignBranch},
	{ErrEmptyRepository, ReasonEmptyRepository},
	{ErrBaseBranchNotFound, ReasonBaseNotFound},
	{ErrInvalidTree, ReasonInvalidTree},
	{ErrTreeTooLarge, ReasonTreeTooLarge},
	{ErrBranchConflict, ReasonBranchConflict},
}

// Error is a failed GitHub operation, classified at the boundary.
type Error struct {
	Op        string        // e.g. "create tree"
	Status    int           // HTTP status, 0 when none
	Transient bool          // retrying later may succeed
	Wait      time.Duration // how long to wait before retrying, when known
	Reset     time.Time     // primary rate-limit reset, when known
	Hint      string        // what to do about it
	Err       error

	retryAt time.Time // set by classify: when a rate-limited request may succeed
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

// Reason is a short snake_case class of the failure (the Reason*
// constants): one of the permanent classes when Err matches its sentinel,
// else rate_limited, concurrent_change, transient, canceled or error.
func (e *Error) Reason() string {
	for _, p := range permanent {
		if errors.Is(e.Err, p.err) {
			return p.reason
		}
	}
	switch {
	case e.Transient && (e.Wait > 0 || !e.Reset.IsZero()):
		return ReasonRateLimited
	case e.Transient && errors.Is(e.Err, errResync):
		return ReasonConcurrent
	case e.Transient:
		return ReasonTransient
	case errors.Is(e.Err, context.Canceled):
		return ReasonCanceled
	}
	return ReasonUnknown
}

// Permanent reports whether retrying without a person changing something
// (token, permissions, sources, the branch, the options) fails again. An
// unclassified error is not permanent: retrying it is the safe default.
func (e *Error) Permanent() bool {
	if e.Transient {
		return false
	}
	for _, p := range permanent {
		if errors.Is(e.Err, p.err) {
			return true
		}
	}
	return false
}

// RetryAt is the earliest time a retry may succeed (a rate limit's reset
// or Retry-After), zero when unknown or not transient.
func (e *Error) RetryAt() time.Time {
	if !e.Transient {
		return time.Time{}
	}
	if !e.retryAt.IsZero() {
		return e.retryAt
	}
	return e.Reset
}

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
		e.retryAt = e.Reset
		e.Hint = "primary rate limit exhausted until " + e.Reset.UTC().Format(time.RFC3339)
	case errors.As(err, &are):
		e.Status, e.Transient, e.Wait = http.StatusForbidden, true, c.pol.secondaryFloor
		if are.RetryAfter != nil {
			e.Wait = *are.RetryAfter
		}
		e.retryAt = c.pol.now().Add(e.Wait)
		e.Hint = "secondary rate limit, retry after " + e.Wait.String()
	case errors.As(err, &er) && er.Response != nil:
		e.Status = er.Response.StatusCode
		if rl := c.pol.rateLimit(er.Response); rl.limited {
			e.Transient, e.Wait, e.Reset = true, rl.wait, rl.reset
			e.retryAt = c.pol.now().Add(rl.wait)
			e.Hint = "rate limited, retry after " + rl.wait.String()
			break
		}
		switch {
		case e.Status >= 500:
			e.Transient = true
		case e.Status == http.StatusUnauthorized:
			e.Err = fmt.Errorf("%w: %w", ErrBadCredentials, err)
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

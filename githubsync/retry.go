package githubsync

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// policy is the GitHub-aware retry policy: 5xx and network errors back off
// exponentially (capped); a primary rate limit waits until its reset and a
// secondary one for Retry-After (else at least secondaryFloor), both only
// when the wait is at most maxRateWait; other 4xx are final.
type policy struct {
	waitMin, waitMax time.Duration
	secondaryFloor   time.Duration
	maxRateWait      time.Duration
	now              func() time.Time
}

func newPolicy(o ClientOptions) *policy {
	p := &policy{waitMin: o.retryWaitMin, waitMax: o.retryWaitMax, secondaryFloor: o.secondaryFloor,
		maxRateWait: o.MaxRateWait, now: time.Now}
	if p.waitMin == 0 {
		p.waitMin = time.Second
	}
	if p.waitMax == 0 {
		p.waitMax = 30 * time.Second
	}
	if p.secondaryFloor == 0 {
		p.secondaryFloor = 60 * time.Second
	}
	if p.maxRateWait == 0 {
		p.maxRateWait = time.Minute
	}
	return p
}

// rateLimit tells whether resp is a rate-limit answer and how long to wait.
// primary reports an exhausted primary limit (reset is then set).
type rateLimit struct {
	limited, primary bool
	wait             time.Duration
	reset            time.Time
}

func (p *policy) rateLimit(resp *http.Response) rateLimit {
	if resp == nil || (resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests) {
		return rateLimit{}
	}
	h := resp.Header
	if d, ok := retryAfter(h.Get("Retry-After"), p.now()); ok {
		return rateLimit{limited: true, wait: d}
	}
	if h.Get("X-RateLimit-Remaining") == "0" {
		if sec, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			reset := time.Unix(sec, 0)
			wait := reset.Sub(p.now())
			if wait < 0 {
				wait = 0
			}
			return rateLimit{limited: true, primary: true, wait: wait + p.waitMin, reset: reset}
		}
	}
	if resp.StatusCode == http.StatusTooManyRequests || bytes.Contains(bytes.ToLower(peekBody(resp)), []byte("secondary rate limit")) {
		return rateLimit{limited: true, wait: p.secondaryFloor}
	}
	return rateLimit{}
}

func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// peekedBody is a response body that was read ahead; it remembers the
// bytes so the retry policy can look at them again after retryablehttp
// drained the body.
type peekedBody struct {
	io.Reader
	io.Closer
	data []byte
}

// peekBody returns up to 64 KiB of the body, leaving the body readable.
func peekBody(resp *http.Response) []byte {
	if pb, ok := resp.Body.(*peekedBody); ok {
		return pb.data
	}
	if resp.Body == nil {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body = &peekedBody{Reader: io.MultiReader(bytes.NewReader(b), resp.Body), Closer: resp.Body, data: b}
	return b
}

func (p *policy) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		if ctx.Value(noBlindRetry{}) != nil {
			return false, nil
		}
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	if rl := p.rateLimit(resp); rl.limited {
		return p.maxRateWait >= 0 && rl.wait <= p.maxRateWait, nil
	}
	if ctx.Value(noBlindRetry{}) != nil && (resp.StatusCode == 0 || resp.StatusCode >= 500) {
		return false, nil
	}
	if (resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusGatewayTimeout) && ctx.Value(noServerRetry{}) != nil {
		return false, nil
	}
	if resp.StatusCode == 0 || (resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented) {
		return true, nil
	}
	return false, nil
}

func (p *policy) backoff(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
	if rl := p.rateLimit(resp); rl.limited {
		return rl.wait
	}
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), p.now()); ok && d <= max {
			return d
		}
	}
	d := min
	for i := 0; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d
}

// noServerRetry marks a request context whose 502 and 504 answers are
// returned rather than retried: the caller answers them otherwise.
type noServerRetry struct{}

func withoutServerRetry(ctx context.Context) context.Context {
	return context.WithValue(ctx, noServerRetry{}, true)
}

// noBlindRetry marks a request context whose uncertain failures (no
// answer, or a 5xx: GitHub may have done the write) are returned rather
// than retried, for a write that must not happen twice; the caller finds
// out whether it happened. Rate limits, which refuse the request, are
// still waited out.
type noBlindRetry struct{}

func withoutBlindRetry(ctx context.Context) context.Context {
	return context.WithValue(ctx, noBlindRetry{}, true)
}

package source

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// newHTTPClient returns the default client for URL sources: a retryablehttp
// StandardClient that retries transient failures and hands the last
// response back (so errors can name its status) instead of a generic error.
// Its own logging is off (it would print credential-bearing query strings);
// retries are logged here with the redacted URL.
func newHTTPClient(logger *slog.Logger) *http.Client {
	c := retryablehttp.NewClient()
	c.Logger = nil
	c.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, attempt int) {
		if attempt > 0 {
			logger.Debug("retrying source fetch", "source", redact(req.URL.String()), "attempt", attempt)
		}
	}
	c.RetryMax = 3
	c.RetryWaitMin = 500 * time.Millisecond
	c.RetryWaitMax = 10 * time.Second
	c.ErrorHandler = retryablehttp.PassthroughErrorHandler
	return c.StandardClient()
}

// oneResultClient returns a copy of c whose transport never hands back a
// response together with an error. retryablehttp does so on a redirect
// loop (PassthroughErrorHandler returns both), and net/http then prints
// "RoundTripper returned a response & error; ignoring response" with the
// standard logger, outside the structured log. The error is kept; the
// response is closed and noted at debug level.
func oneResultClient(c *http.Client, logger *slog.Logger) *http.Client {
	if _, ok := c.Transport.(oneResult); ok {
		return c
	}
	cc := *c
	cc.Transport = oneResult{base: c.Transport, logger: logger}
	return &cc
}

// oneResult is a RoundTripper that returns a response or an error, never both.
type oneResult struct {
	base   http.RoundTripper // nil means http.DefaultTransport
	logger *slog.Logger
}

func (t oneResult) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil && resp != nil {
		if resp.Body != nil {
			resp.Body.Close()
		}
		t.logger.Debug("source fetch failed after a response; response dropped",
			"source", redact(req.URL.String()), "status", resp.StatusCode)
		return nil, err
	}
	return resp, err
}

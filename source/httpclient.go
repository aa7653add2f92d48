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

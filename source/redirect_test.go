package source

import (
	"bytes"
	"context"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/go-retryablehttp"
)

// TestRedirectLoopLogsNothingStray: a source URL that redirects to itself
// fails with an error saying so, and net/http's "RoundTripper returned a
// response & error" line is not printed to the standard logger; the
// dropped response is noted in the structured log instead.
func TestRedirectLoopLogsNothingStray(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	callers := func() *http.Client { // as cmd builds its shared client
		rc := retryablehttp.NewClient()
		rc.Logger = nil
		rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
		return rc.StandardClient()
	}
	for name, client := range map[string]*http.Client{"default client": nil, "caller's client": callers()} {
		t.Run(name, func(t *testing.T) {
			var std, structured bytes.Buffer
			defer log.SetOutput(log.Writer())
			log.SetOutput(&std)
			logger := slog.New(slog.NewTextHandler(&structured, &slog.HandlerOptions{Level: slog.LevelDebug}))
			_, _, err := Load(context.Background(), []string{srv.URL + "/loop.txt"}, Options{HTTPClient: client, Logger: logger})
			if err == nil || !strings.Contains(err.Error(), "redirects") || !strings.Contains(err.Error(), "/loop.txt") {
				t.Errorf("error %v, want one naming the URL and the redirects", err)
			}
			if std.Len() > 0 {
				t.Errorf("standard logger printed %q", std.String())
			}
			if !strings.Contains(structured.String(), "response dropped") {
				t.Errorf("structured log has no note of the dropped response:\n%s", structured.String())
			}
		})
	}
}

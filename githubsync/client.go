package githubsync

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v60/github"
	"github.com/hashicorp/go-retryablehttp"
)

// DefaultAPIURL is the public GitHub API.
const DefaultAPIURL = "https://api.github.com/"

// RequestInfo describes one HTTP request attempt, for metrics.
type RequestInfo struct {
	Method        string
	Route         string // templated, e.g. "GET /repos/{owner}/{repo}/git/trees/{sha}"
	Status        int    // 0 when no response arrived
	RateRemaining int    // -1 when unknown
	Duration      time.Duration
}

// ClientOptions configure NewClient. Set Token, or AppID, InstallationID
// and PrivateKey.
type ClientOptions struct {
	APIURL         string // default DefaultAPIURL; GitHub Enterprise Server "https://HOST/api/v3/"
	Token          string // PAT or fine-grained token
	AppID          int64
	InstallationID int64
	PrivateKey     []byte // PEM RSA key of the GitHub App
	UserAgent      string // default "pathwaysync"
	Logger         *slog.Logger
	Observe        func(RequestInfo) // called after every attempt; may be nil
	RetryMax       int               // retries per request; 0 means 4, negative none
	// MaxRateWait bounds how long a rate-limited request waits for the
	// limit to reset before failing with the reset time; 0 means one
	// minute, negative never waits.
	MaxRateWait time.Duration

	// Test hooks (zero means the production default).
	retryWaitMin   time.Duration // 1s
	retryWaitMax   time.Duration // 30s
	secondaryFloor time.Duration // 60s: wait on a secondary limit without Retry-After
	attemptTimeout time.Duration // 30s per attempt
	writePause     time.Duration // 1s between writes, except against loopback; negative none
	serverTimeout  time.Duration // 10s: how long after it was sent a request may still be processed
}

// String describes the options without secrets, so printing them cannot
// leak a token or key.
func (o ClientOptions) String() string {
	auth := "token"
	if o.Token == "" {
		auth = fmt.Sprintf("app %d installation %d", o.AppID, o.InstallationID)
	}
	return fmt.Sprintf("github client %s (%s, credentials redacted)", o.APIURL, auth)
}

// GoString is String, for %#v.
func (o ClientOptions) GoString() string { return o.String() }

// Client is an authenticated GitHub API client with a GitHub-aware retry
// policy; it is safe for concurrent use and sends writes one at a time.
type Client struct {
	gh       *github.Client
	log      *slog.Logger
	pol      *policy
	htmlBase string

	writeMu    sync.Mutex
	lastWrite  time.Time
	writePause time.Duration

	blobs folderBlobs // ReadFolder's contents by blob SHA

	// retries is how often a request is retried; serverTimeout how long
	// after it was sent GitHub may still be processing it ("If GitHub
	// takes more than 10 seconds to process an API request, GitHub will
	// terminate the request", REST API troubleshooting, Timeouts).
	retries       int
	serverTimeout time.Duration
}

// NewClient builds the one HTTP stack every GitHub call goes through:
// go-github v60 over go-retryablehttp's StandardClient, with an optional
// GitHub App installation transport under the retries.
func NewClient(o ClientOptions) (*Client, error) {
	if o.APIURL == "" {
		o.APIURL = DefaultAPIURL
	}
	if err := ValidateAPIURL(o.APIURL); err != nil {
		return nil, fmt.Errorf("new client: api url %w", err)
	}
	api, err := url.Parse(o.APIURL)
	if err != nil {
		return nil, fmt.Errorf("new client: api url: %w", err)
	}
	if !strings.HasSuffix(api.Path, "/") {
		api.Path += "/"
	}
	app := o.AppID != 0 || o.InstallationID != 0 || len(o.PrivateKey) > 0
	switch {
	case app && o.Token != "":
		return nil, fmt.Errorf("new client: set either a token or a GitHub App, not both")
	case app && (o.AppID == 0 || o.InstallationID == 0 || len(o.PrivateKey) == 0):
		return nil, fmt.Errorf("new client: a GitHub App needs app id, installation id and private key")
	case !app && o.Token == "":
		return nil, fmt.Errorf("new client: no token and no GitHub App configured")
	}
	if o.UserAgent == "" {
		o.UserAgent = "pathwaysync"
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	pol := newPolicy(o)
	c := &Client{log: log, pol: pol, htmlBase: htmlBase(api), writePause: o.writePause}
	if c.writePause == 0 && !isLoopback(api.Hostname()) {
		c.writePause = time.Second
	}

	base := http.DefaultTransport.(*http.Transport).Clone()
	var tr http.RoundTripper = &observer{next: base, ua: o.UserAgent, observe: o.Observe, log: log, prefix: api.Path}
	if app {
		itr, err := ghinstallation.New(tr, o.AppID, o.InstallationID, o.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("new client: github app key: %w", err)
		}
		itr.BaseURL = strings.TrimRight(api.String(), "/")
		tr = itr
	}
	timeout := o.attemptTimeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	rc := retryablehttp.NewClient()
	rc.HTTPClient = &http.Client{Transport: tr, Timeout: timeout}
	rc.Logger = nil
	rc.RetryMax = o.RetryMax
	if rc.RetryMax == 0 {
		rc.RetryMax = 4
	} else if rc.RetryMax < 0 {
		rc.RetryMax = 0
	}
	c.retries, c.serverTimeout = rc.RetryMax, o.serverTimeout
	if c.serverTimeout == 0 {
		c.serverTimeout = 10 * time.Second
	}
	rc.RetryWaitMin, rc.RetryWaitMax = pol.waitMin, pol.waitMax
	rc.CheckRetry = pol.checkRetry
	rc.Backoff = pol.backoff
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler

	gh := github.NewClient(rc.StandardClient())
	if o.Token != "" {
		gh = gh.WithAuthToken(o.Token)
	}
	gh.BaseURL = api
	gh.UploadURL = api
	gh.UserAgent = o.UserAgent
	c.gh = gh
	return c, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// htmlBase derives the web URL from the API URL: api.github.com →
// github.com, https://HOST/api/v3/ → https://HOST.
func htmlBase(api *url.URL) string {
	host := strings.TrimPrefix(api.Host, "api.")
	path := strings.TrimSuffix(strings.TrimSuffix(api.Path, "/"), "/api/v3")
	return api.Scheme + "://" + host + path
}

// write runs fn as a write: one at a time per Client, paced.
func (c *Client) write(ctx context.Context, fn func() error) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if c.writePause > 0 && !c.lastWrite.IsZero() {
		if d := c.writePause - time.Since(c.lastWrite); d > 0 {
			if err := sleep(ctx, d); err != nil {
				return err
			}
		}
	}
	defer func() { c.lastWrite = time.Now() }()
	return fn()
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

type counterKey struct{}

// counter counts requests made on behalf of one Publish.
type counter struct {
	mu              sync.Mutex
	requests, write int
}

func withCounter(ctx context.Context) (context.Context, *counter) {
	c := &counter{}
	return context.WithValue(ctx, counterKey{}, c), c
}

func (c *counter) get() (int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requests, c.write
}

// observer reports every attempt and sets the user agent; it never logs
// headers, so tokens stay out of logs.
type observer struct {
	next    http.RoundTripper
	ua      string
	observe func(RequestInfo)
	log     *slog.Logger
	prefix  string
}

func (o *observer) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("User-Agent") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", o.ua)
	}
	start := time.Now()
	resp, err := o.next.RoundTrip(req)
	info := RequestInfo{Method: req.Method, Route: routeOf(req.Method, req.URL.Path, o.prefix), RateRemaining: -1, Duration: time.Since(start)}
	if resp != nil {
		info.Status = resp.StatusCode
		if v, perr := strconv.Atoi(resp.Header.Get("X-RateLimit-Remaining")); perr == nil {
			info.RateRemaining = v
		}
	}
	if c, ok := req.Context().Value(counterKey{}).(*counter); ok {
		c.mu.Lock()
		c.requests++
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			c.write++
		}
		c.mu.Unlock()
	}
	if o.observe != nil {
		o.observe(info)
	}
	o.log.Debug("github request", "method", info.Method, "route", info.Route, "status", info.Status,
		"rate_remaining", info.RateRemaining, "duration", info.Duration)
	return resp, err
}

// routeOf templates an API path so metrics have bounded cardinality.
func routeOf(method, path, prefix string) string {
	path = "/" + strings.TrimPrefix(strings.TrimPrefix(path, strings.TrimSuffix(prefix, "/")), "/")
	seg := strings.Split(strings.Trim(path, "/"), "/")
	out := []string{}
	switch {
	case len(seg) >= 3 && seg[0] == "repos":
		out = append(out, "repos", "{owner}", "{repo}")
		rest := seg[3:]
		if len(rest) > 0 {
			switch rest[0] {
			case "branches":
				out = append(out, "branches", "{branch}")
			case "git":
				if len(rest) >= 2 {
					out = append(out, "git", rest[1])
					if len(rest) >= 3 {
						switch rest[1] {
						case "ref", "refs":
							out = append(out, "{ref}")
						default:
							out = append(out, "{sha}")
						}
					}
				}
			case "pulls", "issues":
				out = append(out, rest[0])
				if len(rest) >= 2 {
					out = append(out, "{number}")
					out = append(out, rest[2:]...)
				}
			default:
				out = append(out, rest[0])
			}
		}
	case len(seg) == 4 && seg[0] == "app" && seg[1] == "installations":
		out = append(out, "app", "installations", "{id}", seg[3])
	default:
		out = seg
	}
	return method + " /" + strings.Join(out, "/")
}

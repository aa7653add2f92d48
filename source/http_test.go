package source

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// page is what a test server answers on one path.
type page struct {
	status       int    // 0 means 200
	body         string // sent with 200
	etag         string
	lastModified string
	noLength     bool // stream the body without Content-Length
	retryAfter   string
}

// hit records one request a test server answered.
type hit struct {
	path, ifNoneMatch, ifModifiedSince, userAgent, authorization string
	status, bodyBytes                                            int
}

// server is an httptest server whose pages can change between loads; it
// honours If-None-Match and If-Modified-Since like a static file host.
type server struct {
	*httptest.Server
	mu    sync.Mutex
	pages map[string]page
	hits  []hit
}

func newServer(t testing.TB, pages map[string]page) *server {
	s := &server{pages: pages}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *server) set(path string, p page) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[path] = p
}

func (s *server) takeHits() []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hits
	s.hits = nil
	return h
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p, ok := s.pages[r.URL.Path]
	s.mu.Unlock()
	h := hit{
		path: r.URL.Path, ifNoneMatch: r.Header.Get("If-None-Match"),
		ifModifiedSince: r.Header.Get("If-Modified-Since"),
		userAgent:       r.Header.Get("User-Agent"), authorization: r.Header.Get("Authorization"),
	}
	defer func() {
		s.mu.Lock()
		s.hits = append(s.hits, h)
		s.mu.Unlock()
	}()
	switch {
	case !ok:
		h.status = http.StatusNotFound
	case p.status != 0:
		h.status = p.status
	case p.etag != "" && h.ifNoneMatch == p.etag,
		p.etag == "" && p.lastModified != "" && h.ifModifiedSince == p.lastModified:
		h.status = http.StatusNotModified
	default:
		h.status = http.StatusOK
	}
	if p.etag != "" {
		w.Header().Set("ETag", p.etag)
	}
	if p.lastModified != "" {
		w.Header().Set("Last-Modified", p.lastModified)
	}
	if p.retryAfter != "" {
		w.Header().Set("Retry-After", p.retryAfter)
	}
	if h.status != http.StatusOK {
		w.WriteHeader(h.status)
		return
	}
	if !p.noLength {
		w.Header().Set("Content-Length", strconv.Itoa(len(p.body)))
	}
	w.WriteHeader(http.StatusOK)
	if p.noLength {
		w.(http.Flusher).Flush()
	}
	n, _ := w.Write([]byte(p.body))
	h.bodyBytes = n
}

// authTransport adds an Authorization header, like cmd's client may.
type authTransport struct{ token string }

func (a authTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+a.token)
	return http.DefaultTransport.RoundTrip(r)
}

func TestLoadURL(t *testing.T) {
	big := doc("Junior Big", "Senior Big") + "# " + strings.Repeat("x", 300) + "\n"
	srv := newServer(t, map[string]page{
		"/p.yaml":       {body: doc("Junior Tester", "Senior Tester")},
		"/learn/page":   {body: "Junior Web Worker to Senior Web Worker\n\n🕑 6-12 months Web\n\nA page served without an extension.\n"},
		"/big.yaml":     {body: big},
		"/chunked.yaml": {body: big, noLength: true},
		"/gone.yaml":    {status: http.StatusGone},
		"/down.yaml":    {status: http.StatusServiceUnavailable},
	})
	tests := []struct {
		name    string
		specs   []string
		client  *http.Client
		max     int64
		want    []string
		wantIs  error
		wantErr []string
	}{
		{name: "yaml", specs: []string{srv.URL + "/p.yaml"}, want: []string{"Junior Tester to Senior Tester"}},
		{name: "sniffed", specs: []string{srv.URL + "/learn/page"}, want: []string{"Junior Web Worker to Senior Web Worker"}},
		{
			name:  "url and file together, spec order",
			specs: []string{srv.URL + "/learn/page", srv.URL + "/p.yaml"},
			want:  []string{"Junior Web Worker to Senior Web Worker", "Junior Tester to Senior Tester"},
		},
		{name: "status", specs: []string{srv.URL + "/gone.yaml"}, wantErr: []string{srv.URL + "/gone.yaml", "410 Gone"}},
		{name: "token in the query", specs: []string{srv.URL + "/nope.yaml?ref=main&token=hunter2"}, wantErr: []string{"/nope.yaml?ref=main&token=xxxxx", "404"}},
		{name: "missing", specs: []string{srv.URL + "/nope.yaml"}, wantErr: []string{srv.URL + "/nope.yaml", "404"}},
		{
			name:    "status with a token in the transport and a password in the URL",
			specs:   []string{strings.Replace(srv.URL, "http://", "http://bot:hunter2@", 1) + "/down.yaml"},
			client:  &http.Client{Transport: authTransport{token: "s3cr3t-token"}},
			wantErr: []string{"http://xxxxx@127.0.0.1", "/down.yaml", "503"},
		},
		{name: "size limit from Content-Length", specs: []string{srv.URL + "/big.yaml"}, max: 100, wantIs: ErrTooLarge, wantErr: []string{srv.URL + "/big.yaml", "100 bytes"}},
		{name: "size limit while reading", specs: []string{srv.URL + "/chunked.yaml"}, max: 100, wantIs: ErrTooLarge, wantErr: []string{srv.URL + "/chunked.yaml", "100 bytes"}},
		{name: "unreachable", specs: []string{"http://127.0.0.1:1/p.yaml"}, client: &http.Client{}, wantErr: []string{"http://127.0.0.1:1/p.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, _, err := Load(t.Context(), tt.specs, Options{MaxBytes: tt.max, HTTPClient: tt.client, UserAgent: "pathwaysync-test"})
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v, want errors.Is %v", err, tt.wantIs)
			}
			wantErr(t, err, tt.wantErr...)
			if err != nil {
				for _, secret := range []string{"hunter2", "s3cr3t-token"} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("error %q leaks %q", err, secret)
					}
				}
				return
			}
			if got := titles(ps); !slices.Equal(got, tt.want) {
				t.Errorf("titles = %q, want %q", got, tt.want)
			}
		})
	}
	for _, h := range srv.takeHits() {
		if h.userAgent != "pathwaysync-test" {
			t.Errorf("%s: User-Agent %q, want pathwaysync-test", h.path, h.userAgent)
		}
	}
}

func TestStatusError(t *testing.T) {
	srv := newServer(t, map[string]page{"/x.yaml": {status: http.StatusForbidden}})
	_, _, err := Load(t.Context(), []string{srv.URL + "/x.yaml"}, Options{})
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != http.StatusForbidden || se.URL != srv.URL+"/x.yaml" {
		t.Fatalf("error %v, want *StatusError 403 for %s", err, srv.URL+"/x.yaml")
	}
}

func TestDefaultClientRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(doc("Junior Tester", "Senior Tester")))
	}))
	defer srv.Close()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	spec := strings.Replace(srv.URL, "http://", "http://bot:hunter2@", 1) + "/p.yaml?token=s3cr3t"
	ps, _, err := Load(t.Context(), []string{spec}, Options{Logger: logger})
	wantErr(t, err)
	if !strings.Contains(logs.String(), "retrying source fetch") {
		t.Errorf("no retry logged:\n%s", logs.String())
	}
	for _, secret := range []string{"hunter2", "s3cr3t"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("logs leak %q:\n%s", secret, logs.String())
		}
	}
	if calls.Load() != 2 || len(ps) != 1 {
		t.Fatalf("calls = %d, pathways = %d; want a retry then one pathway", calls.Load(), len(ps))
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://example.com/p.yaml", "https://example.com/p.yaml"},
		{"https://user:pw@example.com/p.yaml", "https://xxxxx@example.com/p.yaml"},
		{"https://token@example.com/p.yaml", "https://xxxxx@example.com/p.yaml"},
		{"https://u:p w%zz@example.com/p", "https://xxxxx@example.com/p"},
		{"ftp://a:b@host/x", "ftp://xxxxx@host/x"},
		{"https://h/p.yaml?ref=main&token=abc&X-Amz-Signature=def", "https://h/p.yaml?ref=main&token=xxxxx&X-Amz-Signature=xxxxx"},
		{"https://h/p?api_key=abc#frag", "https://h/p?api_key=xxxxx#frag"},
		{"https://u:p%zz@h/p?access_token=abc&page=2", "https://xxxxx@h/p?access_token=xxxxx&page=2"},
	}
	for _, tt := range tests {
		if got := redact(tt.in); got != tt.want {
			t.Errorf("redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

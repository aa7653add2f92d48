package githubsync

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/pathwaysync/pathwaysync/internal/ghemu"
)

const treeRoute = "GET /repos/{owner}/{repo}/git/trees/{sha}"

func Test502OnTreeCall(t *testing.T) {
	v := newEnv(t)
	v.e.Inject(ghemu.Fault{Route: treeRoute, Times: 2, Kind: ghemu.FaultStatus, Status: 502})
	res := v.publish(v.publisher(nil), tree(2, 0))
	if res.Action != "created" || v.e.Stats().ByRoute[treeRoute] != 3 {
		t.Errorf("result %+v, tree requests %d", res.Action, v.e.Stats().ByRoute[treeRoute])
	}
	v.checkBranch("pathwaysync/update", "main", tree(2, 0))

	v.e.Inject(ghemu.Fault{Route: treeRoute, Times: 10, Kind: ghemu.FaultStatus, Status: 502})
	c := v.client(func(o *ClientOptions) { o.RetryMax = 2 })
	_, err := v.publisher(c).Publish(context.Background(), tree(2, 1))
	var e *Error
	if !IsTransient(err) || !errors.As(err, &e) || e.Status != 502 {
		t.Errorf("persistent 502: %v", err)
	}
}

func TestHangsAndDroppedConnections(t *testing.T) {
	v := newEnv(t)
	c := v.client(func(o *ClientOptions) { o.attemptTimeout = 300 * time.Millisecond })
	v.e.Inject(ghemu.Fault{Route: treeRoute, Kind: ghemu.FaultHang, Hang: 5 * time.Second})
	v.e.Inject(ghemu.Fault{Route: "GET /repos/{owner}/{repo}/pulls", Kind: ghemu.FaultDrop})
	res := v.publish(v.publisher(c), tree(2, 0))
	if res.Action != "created" {
		t.Errorf("result %+v", res)
	}
	if s := v.e.Stats(); s.ByRoute[treeRoute] != 2 {
		t.Errorf("tree requests %d, want a retry after the hang", s.ByRoute[treeRoute])
	}
	// A cancelled context stops at once and is not transient.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := v.publisher(c).Publish(ctx, tree(2, 1)); err == nil || IsTransient(err) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestSecondaryRateLimit(t *testing.T) {
	for _, tc := range []struct {
		name       string
		retryAfter string
		minWait    time.Duration
	}{
		{"with Retry-After", "1", time.Second},
		{"without Retry-After", "", 30 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := newEnv(t)
			v.e.Inject(ghemu.Fault{Route: "POST /repos/{owner}/{repo}/git/commits", Kind: ghemu.FaultSecondaryLimit, RetryAfter: tc.retryAfter})
			start := time.Now()
			res := v.publish(v.publisher(nil), tree(1, 0))
			if res.Action != "created" || time.Since(start) < tc.minWait {
				t.Errorf("result %s after %v", res.Action, time.Since(start))
			}
			if n := v.e.Stats().ByRoute["POST /repos/{owner}/{repo}/git/commits"]; n != 2 {
				t.Errorf("%d commit requests", n)
			}
		})
	}
	t.Run("too long to wait", func(t *testing.T) {
		v := newEnv(t)
		v.e.Inject(ghemu.Fault{Route: "POST /repos/{owner}/{repo}/git/trees", Kind: ghemu.FaultSecondaryLimit, RetryAfter: "3600"})
		c := v.client(func(o *ClientOptions) { o.MaxRateWait = time.Second })
		_, err := v.publisher(c).Publish(context.Background(), tree(1, 0))
		d, ok := RetryAfter(err)
		if !IsTransient(err) || !ok || d != time.Hour {
			t.Errorf("error %v, retry after %v %v", err, d, ok)
		}
	})
}

func TestPrimaryRateLimit(t *testing.T) {
	v := newEnv(t)
	v.e.Inject(ghemu.Fault{Route: "GET /repos/{owner}/{repo}/pulls", Kind: ghemu.FaultPrimaryLimit, ResetIn: time.Second})
	if res := v.publish(v.publisher(nil), tree(1, 0)); res.Action != "created" {
		t.Errorf("short reset: %+v", res)
	}
	v.e.Inject(ghemu.Fault{Route: "GET /repos/{owner}/{repo}/branches/{branch}", Kind: ghemu.FaultPrimaryLimit, ResetIn: 2 * time.Hour})
	start := time.Now()
	_, err := v.publisher(nil).Publish(context.Background(), tree(1, 1))
	d, ok := RetryAfter(err)
	if !IsTransient(err) || !ok || d < time.Hour || !strings.Contains(err.Error(), "primary rate limit exhausted until") {
		t.Errorf("long reset: %v (retry after %v)", err, d)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("waited %v for a reset beyond MaxRateWait", time.Since(start))
	}
}

// TestTokenNeverLeaks runs fault scenarios and checks that the token shows
// up in no error and no log line.
func TestTokenNeverLeaks(t *testing.T) {
	v := newEnv(t)
	var errs []error
	run := func(c *Client, f *ghemu.Fault) {
		if f != nil {
			v.e.Inject(*f)
		}
		_, err := v.publisher(c).Publish(context.Background(), tree(2, len(errs)))
		errs = append(errs, err)
	}
	c := v.client(func(o *ClientOptions) { o.RetryMax = 1; o.MaxRateWait = 10 * time.Millisecond })
	run(c, &ghemu.Fault{Route: treeRoute, Times: 5, Kind: ghemu.FaultStatus, Status: 500})
	run(c, &ghemu.Fault{Kind: ghemu.FaultDrop, Times: 5})
	run(c, &ghemu.Fault{Kind: ghemu.FaultPrimaryLimit, ResetIn: time.Hour})
	run(v.client(), &ghemu.Fault{Kind: ghemu.FaultSecondaryLimit, RetryAfter: "7200"})
	run(v.client(func(o *ClientOptions) { o.Token = testToken + "x" }), nil)
	for _, err := range errs {
		if err == nil {
			t.Error("fault scenario succeeded")
			continue
		}
		if strings.Contains(err.Error(), "SECRETtoken") {
			t.Errorf("token in error: %v", err)
		}
	}
	if logs := v.logs.String(); strings.Contains(logs, "SECRETtoken") || !strings.Contains(logs, "github request") {
		t.Errorf("token in logs or nothing logged:\n%s", logs)
	}
}

func TestObserveReportsEveryRequest(t *testing.T) {
	v := newEnv(t)
	var mu sync.Mutex
	var seen []RequestInfo
	c := v.client(func(o *ClientOptions) {
		o.Observe = func(i RequestInfo) { mu.Lock(); seen = append(seen, i); mu.Unlock() }
	})
	v.e.Inject(ghemu.Fault{Route: treeRoute, Kind: ghemu.FaultStatus, Status: 503})
	res := v.publish(v.publisher(c), tree(1, 0))
	if len(seen) != res.Requests || len(seen) != v.e.Stats().Total {
		t.Errorf("observed %d, result %d, emulator %d", len(seen), res.Requests, v.e.Stats().Total)
	}
	if seen[1].Route != "GET /repos/{owner}/{repo}/git/trees/{sha}" || seen[1].Status != 503 || seen[2].Status != 404 {
		t.Errorf("observed %+v", seen[:3])
	}
	for _, i := range seen {
		if i.RateRemaining < 0 || i.Method == "" || strings.Contains(i.Route, "acme") {
			t.Errorf("observation %+v", i)
		}
	}
}

func TestGitHubAppAuthentication(t *testing.T) {
	v := newEnv(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	v.e.AddApp(42, 7, &key.PublicKey)
	app := func(o *ClientOptions) { o.Token, o.AppID, o.InstallationID, o.PrivateKey = "", 42, 7, pemKey }
	// The token refresh sits under the retries: a 502 on it is retried.
	v.e.Inject(ghemu.Fault{Route: "POST /app/installations/{id}/access_tokens", Kind: ghemu.FaultStatus, Status: 502})
	res := v.publish(v.publisher(v.client(app)), tree(1, 0))
	if res.Action != "created" || v.e.Stats().ByRoute["POST /app/installations/{id}/access_tokens"] != 2 {
		t.Errorf("result %+v; routes %v", res, keys(v.e.Stats().ByRoute))
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	bad := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(other)})
	_, err = v.publisher(v.client(app, func(o *ClientOptions) { o.PrivateKey = bad })).Publish(context.Background(), tree(1, 1))
	if err == nil || strings.Contains(v.logs.String(), "ghs_") {
		t.Errorf("wrong key: %v", err)
	}
	if _, err := NewClient(ClientOptions{AppID: 1}); err == nil {
		t.Error("incomplete app accepted")
	}
	if _, err := NewClient(ClientOptions{}); err == nil {
		t.Error("no credentials accepted")
	}
}

func TestEnterpriseServerURL(t *testing.T) {
	v := newEnv(t)
	c := v.client(func(o *ClientOptions) { o.APIURL = v.e.EnterpriseURL() })
	res := v.publish(v.publisher(c), tree(1, 0))
	host := strings.TrimSuffix(v.e.URL(), "/")
	if res.Action != "created" || res.CompareURL != host+"/acme/platform/compare/main...pathwaysync/update" {
		t.Errorf("result %+v", res)
	}
	for _, tc := range []struct{ api, html string }{
		{"https://api.github.com/", "https://github.com"},
		{"https://ghe.example.com/api/v3/", "https://ghe.example.com"},
	} {
		c, err := NewClient(ClientOptions{APIURL: tc.api, Token: "t"})
		if err != nil || c.htmlBase != tc.html || c.gh.BaseURL.String() != tc.api {
			t.Errorf("%s: html %q base %v err %v", tc.api, c.htmlBase, c.gh.BaseURL, err)
		}
	}
}

func TestReadFolder(t *testing.T) {
	v := newEnv(t)
	files := tree(2, 0)
	v.seedBase(files)
	got, sha, err := v.client().ReadFolder(context.Background(), testRepo, "", testPath)
	if err != nil || len(got) != len(files) || sha == "" {
		t.Fatalf("read folder: %d files, sha %q, %v", len(got), sha, err)
	}
	for p, d := range files {
		if string(got[p]) != string(d) {
			t.Errorf("%s differs", p)
		}
	}
	blobs := map[string]string{}
	for p, d := range files {
		blobs[p] = blobSHA(d)
	}
	if treeSHA(blobs) != sha {
		t.Errorf("local tree sha %s, GitHub's %s", treeSHA(blobs), sha)
	}
	if _, _, err := v.client().ReadFolder(context.Background(), testRepo, "main", "nope"); err == nil {
		t.Error("missing folder read")
	}
}

// TestReadFolderFetchesOnlyNewBlobs: a client re-reading a folder asks
// for the listing and for the blobs it has not seen, nothing more, and a
// failed read keeps what it knew.
func TestReadFolderFetchesOnlyNewBlobs(t *testing.T) {
	v := newEnv(t)
	files := tree(3, 0)
	v.seedBase(files)
	c := v.client()
	read := func(wantBlobs int) map[string][]byte {
		t.Helper()
		v.e.ResetStats()
		got, _, err := c.ReadFolder(context.Background(), testRepo, "main", testPath)
		if err != nil {
			t.Fatal(err)
		}
		st := v.e.Stats()
		if b := st.ByRoute["GET /repos/{owner}/{repo}/git/blobs/{sha}"]; b != wantBlobs || st.Total != 1+wantBlobs {
			t.Errorf("%d requests, %d for blobs; want 1 listing and %d blobs: %v", st.Total, b, wantBlobs, v.e.Log())
		}
		return got
	}
	read(len(files))
	read(0)
	changed := map[string][]byte{testPath + "/catalog-info.yaml": []byte("kind: Location # changed\n")}
	if _, err := v.e.Commit(testRepo, "main", changed, "Change one file\n"); err != nil {
		t.Fatal(err)
	}
	v.e.Inject(ghemu.Fault{Route: "GET /repos/{owner}/{repo}/git/blobs/{sha}", Kind: ghemu.FaultStatus, Status: 404})
	if _, _, err := c.ReadFolder(context.Background(), testRepo, "main", testPath); err == nil {
		t.Fatal("read with a failing blob succeeded")
	}
	got := read(1)
	if string(got["catalog-info.yaml"]) != "kind: Location # changed\n" {
		t.Errorf("changed file reads %q", got["catalog-info.yaml"])
	}
	for p, d := range files {
		if p != "catalog-info.yaml" && string(got[p]) != string(d) {
			t.Errorf("%s differs", p)
		}
	}
}

func TestClassification(t *testing.T) {
	c := &Client{pol: newPolicy(ClientOptions{})}
	resp := func(status int, hdr map[string]string) *http.Response {
		r := &http.Response{StatusCode: status, Header: http.Header{}, Request: &http.Request{Method: "GET", URL: mustURL("https://api.github.com/x")}}
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		return r
	}
	reset := time.Now().Add(30 * time.Minute).Truncate(time.Second)
	tests := []struct {
		name      string
		err       error
		transient bool
		wait      time.Duration // 0: no hint
		is        error
		reason    string
		permanent bool
	}{
		{"502", &github.ErrorResponse{Response: resp(502, nil)}, true, 0, nil, ReasonTransient, false},
		{"404 read", &github.ErrorResponse{Response: resp(404, nil)}, false, 0, nil, ReasonUnknown, false},
		{"401 credentials", &github.ErrorResponse{Response: resp(401, nil), Message: "Bad credentials"}, false, 0, ErrPermission, ReasonBadCredentials, true},
		{"403 permission", &github.ErrorResponse{Response: resp(403, nil), Message: "Resource not accessible"}, false, 0, ErrPermission, ReasonPermission, true},
		{"404 write", &github.ErrorResponse{Response: resp(404, nil)}, false, 0, ErrPermission, ReasonPermission, true},
		{"409 empty", &github.ErrorResponse{Response: resp(409, nil), Message: "Git Repository is empty."}, false, 0, ErrEmptyRepository, ReasonEmptyRepository, true},
		{"429 retry-after", &github.ErrorResponse{Response: resp(429, map[string]string{"Retry-After": "120"})}, true, 2 * time.Minute, nil, ReasonRateLimited, false},
		{"primary", &github.RateLimitError{Response: resp(403, nil), Rate: github.Rate{Reset: github.Timestamp{Time: reset}}}, true, 30 * time.Minute, nil, ReasonRateLimited, false},
		{"secondary no header", &github.AbuseRateLimitError{Response: resp(403, nil)}, true, time.Minute, nil, ReasonRateLimited, false},
		{"network", &netErr{}, true, 0, nil, ReasonTransient, false},
		{"canceled", context.Canceled, false, 0, context.Canceled, ReasonCanceled, false},
		{"deadline", context.DeadlineExceeded, true, 0, nil, ReasonTransient, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.classify("op", tt.name == "404 write", tt.err)
			var e *Error
			if !errors.As(err, &e) || e.Reason() != tt.reason || e.Permanent() != tt.permanent {
				t.Errorf("reason %q permanent %v, want %q %v", e.Reason(), e.Permanent(), tt.reason, tt.permanent)
			}
			if at := e.RetryAt(); (tt.wait > 0) != !at.IsZero() || (tt.wait > 0 && (time.Until(at) < tt.wait-2*time.Second || time.Until(at) > tt.wait+2*time.Second)) {
				t.Errorf("retry at %v, want in %v", at, tt.wait)
			}
			if IsTransient(err) != tt.transient {
				t.Errorf("transient = %v", IsTransient(err))
			}
			d, ok := RetryAfter(err)
			if ok != (tt.wait > 0) || (ok && (d < tt.wait-2*time.Second || d > tt.wait+2*time.Second)) {
				t.Errorf("retry after %v %v, want %v", d, ok, tt.wait)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("%v is not %v", err, tt.is)
			}
			if !strings.HasPrefix(err.Error(), "op: ") {
				t.Errorf("message %q", err)
			}
		})
	}
	if IsTransient(nil) || IsTransient(fmt.Errorf("x")) {
		t.Error("plain errors are transient")
	}
}

type netErr struct{}

func (netErr) Error() string   { return "connection reset" }
func (netErr) Timeout() bool   { return false }
func (netErr) Temporary() bool { return true }

// TestRemembersExhaustedLimit: a 200 reporting X-RateLimit-Remaining: 0
// makes go-github refuse the next call locally until the reset; the client
// waits for a short reset instead of failing.
func TestRemembersExhaustedLimit(t *testing.T) {
	v := newEnv(t)
	reset := time.Now().Add(1500 * time.Millisecond).Truncate(time.Second)
	v.e.SetRateLimit(2, reset) // the 2nd request reports 0 remaining
	res := v.publish(v.publisher(nil), tree(1, 0))
	if res.Action != "created" || time.Now().Before(reset) {
		t.Errorf("result %s at %v (reset %v)", res.Action, time.Now(), reset)
	}
	v.e.SetRateLimit(1, time.Now().Add(time.Hour))
	c := v.client(func(o *ClientOptions) { o.MaxRateWait = time.Second })
	_, err := v.publisher(c).Publish(context.Background(), tree(1, 1))
	if d, ok := RetryAfter(err); !IsTransient(err) || !ok || d < 50*time.Minute {
		t.Errorf("long reset: %v (%v)", err, d)
	}
}

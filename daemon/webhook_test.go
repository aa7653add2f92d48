package daemon

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func sign(secret, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// recordingServer returns a Server whose triggers are recorded, not run.
func recordingServer(t *testing.T, o Options) (*Server, func() []Trigger) {
	t.Helper()
	srv, err := New(o, &fakeSyncer{SyncFunc: func(context.Context, Trigger) (*Outcome, error) { return &Outcome{}, nil }})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []Trigger
	taken := func() []Trigger {
		mu.Lock()
		defer mu.Unlock()
		if p := srv.takePending(); p != nil {
			got = append(got, *p)
		}
		return append([]Trigger(nil), got...)
	}
	return srv, taken
}

const pushBody = `{"ref":"refs/heads/main","repository":{"full_name":"Acme/Pathways"},
 "commits":[{"added":["docs/x.md"],"modified":["pathways/seed.txt"],"removed":[]}]}`

func TestWebhook(t *testing.T) {
	const secret = "s3cret"
	tests := []struct {
		name      string
		opts      Options
		event     string
		delivery  string
		body      string
		signature string // "" = none; "good" = computed
		wantCode  int
		wantQueue bool
	}{
		{name: "valid push", event: "push", delivery: "d1", body: pushBody, signature: "good", wantCode: 202, wantQueue: true},
		{name: "invalid signature", event: "push", delivery: "d2", body: pushBody, signature: sign("wrong", pushBody), wantCode: 401},
		{name: "malformed signature", event: "push", delivery: "d3", body: pushBody, signature: "sha256=zz", wantCode: 401},
		{name: "sha1 signature only", event: "push", delivery: "d3b", body: pushBody, signature: "sha1=abcd", wantCode: 401},
		{name: "missing signature", event: "push", delivery: "d4", body: pushBody, wantCode: 401},
		{name: "ping", event: "ping", delivery: "d5", body: `{"zen":"x"}`, signature: "good", wantCode: 200},
		{name: "other repository", event: "push", delivery: "d6", body: strings.Replace(pushBody, "Acme/Pathways", "acme/other", 1), signature: "good", wantCode: 200},
		{name: "repository matched ignoring case", event: "push", delivery: "d7", body: strings.Replace(pushBody, "Acme/Pathways", "acme/pathways", 1), signature: "good", wantCode: 202, wantQueue: true},
		{name: "path not watched", event: "push", delivery: "d8", body: strings.Replace(pushBody, "pathways/seed.txt", "README.md", 1), signature: "good", wantCode: 200},
		{name: "removed path counts", event: "push", delivery: "d9", body: `{"repository":{"full_name":"acme/pathways"},"commits":[{"removed":["pathways/old.yaml"]}]}`, signature: "good", wantCode: 202, wantQueue: true},
		{name: "prefix is a folder, not a string prefix", event: "push", delivery: "d10", body: `{"repository":{"full_name":"acme/pathways"},"commits":[{"added":["pathways-old/x.txt"]}]}`, signature: "good", wantCode: 200},
		{name: "other event", event: "issues", delivery: "d11", body: `{}`, signature: "good", wantCode: 200},
		{name: "malformed push", event: "push", delivery: "d12", body: `{`, signature: "good", wantCode: 400},
		{name: "any path when none configured", opts: Options{WebhookSecret: secret, WebhookRepositories: []string{"acme/pathways"}},
			event: "push", delivery: "d13", body: strings.Replace(pushBody, "pathways/seed.txt", "README.md", 1), signature: "good", wantCode: 202, wantQueue: true},
		{name: "disabled without secret", opts: Options{}, event: "push", delivery: "d14", body: pushBody, signature: "good", wantCode: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			if o.WebhookSecret == "" && o.WebhookRepositories == nil && tt.name != "disabled without secret" {
				o = Options{WebhookSecret: secret, WebhookRepositories: []string{"acme/pathways"}, WebhookPaths: []string{"pathways/"}}
			}
			srv, triggers := recordingServer(t, o)
			hdr := map[string]string{"X-GitHub-Event": tt.event, "X-GitHub-Delivery": tt.delivery, "Content-Type": "application/json"}
			switch tt.signature {
			case "":
			case "good":
				hdr["X-Hub-Signature-256"] = sign(secret, tt.body)
			default:
				hdr["X-Hub-Signature-256"] = tt.signature
			}
			rec := do(srv.Handler(), "POST", "/webhooks/github", tt.body, hdr)
			if rec.Code != tt.wantCode {
				t.Fatalf("code = %d (%s), want %d", rec.Code, rec.Body, tt.wantCode)
			}
			got := triggers()
			if queued := len(got) == 1; queued != tt.wantQueue {
				t.Fatalf("queued = %v (%v), want %v", queued, got, tt.wantQueue)
			}
			if tt.wantQueue && (got[0].Reason != ReasonWebhook || got[0].DeliveryID != tt.delivery) {
				t.Fatalf("trigger = %+v", got[0])
			}
		})
	}
}

func TestWebhookRedeliveryIgnored(t *testing.T) {
	srv, triggers := recordingServer(t, Options{WebhookSecret: "k", WebhookRepositories: []string{"acme/pathways"}})
	hdr := map[string]string{"X-GitHub-Event": "push", "X-GitHub-Delivery": "same-id", "X-Hub-Signature-256": sign("k", pushBody)}
	if rec := do(srv.Handler(), "POST", "/webhooks/github", pushBody, hdr); rec.Code != http.StatusAccepted {
		t.Fatalf("first delivery: %d", rec.Code)
	}
	if n := len(triggers()); n != 1 {
		t.Fatalf("first delivery queued %d", n)
	}
	rec := do(srv.Handler(), "POST", "/webhooks/github", pushBody, hdr)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "duplicate") {
		t.Fatalf("redelivery: %d %s", rec.Code, rec.Body)
	}
	if n := len(triggers()); n != 1 {
		t.Fatalf("redelivery queued another sync (%d)", n)
	}
	// A forged request with a known delivery id must not poison the cache.
	bad := map[string]string{"X-GitHub-Event": "push", "X-GitHub-Delivery": "fresh", "X-Hub-Signature-256": sign("nope", pushBody)}
	do(srv.Handler(), "POST", "/webhooks/github", pushBody, bad)
	hdr["X-GitHub-Delivery"] = "fresh"
	if rec := do(srv.Handler(), "POST", "/webhooks/github", pushBody, hdr); rec.Code != http.StatusAccepted {
		t.Fatalf("genuine delivery after a forged one with its id: %d", rec.Code)
	}
}

func TestLRUBounded(t *testing.T) {
	l := newLRU(2)
	for _, k := range []string{"a", "b", "c"} {
		if l.Add(k) {
			t.Fatalf("%s seen too early", k)
		}
	}
	if l.Add("a") {
		t.Fatal("a should have been evicted")
	}
	if !l.Add("c") {
		t.Fatal("c should still be known")
	}
}

func TestManualSync(t *testing.T) {
	tests := []struct {
		name      string
		token     string
		auth      string
		wantCode  int
		wantQueue bool
	}{
		{"valid token", "t0ken", "Bearer t0ken", 202, true},
		{"wrong token", "t0ken", "Bearer nope", 401, false},
		{"no header", "t0ken", "", 401, false},
		{"basic scheme", "t0ken", "Basic dDBrZW4=", 401, false},
		{"disabled", "", "Bearer anything", 404, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, triggers := recordingServer(t, Options{APIToken: tt.token})
			hdr := map[string]string{}
			if tt.auth != "" {
				hdr["Authorization"] = tt.auth
			}
			rec := do(srv.Handler(), "POST", "/api/v1/sync", "", hdr)
			if rec.Code != tt.wantCode {
				t.Fatalf("code = %d, want %d", rec.Code, tt.wantCode)
			}
			if tt.wantCode == 401 && rec.Header().Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if strings.Contains(rec.Body.String(), "t0ken") {
				t.Error("response echoes the token")
			}
			got := triggers()
			if (len(got) == 1) != tt.wantQueue {
				t.Fatalf("queued %v, want %v", got, tt.wantQueue)
			}
			if tt.wantQueue && got[0].Reason != ReasonAPI {
				t.Fatalf("reason = %q", got[0].Reason)
			}
		})
	}
}

package daemon

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// maxWebhookBytes is GitHub's payload cap (25 MB).
const maxWebhookBytes = 25 << 20

// commitsCap is how many commits GitHub lists in a push payload at most;
// a full list may be truncated, so path filtering cannot rule it out.
const commitsCap = 20

// pushEvent is the part of a GitHub push payload the daemon reads.
type pushEvent struct {
	Ref        string `json:"ref"`
	Repository struct {
		FullName string `json:"full_name"`
	} `json:"repository"`
	Commits    []pushCommit `json:"commits"`
	HeadCommit *pushCommit  `json:"head_commit"`
}

type pushCommit struct {
	Added    []string `json:"added"`
	Modified []string `json:"modified"`
	Removed  []string `json:"removed"`
}

// verifySignature checks X-Hub-Signature-256 ("sha256=<hex>") in constant time.
func verifySignature(secret string, body []byte, header string) bool {
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// handleWebhook is POST /webhooks/github: verified, deduplicated by
// delivery id, answered at once; a matching push queues a sync (202).
func (s *Server) handleWebhook(w http.ResponseWriter, r *http.Request) {
	secret := s.secrets.Load().webhook
	if secret == "" {
		s.metrics.webhooks.WithLabelValues("disabled").Inc()
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBytes+1))
	if err != nil || len(body) > maxWebhookBytes {
		s.metrics.webhooks.WithLabelValues("bad_request").Inc()
		writeStatus(w, http.StatusRequestEntityTooLarge, "payload too large or unreadable")
		return
	}
	sig := r.Header.Get("X-Hub-Signature-256")
	if sig == "" || !verifySignature(secret, body, sig) {
		s.metrics.webhooks.WithLabelValues("unauthorized").Inc()
		s.log.Warn("webhook rejected: missing or invalid signature", "delivery_id", r.Header.Get("X-GitHub-Delivery"))
		writeStatus(w, http.StatusUnauthorized, "missing or invalid X-Hub-Signature-256")
		return
	}
	event := r.Header.Get("X-GitHub-Event")
	delivery := r.Header.Get("X-GitHub-Delivery")
	if event == "ping" {
		s.metrics.webhooks.WithLabelValues("ping").Inc()
		writeStatus(w, http.StatusOK, "pong")
		return
	}
	if s.isStopping() {
		s.metrics.webhooks.WithLabelValues("stopping").Inc()
		writeStatus(w, http.StatusServiceUnavailable, "shutting down")
		return
	}
	if delivery != "" {
		s.mu.Lock()
		dup := s.deliveries.Add(delivery)
		s.mu.Unlock()
		if dup {
			s.metrics.webhooks.WithLabelValues("duplicate").Inc()
			s.log.Info("webhook redelivery ignored", "delivery_id", delivery)
			writeStatus(w, http.StatusOK, "duplicate delivery ignored")
			return
		}
	}
	if event != "push" {
		s.metrics.webhooks.WithLabelValues("ignored").Inc()
		writeStatus(w, http.StatusOK, "event ignored")
		return
	}
	var ev pushEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		s.metrics.webhooks.WithLabelValues("bad_request").Inc()
		writeStatus(w, http.StatusBadRequest, "malformed push payload")
		return
	}
	if !s.pushMatches(&ev) {
		s.metrics.webhooks.WithLabelValues("ignored").Inc()
		s.log.Debug("push ignored", "delivery_id", delivery, "repository", ev.Repository.FullName)
		writeStatus(w, http.StatusOK, "push does not touch a watched repository or path")
		return
	}
	s.metrics.webhooks.WithLabelValues("queued").Inc()
	s.log.Info("webhook queued a sync", "delivery_id", delivery, "repository", ev.Repository.FullName)
	s.Trigger(Trigger{Reason: ReasonWebhook, DeliveryID: delivery})
	writeStatus(w, http.StatusAccepted, "sync queued")
}

// pushMatches reports whether a push concerns a watched repository and,
// when paths are configured, touches one of them.
func (s *Server) pushMatches(ev *pushEvent) bool {
	if len(s.repos) > 0 && !s.repos[strings.ToLower(ev.Repository.FullName)] {
		return false
	}
	if len(s.opts.WebhookPaths) == 0 {
		return true
	}
	commits := ev.Commits
	if len(commits) >= commitsCap {
		return true
	}
	if len(commits) == 0 && ev.HeadCommit != nil {
		commits = []pushCommit{*ev.HeadCommit}
	}
	for _, c := range commits {
		for _, list := range [][]string{c.Added, c.Modified, c.Removed} {
			for _, p := range list {
				if s.pathWatched(p) {
					return true
				}
			}
		}
	}
	return false
}

func (s *Server) pathWatched(p string) bool {
	for _, prefix := range s.opts.WebhookPaths {
		prefix = strings.Trim(prefix, "/")
		if prefix == "" || p == prefix || strings.HasPrefix(p, prefix+"/") {
			return true
		}
	}
	return false
}

// handleManualSync is POST /api/v1/sync with a bearer token; 404 when no
// token is configured.
func (s *Server) handleManualSync(w http.ResponseWriter, r *http.Request) {
	apiToken := s.secrets.Load().api
	if apiToken == "" {
		http.NotFound(w, r)
		return
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || !tokenEqual(token, apiToken) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="pathwaysync"`)
		writeStatus(w, http.StatusUnauthorized, "missing or invalid bearer token")
		return
	}
	if s.isStopping() {
		writeStatus(w, http.StatusServiceUnavailable, "shutting down")
		return
	}
	s.log.Info("manual sync requested")
	s.Trigger(Trigger{Reason: ReasonAPI})
	writeStatus(w, http.StatusAccepted, "sync queued")
}

// tokenEqual compares in constant time (hashing first so that the length
// does not leak either).
func tokenEqual(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

// writeStatus writes {"status": msg} with code.
func writeStatus(w http.ResponseWriter, code int, msg string) {
	b, _ := json.Marshal(map[string]string{"status": msg}) // a map of strings always encodes
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

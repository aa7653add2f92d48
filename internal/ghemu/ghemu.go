// Package ghemu is a stateful, in-process emulator of the GitHub REST API
// subset pathwaysync uses: real git SHA-1 blobs, trees and commits, refs,
// branches, pull requests, comments, labels, reviewers, GitHub App
// installation tokens, rate-limit headers, GitHub's size limits (capped
// recursive tree listings, refused large create-tree bodies) and fault
// injection. It answers on
// the real wire paths, both at "/" and under GitHub Enterprise Server's
// "/api/v3/" prefix, with GitHub's status codes and messages. Tests only.
package ghemu

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Documentation URLs GitHub puts in error bodies.
const (
	docsRefs      = "https://docs.github.com/rest/git/refs"
	docsPrimary   = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits"
	docsSecondary = "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
	docsRest      = "https://docs.github.com/rest"
)

// FaultKind says how an injected fault answers.
type FaultKind int

// Fault kinds.
const (
	FaultStatus         FaultKind = iota // answer Status with a JSON message
	FaultHang                            // hold the request for Hang (or until the client gives up), then answer normally
	FaultDrop                            // close the connection without an answer
	FaultPrimaryLimit                    // 403, X-RateLimit-Remaining: 0, reset in ResetIn
	FaultSecondaryLimit                  // 403 "secondary rate limit", Retry-After: RetryAfter when set
	FaultHook                            // run Before, then answer normally
	FaultLoseAnswer                      // handle the request (its write happens), then close the connection without the answer
)

// Fault is an injected failure for the next Times requests matching Route.
type Fault struct {
	// Route is a route template such as "POST /repos/{owner}/{repo}/git/trees"
	// (see Route); "" matches every request.
	Route      string
	Times      int // 0 means 1
	Kind       FaultKind
	Status     int           // FaultStatus; 0 means 502
	RetryAfter string        // FaultSecondaryLimit: Retry-After header value, "" for none
	ResetIn    time.Duration // FaultPrimaryLimit
	Hang       time.Duration // FaultHang
	Before     func()        // FaultHook: runs before the request is handled, without the emulator's lock
}

// Stats counts requests that reached the emulator.
type Stats struct {
	Total   int
	Writes  int            // POST, PATCH, PUT, DELETE
	ByRoute map[string]int // route template → count
}

type app struct {
	id           int64
	key          *rsa.PublicKey
	installation int64
}

// Emulator is the fake GitHub. Its zero value is not usable; call New.
type Emulator struct {
	srv *httptest.Server

	mu     sync.Mutex
	repos  map[string]*Repo
	tokens map[string]bool // token → may write
	apps   []app
	faults []*Fault
	stats  Stats
	log    []string // "METHOD route" in arrival order
	now    func() time.Time
	clock  time.Time
	rate   int
	reset  time.Time
	seq    int
	// treeLimit and treeBytes cap recursive tree listings; 0 is no cap.
	treeLimit, treeBytes int
	// createTreeMax refuses larger POST git/trees bodies with createTreeStatus; 0 is no cap.
	createTreeMax, createTreeStatus int
}

// GitHub's limits, as documented or observed on github.com.
const (
	// GitHubTreeEntries is the most entries a recursive tree listing
	// returns (documented for "Get a tree").
	GitHubTreeEntries = 100_000
	// GitHubTreeBytes is how much `git ls-tree -r -t` output a recursive
	// listing reads: "a maximum size of 7 MB" in the documentation; GitHub
	// staff describe it as "7 MB worth of entries from git ls-tree".
	GitHubTreeBytes = 7 << 20
	// GitHubCreateTreeBytes is about the create-tree body size past which
	// github.com has been reported to answer 422 "Sorry, your request timed
	// out..." or 502. It is undocumented and load-dependent; tests that want
	// it pass it to SetCreateTreeLimit.
	GitHubCreateTreeBytes = 2_500_000
)

// New starts an emulator on a loopback httptest server; Close stops it.
func New() *Emulator {
	e := &Emulator{
		repos:     map[string]*Repo{},
		tokens:    map[string]bool{},
		stats:     Stats{ByRoute: map[string]int{}},
		clock:     time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		rate:      5000,
		treeLimit: GitHubTreeEntries,
		treeBytes: GitHubTreeBytes,
	}
	e.now = time.Now
	e.reset = time.Now().Add(time.Hour).Truncate(time.Second)
	e.srv = httptest.NewServer(http.HandlerFunc(e.serve))
	return e
}

// URL is the API base URL with a trailing slash (github.com layout).
func (e *Emulator) URL() string { return e.srv.URL + "/" }

// EnterpriseURL is the API base URL in GitHub Enterprise Server layout.
func (e *Emulator) EnterpriseURL() string { return e.srv.URL + "/api/v3/" }

// Close stops the server.
func (e *Emulator) Close() { e.srv.CloseClientConnections(); e.srv.Close() }

// AddToken accepts token; write=false makes every write answer 403 as a
// token without contents/pull-requests write permission does. With no
// token added, any request is accepted.
func (e *Emulator) AddToken(token string, write bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tokens[token] = write
}

// AddApp registers a GitHub App whose JWTs are verified with key (RS256),
// installed as installation.
func (e *Emulator) AddApp(appID, installation int64, key *rsa.PublicKey) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.apps = append(e.apps, app{id: appID, key: key, installation: installation})
}

// Inject queues a fault.
func (e *Emulator) Inject(f Fault) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if f.Times <= 0 {
		f.Times = 1
	}
	e.faults = append(e.faults, &f)
}

// SetRateLimit sets the primary rate limit: remaining requests until reset
// (the count reported after the next request is remaining-1); at reset the
// limit refills to 5000. Requests are still answered when it reaches 0, so
// clients must honour the headers themselves.
func (e *Emulator) SetRateLimit(remaining int, reset time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rate, e.reset = remaining, reset
}

// SetTreeLimit caps recursive tree listings at n entries (default
// GitHubTreeEntries; 0 is no cap): longer listings keep their first n
// entries in `git ls-tree -r -t` order and say "truncated": true.
// Non-recursive listings are never cut.
func (e *Emulator) SetTreeLimit(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.treeLimit = n
}

// SetTreeByteLimit caps recursive tree listings at n bytes of the
// `git ls-tree -r -t -z` output they stand for, one "MODE TYPE SHA\tPATH\0"
// record per entry (default GitHubTreeBytes; 0 is no cap): the listing keeps
// the longest prefix that fits and says "truncated": true. Either cap,
// entries or bytes, truncates.
func (e *Emulator) SetTreeByteLimit(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.treeBytes = n
}

// SetCreateTreeLimit makes POST git/trees refuse request bodies longer than
// maxBytes (0, the default, accepts any size; github.com fails at about
// GitHubCreateTreeBytes). status says how: 422 (or 0) answers GitHub's
// "Sorry, your request timed out..." validation error, 502 answers the
// "Server Error" GitHub's front end gives. A refused request creates no
// objects and is counted in Stats and Log like any other.
func (e *Emulator) SetCreateTreeLimit(maxBytes, status int) {
	if status == 0 {
		status = http.StatusUnprocessableEntity
	}
	if status != http.StatusUnprocessableEntity && status != http.StatusBadGateway {
		panic(fmt.Sprintf("ghemu: create-tree limit status %d, want 422 or 502", status))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.createTreeMax, e.createTreeStatus = maxBytes, status
}

// Stats returns a copy of the request counters.
func (e *Emulator) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := Stats{Total: e.stats.Total, Writes: e.stats.Writes, ByRoute: map[string]int{}}
	for k, v := range e.stats.ByRoute {
		s.ByRoute[k] = v
	}
	return s
}

// Log returns "METHOD route" for every request since the last ResetStats.
func (e *Emulator) Log() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.log...)
}

// ResetStats zeroes the request counters and the log.
func (e *Emulator) ResetStats() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stats = Stats{ByRoute: map[string]int{}}
	e.log = nil
}

// tick returns the emulator's commit clock and advances it one second, so
// commits made at "now" are deterministic.
func (e *Emulator) tick() time.Time {
	t := e.clock
	e.clock = e.clock.Add(time.Second)
	return t
}

type apiError struct {
	status int
	body   map[string]any
}

func (a *apiError) Error() string { return fmt.Sprint(a.status, " ", a.body["message"]) }

func errMsg(status int, msg, docs string) *apiError {
	return &apiError{status: status, body: map[string]any{"message": msg, "documentation_url": docs}}
}

func errValidation(msg, field, docs string) *apiError {
	e := map[string]any{"resource": "PullRequest", "code": "custom", "message": msg}
	if field != "" {
		e["field"] = field
	}
	return &apiError{status: 422, body: map[string]any{
		"message": "Validation Failed", "errors": []any{e}, "documentation_url": docs}}
}

func notFound(docs string) *apiError { return errMsg(404, "Not Found", docs) }

// errTreeTooLarge is github.com's answer to a create-tree body it cannot
// process: its 422 timeout message, or its front end's bare 502.
func errTreeTooLarge(status int) *apiError {
	if status == http.StatusBadGateway {
		return &apiError{status: status, body: map[string]any{"message": "Server Error"}}
	}
	return errMsg(status, "Sorry, your request timed out.  It's likely that your input was too large to process.  "+
		"Consider building the tree incrementally, or building the commits you need in a local clone of the repository and then pushing them to GitHub.",
		"https://docs.github.com/rest/git/trees#create-a-tree")
}

// Route returns the route template of a request path ("/api/v3" stripped),
// e.g. "GET /repos/{owner}/{repo}/git/trees/{tree_sha}".
func Route(method, path string) string {
	t, _ := parseRoute(path)
	return method + " " + t
}

// parseRoute maps a path to its template and parameters.
func parseRoute(path string) (string, map[string]string) {
	path = strings.TrimPrefix(path, "/api/v3")
	p := map[string]string{}
	seg := strings.Split(strings.Trim(path, "/"), "/")
	if len(seg) == 4 && seg[0] == "app" && seg[1] == "installations" && seg[3] == "access_tokens" {
		p["id"] = seg[2]
		return "/app/installations/{id}/access_tokens", p
	}
	if len(seg) < 3 || seg[0] != "repos" {
		return path, p
	}
	p["owner"], p["repo"] = seg[1], seg[2]
	base := "/repos/{owner}/{repo}"
	rest := seg[3:]
	if len(rest) == 0 {
		return base, p
	}
	join := func(from int) string { return strings.Join(rest[from:], "/") }
	switch rest[0] {
	case "branches":
		if len(rest) >= 2 {
			p["branch"] = join(1)
			return base + "/branches/{branch}", p
		}
	case "git":
		if len(rest) < 2 {
			break
		}
		switch rest[1] {
		case "ref", "refs":
			if len(rest) == 2 {
				return base + "/git/refs", p
			}
			p["ref"] = join(2)
			return base + "/git/" + rest[1] + "/{ref}", p
		case "trees", "blobs", "commits":
			if len(rest) == 2 {
				return base + "/git/" + rest[1], p
			}
			p["sha"] = join(2)
			return base + "/git/" + rest[1] + "/{sha}", p
		}
	case "pulls", "issues":
		if len(rest) == 1 {
			return base + "/" + rest[0], p
		}
		p["number"] = rest[1]
		if len(rest) == 2 {
			return base + "/" + rest[0] + "/{number}", p
		}
		return base + "/" + rest[0] + "/{number}/" + join(2), p
	}
	return path, p
}

func isWrite(method string) bool {
	return method == http.MethodPost || method == http.MethodPatch || method == http.MethodPut || method == http.MethodDelete
}

func (e *Emulator) takeFault(route string) *Fault {
	for i, f := range e.faults {
		if f.Route != "" && f.Route != route {
			continue
		}
		f.Times--
		if f.Times <= 0 {
			e.faults = append(e.faults[:i:i], e.faults[i+1:]...)
		}
		c := *f
		return &c
	}
	return nil
}

func (e *Emulator) serve(w http.ResponseWriter, r *http.Request) {
	tmpl, params := parseRoute(r.URL.Path)
	route := r.Method + " " + tmpl

	e.mu.Lock()
	e.stats.Total++
	if isWrite(r.Method) {
		e.stats.Writes++
	}
	e.stats.ByRoute[route]++
	e.log = append(e.log, route)
	if time.Now().After(e.reset) { // the window is over: refill
		e.rate, e.reset = 5000, time.Now().Add(time.Hour).Truncate(time.Second)
	}
	if e.rate > 0 {
		e.rate--
	}
	remaining, reset := e.rate, e.reset
	f := e.takeFault(route)
	e.mu.Unlock()

	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-RateLimit-Limit", "5000")
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Used", strconv.Itoa(5000-remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
	h.Set("X-GitHub-Api-Version-Selected", "2022-11-28")

	if f != nil {
		switch f.Kind {
		case FaultStatus:
			st := f.Status
			if st == 0 {
				st = http.StatusBadGateway
			}
			writeJSON(w, st, map[string]any{"message": http.StatusText(st), "documentation_url": docsRest})
			return
		case FaultDrop:
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		case FaultHang:
			// Read the body first: only then does the server notice a
			// client that hangs up, and cancel r.Context().
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			select {
			case <-r.Context().Done():
				return
			case <-time.After(f.Hang):
			}
		case FaultPrimaryLimit:
			h.Set("X-RateLimit-Remaining", "0")
			h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(f.ResetIn).Unix(), 10))
			writeJSON(w, http.StatusForbidden, map[string]any{
				"message":           "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID 0000:0000.",
				"documentation_url": docsPrimary})
			return
		case FaultSecondaryLimit:
			if f.RetryAfter != "" {
				h.Set("Retry-After", f.RetryAfter)
			}
			writeJSON(w, http.StatusForbidden, map[string]any{
				"message":           "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000.",
				"documentation_url": docsSecondary})
			return
		case FaultHook:
			if f.Before != nil {
				f.Before()
			}
		}
	}

	status, body, err := e.dispatch(r, tmpl, params)
	if err != nil {
		var ae *apiError
		if a, ok := err.(*apiError); ok {
			ae = a
		} else {
			ae = errMsg(http.StatusBadRequest, "Problems parsing JSON", docsRest)
		}
		writeJSON(w, ae.status, ae.body)
		return
	}
	if f != nil && f.Kind == FaultLoseAnswer {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	if body == nil {
		w.WriteHeader(status)
		return
	}
	if pg, ok := body.(page); ok {
		if link := pg.link(e.srv.URL + r.URL.Path); link != "" {
			h.Set("Link", link)
		}
		body = pg.items
	}
	if raw, ok := body.(rawBody); ok {
		h.Set("Content-Type", "application/vnd.github.raw")
		w.WriteHeader(status)
		w.Write(raw)
		return
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.WriteHeader(status)
	w.Write(b)
}

// auth checks the Authorization header; it returns whether the caller may write.
func (e *Emulator) auth(r *http.Request) (bool, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.tokens) == 0 {
		return true, nil
	}
	h := r.Header.Get("Authorization")
	tok := strings.TrimPrefix(strings.TrimPrefix(h, "Bearer "), "token ")
	write, ok := e.tokens[tok]
	if h == "" || !ok {
		return false, errMsg(http.StatusUnauthorized, "Bad credentials", docsRest)
	}
	return write, nil
}

func (e *Emulator) dispatch(r *http.Request, tmpl string, p map[string]string) (int, any, error) {
	if tmpl == "/app/installations/{id}/access_tokens" && r.Method == http.MethodPost {
		return e.accessToken(r, p["id"])
	}
	write, aerr := e.auth(r)
	if aerr != nil {
		return 0, nil, aerr
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	repo := e.repos[p["owner"]+"/"+p["repo"]]
	if repo == nil {
		return 0, nil, notFound(docsRest)
	}
	if isWrite(r.Method) && !write {
		return 0, nil, errMsg(http.StatusForbidden, "Resource not accessible by personal access token", docsRest)
	}
	var in map[string]json.RawMessage
	if r.Body != nil && isWrite(r.Method) && r.Method != http.MethodDelete {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return 0, nil, errMsg(http.StatusBadRequest, "Problems parsing JSON", docsRest)
		}
		if tmpl == "/repos/{owner}/{repo}/git/trees" && e.createTreeMax > 0 && len(body) > e.createTreeMax {
			return 0, nil, errTreeTooLarge(e.createTreeStatus)
		}
		var raw json.RawMessage
		if err := json.Unmarshal(body, &raw); err != nil {
			return 0, nil, errMsg(http.StatusBadRequest, "Problems parsing JSON", docsRest)
		}
		if strings.HasPrefix(strings.TrimSpace(string(raw)), "[") {
			in = map[string]json.RawMessage{"labels": raw} // POST issues/N/labels also takes a bare array
		} else if err := json.Unmarshal(raw, &in); err != nil {
			return 0, nil, errMsg(http.StatusBadRequest, "Problems parsing JSON", docsRest)
		}
	}
	q := r.URL.Query()
	if repo.empty() && isWrite(r.Method) && strings.Contains(tmpl, "/git/") {
		return 0, nil, errEmpty
	}
	switch r.Method + " " + tmpl {
	case "GET /repos/{owner}/{repo}":
		return 200, repo.json(e.srv.URL), nil
	case "GET /repos/{owner}/{repo}/branches/{branch}":
		return repo.getBranch(p["branch"])
	case "GET /repos/{owner}/{repo}/git/ref/{ref}", "GET /repos/{owner}/{repo}/git/refs/{ref}":
		return repo.getRef(p["ref"])
	case "POST /repos/{owner}/{repo}/git/refs":
		return repo.createRef(in)
	case "PATCH /repos/{owner}/{repo}/git/refs/{ref}":
		return repo.updateRef(p["ref"], in)
	case "DELETE /repos/{owner}/{repo}/git/refs/{ref}":
		return repo.deleteRef(p["ref"])
	case "GET /repos/{owner}/{repo}/git/trees/{sha}":
		// Any value of recursive, "0" and "false" included, recurses.
		return repo.getTree(p["sha"], q.Has("recursive"), e.treeLimit, e.treeBytes)
	case "POST /repos/{owner}/{repo}/git/trees":
		return repo.createTree(in)
	case "GET /repos/{owner}/{repo}/git/blobs/{sha}":
		return repo.getBlob(p["sha"], strings.Contains(r.Header.Get("Accept"), ".raw"))
	case "POST /repos/{owner}/{repo}/git/blobs":
		return repo.createBlob(in)
	case "GET /repos/{owner}/{repo}/git/commits/{sha}":
		return repo.getCommit(p["sha"])
	case "POST /repos/{owner}/{repo}/git/commits":
		return repo.createCommit(in, e.tick)
	case "GET /repos/{owner}/{repo}/pulls":
		return repo.listPulls(q)
	case "POST /repos/{owner}/{repo}/pulls":
		return repo.createPull(in, e.tick)
	case "GET /repos/{owner}/{repo}/pulls/{number}":
		return repo.withPull(p["number"], func(pr *PullRequest) (int, any, error) { return 200, repo.pullJSON(pr), nil })
	case "PATCH /repos/{owner}/{repo}/pulls/{number}":
		return repo.withPull(p["number"], func(pr *PullRequest) (int, any, error) { return repo.editPull(pr, in, e.tick) })
	case "PUT /repos/{owner}/{repo}/pulls/{number}/merge":
		return repo.withPull(p["number"], func(pr *PullRequest) (int, any, error) {
			var method string
			_ = json.Unmarshal(in["merge_method"], &method)
			sha, err := repo.merge(pr, method, e.tick)
			if err != nil {
				return 0, nil, err
			}
			return 200, map[string]any{"sha": sha, "merged": true, "message": "Pull Request successfully merged"}, nil
		})
	case "POST /repos/{owner}/{repo}/pulls/{number}/requested_reviewers":
		return repo.withPull(p["number"], func(pr *PullRequest) (int, any, error) { return repo.requestReviewers(pr, in) })
	case "POST /repos/{owner}/{repo}/issues/{number}/comments":
		return repo.withPull(p["number"], func(pr *PullRequest) (int, any, error) {
			var body string
			if err := json.Unmarshal(in["body"], &body); err != nil || body == "" {
				return 0, nil, errMsg(422, "Invalid request.\n\n\"body\" wasn't supplied.", docsRest)
			}
			pr.Comments = append(pr.Comments, body)
			e.seq++
			pr.commentIDs = append(pr.commentIDs, e.seq)
			return 201, map[string]any{"id": e.seq, "body": body}, nil
		})
	case "GET /repos/{owner}/{repo}/issues/{number}/comments":
		return repo.withPull(p["number"], func(pr *PullRequest) (int, any, error) {
			items := make([]any, len(pr.Comments))
			for i, c := range pr.Comments {
				items[i] = map[string]any{"id": pr.commentIDs[i], "body": c}
			}
			return 200, paginate(items, q), nil
		})
	case "POST /repos/{owner}/{repo}/issues/{number}/labels":
		return repo.withPull(p["number"], func(pr *PullRequest) (int, any, error) {
			var labels []string
			if err := json.Unmarshal(in["labels"], &labels); err != nil {
				return 0, nil, errMsg(422, "Invalid request.", docsRest)
			}
			out := []any{}
			for _, l := range labels {
				if !contains(pr.Labels, l) {
					pr.Labels = append(pr.Labels, l)
				}
			}
			for _, l := range pr.Labels {
				out = append(out, map[string]any{"name": l})
			}
			return 200, out, nil
		})
	}
	return 0, nil, notFound(docsRest)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

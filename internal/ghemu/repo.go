package ghemu

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	docsTrees    = "https://docs.github.com/rest/git/trees#get-a-tree"
	docsBranches = "https://docs.github.com/rest/branches/branches#get-a-branch"
	docsPulls    = "https://docs.github.com/rest/pulls/pulls#create-a-pull-request"
	docsReview   = "https://docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request"
	docsMerge    = "https://docs.github.com/rest/pulls/pulls#merge-a-pull-request"
	botLogin     = "pathwaysync-bot"
)

// PullRequest is the emulator's record of a pull request.
type PullRequest struct {
	Number        int
	Title         string
	Body          string
	Head          string // branch name in the same repository
	Base          string
	HeadSHA       string // follows the head branch while open
	BaseSHA       string
	State         string // "open" or "closed"
	Merged        bool
	MergeSHA      string
	Draft         bool
	Labels        []string
	Reviewers     []string
	TeamReviewers []string
	Comments      []string
	commentIDs    []int
	Created       time.Time
	Closed        time.Time
}

// Repo is one repository's state; read it through the Emulator's methods.
type Repo struct {
	owner, name   string
	defaultBranch string
	objs          store
	refs          map[string]string // "heads/main" → commit sha
	pulls         []*PullRequest
	noDrafts      bool
	collaborators map[string]bool
	teams         map[string]bool
	url           string
}

func (r *Repo) full() string { return r.owner + "/" + r.name }

func (r *Repo) htmlURL() string { return r.url + "/" + r.full() }

func (r *Repo) json(base string) map[string]any {
	return map[string]any{
		"id": 1, "name": r.name, "full_name": r.full(), "owner": map[string]any{"login": r.owner},
		"default_branch": r.defaultBranch, "html_url": r.htmlURL(), "private": false,
		"url": base + "/repos/" + r.full(),
	}
}

func (r *Repo) empty() bool { return len(r.refs) == 0 }

var errEmpty = errMsg(409, "Git Repository is empty.", docsRefs)

func (r *Repo) commit(sha string) *Commit {
	if o := r.objs[sha]; o != nil && o.kind == kindCommit {
		return o.commit
	}
	return nil
}

// resolveTree turns a commit SHA, tree SHA or ref name ("main",
// "heads/main", "refs/heads/main", likewise for tags) into a tree SHA.
func (r *Repo) resolveTree(ish string) (string, bool) {
	if _, isObject := r.objs[ish]; !isObject {
		for _, name := range []string{strings.TrimPrefix(ish, "refs/"), "tags/" + ish, "heads/" + ish} {
			if sha, ok := r.refs[name]; ok {
				ish = sha
				break
			}
		}
	}
	o := r.objs[ish]
	switch {
	case o == nil:
		return "", false
	case o.kind == kindCommit:
		return o.commit.Tree, true
	case o.kind == kindTree:
		return ish, true
	}
	return "", false
}

// subtree walks path from tree sha; "" is the tree itself.
func (r *Repo) subtree(sha, path string) (string, bool) {
	if path == "" {
		return sha, true
	}
	for _, name := range strings.Split(strings.Trim(path, "/"), "/") {
		o := r.objs[sha]
		if o == nil || o.kind != kindTree {
			return "", false
		}
		found := false
		for _, e := range o.tree {
			if e.Name == name && e.Mode == ModeTree {
				sha, found = e.SHA, true
				break
			}
		}
		if !found {
			return "", false
		}
	}
	return sha, true
}

func (r *Repo) getBranch(name string) (int, any, error) {
	sha, ok := r.refs["heads/"+name]
	if !ok {
		return 0, nil, errMsg(404, "Branch not found", docsBranches)
	}
	c := r.commit(sha)
	parents := []any{}
	for _, p := range c.Parents {
		parents = append(parents, map[string]any{"sha": p})
	}
	return 200, map[string]any{
		"name": name,
		"commit": map[string]any{
			"sha": sha,
			"commit": map[string]any{
				"tree": map[string]any{"sha": c.Tree}, "message": c.Message,
				"author": sigJSON(c.Author), "committer": sigJSON(c.Committer),
			},
			"parents": parents,
		},
		"protected": false,
	}, nil
}

func (r *Repo) refJSON(name, sha string) map[string]any {
	return map[string]any{
		"ref": "refs/" + name, "node_id": "REF_" + name,
		"object": map[string]any{"sha": sha, "type": "commit"},
	}
}

func (r *Repo) getRef(name string) (int, any, error) {
	if r.empty() {
		return 0, nil, errEmpty
	}
	sha, ok := r.refs[name]
	if !ok {
		return 0, nil, notFound(docsRefs + "#get-a-reference")
	}
	return 200, r.refJSON(name, sha), nil
}

func str(in map[string]json.RawMessage, key string) (string, bool) {
	raw, ok := in[key]
	if !ok || string(raw) == "null" {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

func (r *Repo) createRef(in map[string]json.RawMessage) (int, any, error) {
	ref, _ := str(in, "ref")
	sha, _ := str(in, "sha")
	if !strings.HasPrefix(ref, "refs/") || strings.Count(ref, "/") < 2 || strings.Contains(ref, "..") {
		return 0, nil, errMsg(422, "Reference name is invalid", docsRefs+"#create-a-reference")
	}
	if r.commit(sha) == nil {
		return 0, nil, errMsg(422, "Object does not exist", docsRefs+"#create-a-reference")
	}
	name := strings.TrimPrefix(ref, "refs/")
	if _, ok := r.refs[name]; ok {
		return 0, nil, errMsg(422, "Reference already exists", docsRefs+"#create-a-reference")
	}
	r.refs[name] = sha
	if r.defaultBranch == "" {
		r.defaultBranch = strings.TrimPrefix(name, "heads/")
	}
	r.syncPulls()
	return 201, r.refJSON(name, sha), nil
}

func (r *Repo) updateRef(name string, in map[string]json.RawMessage) (int, any, error) {
	sha, _ := str(in, "sha")
	var force bool
	_ = json.Unmarshal(in["force"], &force)
	old, ok := r.refs[name]
	if !ok {
		return 0, nil, errMsg(422, "Reference does not exist", docsRefs+"#update-a-reference")
	}
	if r.commit(sha) == nil {
		return 0, nil, errMsg(422, "Object does not exist", docsRefs+"#update-a-reference")
	}
	if !force && !r.objs.isAncestor(old, sha) {
		return 0, nil, errMsg(422, "Update is not a fast forward", docsRefs+"#update-a-reference")
	}
	r.refs[name] = sha
	r.syncPulls()
	return 200, r.refJSON(name, sha), nil
}

func (r *Repo) deleteRef(name string) (int, any, error) {
	if _, ok := r.refs[name]; !ok {
		return 0, nil, errMsg(422, "Reference does not exist", docsRefs+"#delete-a-reference")
	}
	delete(r.refs, name)
	r.syncPulls()
	return 204, nil, nil
}

// syncPulls makes open pull requests follow their branches as GitHub does:
// the head SHA tracks the branch, a deleted head branch closes the PR, and a
// head that became reachable from the base marks it merged.
func (r *Repo) syncPulls() {
	for _, pr := range r.pulls {
		if pr.State != "open" {
			continue
		}
		sha, ok := r.refs["heads/"+pr.Head]
		if !ok {
			pr.State = "closed"
			pr.Closed = time.Now().UTC()
			continue
		}
		pr.HeadSHA = sha
		if base, ok := r.refs["heads/"+pr.Base]; ok && r.objs.isAncestor(sha, base) {
			pr.State, pr.Merged, pr.MergeSHA, pr.Closed = "closed", true, base, time.Now().UTC()
		}
	}
}

func entryType(mode string) string {
	switch mode {
	case ModeTree:
		return "tree"
	case "160000":
		return "commit"
	}
	return "blob"
}

// listing collects tree entries as GitHub's "Get a tree" returns them, in
// `git ls-tree -r -t` order (each tree before its contents), and stops at
// the first entry past maxEntries or maxBytes (0: no cap), as GitHub
// truncates recursive listings.
type listing struct {
	entries              []any
	maxEntries, maxBytes int
	bytes                int
	truncated            bool
}

// lsTreeLen is the length of the `git ls-tree -z` record for an entry:
// "MODE TYPE SHA\tPATH\0".
func lsTreeLen(mode, path string) int {
	return len(mode) + 1 + len(entryType(mode)) + 1 + 40 + 1 + len(path) + 1
}

func (r *Repo) walk(sha, prefix string, recursive bool, l *listing) {
	for _, e := range r.objs[sha].tree {
		path := prefix + e.Name
		n := lsTreeLen(e.Mode, path)
		if (l.maxEntries > 0 && len(l.entries) >= l.maxEntries) || (l.maxBytes > 0 && l.bytes+n > l.maxBytes) {
			l.truncated = true
			return
		}
		l.bytes += n
		m := map[string]any{"path": path, "mode": e.Mode, "type": entryType(e.Mode), "sha": e.SHA}
		if e.Mode != ModeTree {
			m["size"] = len(r.objs[e.SHA].data)
		}
		l.entries = append(l.entries, m)
		if recursive && e.Mode == ModeTree {
			if r.walk(e.SHA, path+"/", true, l); l.truncated {
				return
			}
		}
	}
}

// treeJSON renders tree sha, capped as listing says when recursive.
func (r *Repo) treeJSON(sha string, recursive bool, maxEntries, maxBytes int) map[string]any {
	l := &listing{entries: []any{}}
	if recursive {
		l.maxEntries, l.maxBytes = maxEntries, maxBytes
	}
	r.walk(sha, "", recursive, l)
	return map[string]any{"sha": sha, "tree": l.entries, "truncated": l.truncated}
}

// getTree answers GET git/trees/{ish}: ish is a tree or commit SHA, a ref
// name, or either followed by ":path" for the subtree at path (GitHub's
// tree-ish form); 404 when that names no tree.
func (r *Repo) getTree(ish string, recursive bool, maxEntries, maxBytes int) (int, any, error) {
	if r.empty() {
		return 0, nil, errEmpty
	}
	base, path, _ := strings.Cut(ish, ":")
	sha, ok := r.resolveTree(base)
	if ok {
		sha, ok = r.subtree(sha, path)
	}
	if !ok {
		return 0, nil, notFound(docsTrees)
	}
	return 200, r.treeJSON(sha, recursive, maxEntries, maxBytes), nil
}

func validPath(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") {
		return false
	}
	for _, s := range strings.Split(p, "/") {
		if s == "" || s == "." || s == ".." || s == ".git" {
			return false
		}
	}
	return true
}

func (r *Repo) createTree(in map[string]json.RawMessage) (int, any, error) {
	files := map[string]TreeEntry{}
	if baseTree, ok := str(in, "base_tree"); ok {
		o := r.objs[baseTree]
		if o == nil || o.kind != kindTree {
			return 0, nil, errMsg(422, "base_tree is not a valid tree oid", docsTrees)
		}
		r.objs.flatten(baseTree, "", files)
	}
	var entries []map[string]json.RawMessage
	if err := json.Unmarshal(in["tree"], &entries); err != nil {
		return 0, nil, errMsg(422, "Invalid tree info", docsTrees)
	}
	for _, e := range entries {
		path, _ := str(e, "path")
		mode, _ := str(e, "mode")
		if !validPath(path) {
			return 0, nil, errMsg(422, "tree.path contains a malformed path component", docsTrees)
		}
		if mode == "" {
			mode = ModeFile
		}
		if content, ok := str(e, "content"); ok {
			files[path] = TreeEntry{Mode: mode, SHA: r.objs.putBlob([]byte(content))}
			continue
		}
		sha, hasSHA := str(e, "sha")
		if !hasSHA {
			if _, present := e["sha"]; !present {
				return 0, nil, errMsg(422, "Must supply either tree.sha or tree.content", docsTrees)
			}
			if _, ok := files[path]; !ok {
				return 0, nil, errMsg(422, "GitRPC::BadObjectState", docsTrees)
			}
			delete(files, path)
			continue
		}
		o := r.objs[sha]
		if o == nil {
			return 0, nil, errMsg(422, "tree.sha "+sha+" is not a valid blob", docsTrees)
		}
		if o.kind == kindTree {
			prefix := path + "/"
			for p := range files {
				if strings.HasPrefix(p, prefix) {
					delete(files, p)
				}
			}
			r.objs.flatten(sha, prefix, files)
			continue
		}
		files[path] = TreeEntry{Mode: mode, SHA: sha}
	}
	sha, err := r.objs.buildTree(files)
	if err != nil {
		return 0, nil, errMsg(422, "GitRPC::BadObjectState", docsTrees)
	}
	return 201, r.treeJSON(sha, false, 0, 0), nil
}

type rawBody []byte

func (r *Repo) getBlob(sha string, raw bool) (int, any, error) {
	if r.empty() {
		return 0, nil, errEmpty
	}
	o := r.objs[sha]
	if o == nil || o.kind != kindBlob {
		return 0, nil, notFound("https://docs.github.com/rest/git/blobs#get-a-blob")
	}
	if raw {
		return 200, rawBody(o.data), nil
	}
	return 200, map[string]any{"sha": sha, "size": len(o.data), "encoding": "base64",
		"content": base64.StdEncoding.EncodeToString(o.data)}, nil
}

func (r *Repo) createBlob(in map[string]json.RawMessage) (int, any, error) {
	content, ok := str(in, "content")
	if !ok {
		return 0, nil, errMsg(422, "Invalid request.\n\n\"content\" wasn't supplied.", docsRest)
	}
	data := []byte(content)
	if enc, _ := str(in, "encoding"); enc == "base64" {
		d, err := base64.StdEncoding.DecodeString(content)
		if err != nil {
			return 0, nil, errMsg(422, "Invalid request.\n\nBad base64.", docsRest)
		}
		data = d
	}
	return 201, map[string]any{"sha": r.objs.putBlob(data)}, nil
}

func sigJSON(s Signature) map[string]any {
	return map[string]any{"name": s.Name, "email": s.Email, "date": s.When.UTC().Format(time.RFC3339)}
}

func (r *Repo) commitJSON(c *Commit) map[string]any {
	parents := []any{}
	for _, p := range c.Parents {
		parents = append(parents, map[string]any{"sha": p})
	}
	return map[string]any{"sha": c.SHA, "tree": map[string]any{"sha": c.Tree}, "parents": parents,
		"author": sigJSON(c.Author), "committer": sigJSON(c.Committer), "message": c.Message,
		"html_url": r.htmlURL() + "/commit/" + c.SHA}
}

func (r *Repo) getCommit(sha string) (int, any, error) {
	if r.empty() {
		return 0, nil, errEmpty
	}
	c := r.commit(sha)
	if c == nil {
		return 0, nil, notFound("https://docs.github.com/rest/git/commits#get-a-commit")
	}
	return 200, r.commitJSON(c), nil
}

func parseSig(raw json.RawMessage, def Signature) (Signature, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return def, nil
	}
	var s struct {
		Name, Email string
		Date        *time.Time
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return def, err
	}
	out := Signature{Name: s.Name, Email: s.Email, When: def.When}
	if s.Date != nil {
		out.When = *s.Date
	}
	if out.Name == "" || out.Email == "" {
		return def, fmt.Errorf("author needs name and email")
	}
	return out, nil
}

func (r *Repo) createCommit(in map[string]json.RawMessage, now func() time.Time) (int, any, error) {
	msg, ok := str(in, "message")
	if !ok {
		return 0, nil, errMsg(422, "Invalid request.\n\n\"message\" wasn't supplied.", docsRest)
	}
	tree, _ := str(in, "tree")
	if o := r.objs[tree]; o == nil || o.kind != kindTree {
		return 0, nil, errMsg(422, "Tree SHA does not exist", docsRest)
	}
	var parents []string
	_ = json.Unmarshal(in["parents"], &parents)
	for _, p := range parents {
		if r.commit(p) == nil {
			return 0, nil, errMsg(422, "Parent SHA does not exist or is not a commit object", docsRest)
		}
	}
	def := Signature{Name: botLogin, Email: botLogin + "@users.noreply.github.com", When: now()}
	author, err := parseSig(in["author"], def)
	if err != nil {
		return 0, nil, errMsg(422, "Invalid request.\n\nInvalid author.", docsRest)
	}
	committer, err := parseSig(in["committer"], author)
	if err != nil {
		return 0, nil, errMsg(422, "Invalid request.\n\nInvalid committer.", docsRest)
	}
	c := Commit{Tree: tree, Parents: parents, Author: author, Committer: committer, Message: msg}
	c.SHA = r.objs.putCommit(c)
	return 201, r.commitJSON(&c), nil
}

func (r *Repo) pullJSON(pr *PullRequest) map[string]any {
	var mergedAt, closedAt any
	if !pr.Closed.IsZero() {
		closedAt = pr.Closed.Format(time.RFC3339)
		if pr.Merged {
			mergedAt = closedAt
		}
	}
	labels := []any{}
	for _, l := range pr.Labels {
		labels = append(labels, map[string]any{"name": l})
	}
	reviewers := []any{}
	for _, l := range pr.Reviewers {
		reviewers = append(reviewers, map[string]any{"login": l})
	}
	teams := []any{}
	for _, l := range pr.TeamReviewers {
		teams = append(teams, map[string]any{"slug": l})
	}
	return map[string]any{
		"number": pr.Number, "state": pr.State, "title": pr.Title, "body": pr.Body, "draft": pr.Draft,
		"html_url": r.htmlURL() + "/pull/" + strconv.Itoa(pr.Number),
		"head": map[string]any{"ref": pr.Head, "sha": pr.HeadSHA, "label": r.owner + ":" + pr.Head,
			"repo": map[string]any{"full_name": r.full()}},
		"base":   map[string]any{"ref": pr.Base, "sha": r.refs["heads/"+pr.Base], "label": r.owner + ":" + pr.Base},
		"merged": pr.Merged, "merged_at": mergedAt, "closed_at": closedAt,
		"created_at": pr.Created.Format(time.RFC3339), "user": map[string]any{"login": botLogin},
		"labels": labels, "requested_reviewers": reviewers, "requested_teams": teams,
	}
}

func (r *Repo) listPulls(q url.Values) (int, any, error) {
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	head := q.Get("head")
	var headOwner, headBranch string
	if o, b, ok := strings.Cut(head, ":"); ok {
		headOwner, headBranch = o, b
	} // a bare branch name is ignored, as GitHub does
	var list []*PullRequest
	for i := len(r.pulls) - 1; i >= 0; i-- { // created, descending
		pr := r.pulls[i]
		if state != "all" && pr.State != state {
			continue
		}
		if headBranch != "" && (headOwner != r.owner || pr.Head != headBranch) {
			continue
		}
		if b := q.Get("base"); b != "" && pr.Base != b {
			continue
		}
		list = append(list, pr)
	}
	if q.Get("direction") == "asc" {
		sort.Slice(list, func(i, j int) bool { return list[i].Number < list[j].Number })
	}
	items := make([]any, len(list))
	for i, pr := range list {
		items[i] = pr
	}
	out := paginate(items, q).items
	for i, pr := range out {
		out[i] = r.pullJSON(pr.(*PullRequest))
	}
	return 200, out, nil
}

func (r *Repo) createPull(in map[string]json.RawMessage, now func() time.Time) (int, any, error) {
	title, _ := str(in, "title")
	head, _ := str(in, "head")
	base, _ := str(in, "base")
	body, _ := str(in, "body")
	var draft bool
	_ = json.Unmarshal(in["draft"], &draft)
	if title == "" {
		return 0, nil, errValidation("", "title", docsPulls)
	}
	if o, b, ok := strings.Cut(head, ":"); ok {
		if o != r.owner {
			return 0, nil, errValidation("", "head", docsPulls)
		}
		head = b
	}
	headSHA, ok := r.refs["heads/"+head]
	if !ok {
		return 0, nil, &apiError{status: 422, body: map[string]any{"message": "Validation Failed",
			"errors": []any{map[string]any{"resource": "PullRequest", "field": "head", "code": "invalid"}}, "documentation_url": docsPulls}}
	}
	baseSHA, ok := r.refs["heads/"+base]
	if !ok {
		return 0, nil, &apiError{status: 422, body: map[string]any{"message": "Validation Failed",
			"errors": []any{map[string]any{"resource": "PullRequest", "field": "base", "code": "invalid"}}, "documentation_url": docsPulls}}
	}
	for _, pr := range r.pulls {
		if pr.State == "open" && pr.Head == head && pr.Base == base {
			return 0, nil, errValidation("A pull request already exists for "+r.owner+":"+head+".", "", docsPulls)
		}
	}
	if draft && r.noDrafts {
		return 0, nil, errValidation("Draft pull requests are not supported in this repository.", "draft", docsPulls)
	}
	if r.objs.isAncestor(headSHA, baseSHA) {
		return 0, nil, errValidation("No commits between "+base+" and "+head, "", docsPulls)
	}
	pr := &PullRequest{Number: len(r.pulls) + 1, Title: title, Body: body, Head: head, Base: base,
		HeadSHA: headSHA, BaseSHA: baseSHA, State: "open", Draft: draft, Created: now()}
	r.pulls = append(r.pulls, pr)
	return 201, r.pullJSON(pr), nil
}

func (r *Repo) withPull(num string, fn func(*PullRequest) (int, any, error)) (int, any, error) {
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > len(r.pulls) {
		return 0, nil, notFound(docsRest)
	}
	return fn(r.pulls[n-1])
}

func (r *Repo) editPull(pr *PullRequest, in map[string]json.RawMessage, now func() time.Time) (int, any, error) {
	if t, ok := str(in, "title"); ok {
		pr.Title = t
	}
	if b, ok := str(in, "body"); ok {
		pr.Body = b
	}
	if s, ok := str(in, "state"); ok && s != pr.State {
		switch s {
		case "closed":
			pr.State, pr.Closed = "closed", now()
		case "open":
			if pr.Merged {
				return 0, nil, errMsg(422, "Cannot reopen a merged pull request", docsRest)
			}
			if sha, ok := r.refs["heads/"+pr.Head]; !ok || sha != pr.HeadSHA {
				return 0, nil, errValidation("state cannot be changed. The "+pr.Head+" branch has been force-pushed or recreated.", "state", docsRest)
			}
			pr.State, pr.Closed = "open", time.Time{}
		default:
			return 0, nil, errValidation("", "state", docsRest)
		}
	}
	return 200, r.pullJSON(pr), nil
}

func (r *Repo) requestReviewers(pr *PullRequest, in map[string]json.RawMessage) (int, any, error) {
	var users, teams []string
	_ = json.Unmarshal(in["reviewers"], &users)
	_ = json.Unmarshal(in["team_reviewers"], &teams)
	for _, u := range users {
		if !r.collaborators[u] {
			return 0, nil, errMsg(422, "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the "+r.full()+" repository.", docsReview)
		}
	}
	for _, t := range teams {
		if !r.teams[t] {
			return 0, nil, errMsg(422, "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the "+r.full()+" repository.", docsReview)
		}
	}
	for _, u := range users {
		if !contains(pr.Reviewers, u) {
			pr.Reviewers = append(pr.Reviewers, u)
		}
	}
	for _, t := range teams {
		if !contains(pr.TeamReviewers, t) {
			pr.TeamReviewers = append(pr.TeamReviewers, t)
		}
	}
	return 201, r.pullJSON(pr), nil
}

// mergeBase returns the first ancestor of b (breadth first) that is also an
// ancestor of a.
func (r *Repo) mergeBase(a, b string) string {
	anc := map[string]bool{}
	stack := []string{a}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if anc[c] {
			continue
		}
		anc[c] = true
		if cm := r.commit(c); cm != nil {
			stack = append(stack, cm.Parents...)
		}
	}
	queue := []string{b}
	seen := map[string]bool{}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if anc[c] {
			return c
		}
		if seen[c] {
			continue
		}
		seen[c] = true
		if cm := r.commit(c); cm != nil {
			queue = append(queue, cm.Parents...)
		}
	}
	return ""
}

func (r *Repo) files(commitSHA string) map[string]TreeEntry {
	out := map[string]TreeEntry{}
	if c := r.commit(commitSHA); c != nil {
		r.objs.flatten(c.Tree, "", out)
	}
	return out
}

// merge merges pr into its base with method "merge" (default), "squash" or
// "rebase" (treated as squash); file-level three-way merge, conflicts refused.
func (r *Repo) merge(pr *PullRequest, method string, now func() time.Time) (string, error) {
	if pr.State != "open" {
		return "", errMsg(405, "Pull Request is not mergeable", docsMerge)
	}
	base := r.refs["heads/"+pr.Base]
	head := pr.HeadSHA
	mb := r.mergeBase(base, head)
	bf, hf, of := r.files(base), r.files(head), r.files(mb)
	out := map[string]TreeEntry{}
	for p, e := range bf {
		out[p] = e
	}
	paths := map[string]bool{}
	for p := range hf {
		paths[p] = true
	}
	for p := range of {
		paths[p] = true
	}
	for p := range paths {
		h, inH := hf[p]
		o, inO := of[p]
		if inH == inO && h == o {
			continue // unchanged on the head side
		}
		b, inB := bf[p]
		if (inB != inO || b != o) && (inB != inH || b != h) {
			return "", errMsg(405, "Pull Request is not mergeable", docsMerge)
		}
		if inH {
			out[p] = h
		} else {
			delete(out, p)
		}
	}
	tree, err := r.objs.buildTree(out)
	if err != nil {
		return "", err
	}
	sig := Signature{Name: "Human Maintainer", Email: "human@example.com", When: now()}
	parents := []string{base, head}
	msg := fmt.Sprintf("Merge pull request #%d from %s/%s\n\n%s", pr.Number, r.owner, pr.Head, pr.Title)
	if method == "squash" || method == "rebase" {
		parents = []string{base}
		msg = fmt.Sprintf("%s (#%d)", pr.Title, pr.Number)
	}
	sha := r.objs.putCommit(Commit{Tree: tree, Parents: parents, Author: sig, Committer: sig, Message: msg})
	r.refs["heads/"+pr.Base] = sha
	pr.State, pr.Merged, pr.MergeSHA, pr.Closed = "closed", true, sha, now()
	r.syncPulls()
	return sha, nil
}

// page is one page of a list answer; serve sends its items with GitHub's
// Link header (rel next and last) when there are more pages.
type page struct {
	items          []any
	num, last, per int
}

// paginate returns the page of items that q asks for (per_page, default
// 30, at most 100; page from 1), in the order given.
func paginate(items []any, q url.Values) page {
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 || per > 100 {
		per = 30
	}
	num, _ := strconv.Atoi(q.Get("page"))
	if num <= 0 {
		num = 1
	}
	last := max(1, (len(items)+per-1)/per)
	out := []any{}
	for i := (num - 1) * per; i < len(items) && i < num*per; i++ {
		out = append(out, items[i])
	}
	return page{items: out, num: num, last: last, per: per}
}

// link is the Link header of the page at URL u, "" for a single page.
func (p page) link(u string) string {
	if p.last <= 1 {
		return ""
	}
	at := func(n int, rel string) string {
		return fmt.Sprintf("<%s?per_page=%d&page=%d>; rel=%q", u, p.per, n, rel)
	}
	var parts []string
	if p.num < p.last {
		parts = append(parts, at(p.num+1, "next"), at(p.last, "last"))
	}
	if p.num > 1 {
		parts = append(parts, at(1, "first"), at(p.num-1, "prev"))
	}
	return strings.Join(parts, ", ")
}

package githubsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/google/go-github/v60/github"
	"github.com/pathwaysync/pathwaysync/manifest"
)

// PullRequestOptions describe the bot PR.
type PullRequestOptions struct {
	Title         string // default "Update career pathways"
	Labels        []string
	Reviewers     []string
	TeamReviewers []string
	Draft         bool
}

// CommitOptions describe the bot commit; an empty author means the
// authenticated account.
type CommitOptions struct {
	AuthorName, AuthorEmail string
	Message                 string // default "Update career pathways"
}

// Options configure a Publisher.
type Options struct {
	Repository  string // "owner/name"
	BaseBranch  string // "" = the repository's default branch (looked up once per Publisher)
	Branch      string // the bot branch; default "pathwaysync/update"
	Path        string // the managed folder, e.g. "catalog/pathways": the only place written
	PullRequest PullRequestOptions
	Commit      CommitOptions
	// MaxDeletions caps how many managed pathways one sync may delete:
	// negative means "refuse when more than half would be deleted, or the
	// files hold no pathway"; 0 refuses any deletion.
	MaxDeletions      int
	AllowMassDeletion bool // override the guard
	DryRun            bool // read everything, write nothing; a refusal by the guard becomes a warning
	Logger            *slog.Logger
}

// Publisher publishes generated trees to one repository folder.
type Publisher struct {
	c   *Client
	o   Options
	api repoAPI
	log *slog.Logger

	mu   sync.Mutex
	base string // cached default branch
}

const (
	defaultBranch  = "pathwaysync/update"
	defaultTitle   = "Update career pathways"
	trailer        = "Pathwaysync-Fingerprint: "
	maxSyncRetries = 3
)

// NewPublisher validates o and returns a Publisher using c.
func NewPublisher(c *Client, o Options) (*Publisher, error) {
	if c == nil {
		return nil, fmt.Errorf("new publisher: nil client")
	}
	owner, name, ok := strings.Cut(o.Repository, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return nil, fmt.Errorf("new publisher: repository %q is not owner/name", o.Repository)
	}
	o.Path = strings.Trim(o.Path, "/")
	if !cleanRel(o.Path) {
		return nil, fmt.Errorf("new publisher: path %q must be a non-empty folder inside the repository (no '..')", o.Path)
	}
	if o.Branch == "" {
		o.Branch = defaultBranch
	}
	if o.Branch == o.BaseBranch {
		return nil, fmt.Errorf("new publisher: the bot branch %q cannot be the base branch", o.Branch)
	}
	if o.PullRequest.Title == "" {
		o.PullRequest.Title = defaultTitle
	}
	if o.Commit.Message == "" {
		o.Commit.Message = defaultTitle
	}
	if (o.Commit.AuthorName == "") != (o.Commit.AuthorEmail == "") {
		return nil, fmt.Errorf("new publisher: commit author needs both name and email")
	}
	log := o.Logger
	if log == nil {
		log = c.log
	}
	log = log.With("repository", o.Repository, "path", o.Path)
	return &Publisher{c: c, o: o, api: repoAPI{c: c, owner: owner, name: name}, log: log}, nil
}

// errResync asks Publish to read the repository again and recompute.
var errResync = errors.New("repository changed during sync")

// Publish makes Options.Path on the base branch match files (slash paths
// relative to Options.Path, including manifest.FileName) through one pull
// request; see the package documentation for the steps and rules.
func (p *Publisher) Publish(ctx context.Context, files map[string][]byte) (res *Result, err error) {
	ctx, cnt := withCounter(ctx)
	defer func() {
		if res != nil {
			res.Requests, res.Writes = cnt.get()
		}
	}()
	want, err := p.prepare(files)
	if err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		res, err = p.publishOnce(ctx, want)
		if !errors.Is(err, errResync) {
			break
		}
		if attempt == maxSyncRetries {
			return nil, &Error{Op: "publish", Transient: true, Err: err,
				Hint: fmt.Sprintf("the repository kept changing during %d attempts", attempt)}
		}
		p.log.Info("repository changed during sync, recomputing", "attempt", attempt)
	}
	if err == nil {
		p.log.Info("sync done", "action", res.Action, "pr", res.PRNumber, "added", len(res.Added),
			"modified", len(res.Modified), "deleted", len(res.Deleted))
	}
	return res, err
}

// desired is the validated input of a sync.
type desired struct {
	files       map[string][]byte
	blobs       map[string]string // path → blob sha
	manifest    *manifest.Manifest
	fingerprint string
}

func (p *Publisher) prepare(files map[string][]byte) (*desired, error) {
	d := &desired{files: files, blobs: make(map[string]string, len(files))}
	for path, data := range files {
		if !cleanRel(path) {
			return nil, fmt.Errorf("publish: file path %q is not a clean relative path", path)
		}
		d.blobs[path] = blobSHA(data)
	}
	paths := make([]string, 0, len(files))
	for path := range files {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for i := 1; i < len(paths); i++ {
		if strings.HasPrefix(paths[i], paths[i-1]+"/") {
			return nil, fmt.Errorf("publish: %q is both a file and a folder", paths[i-1])
		}
	}
	raw, ok := files[manifest.FileName]
	if !ok {
		return nil, fmt.Errorf("publish: files lack %s", manifest.FileName)
	}
	m, err := manifest.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	d.manifest = m
	d.fingerprint = treeSHA(d.blobs)
	return d, nil
}

func (p *Publisher) baseBranch(ctx context.Context) (string, error) {
	if p.o.BaseBranch != "" {
		return p.o.BaseBranch, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.base != "" {
		return p.base, nil
	}
	b, err := p.api.defaultBranch(ctx)
	if err != nil {
		return "", err
	}
	if b == "" {
		return "", fmt.Errorf("get repository: %w: no default branch", ErrEmptyRepository)
	}
	if b == p.o.Branch {
		return "", fmt.Errorf("publish: the bot branch %q is the repository's default branch", b)
	}
	p.base = b
	return b, nil
}

// readBase returns the base head commit and root tree, with clear errors
// for an empty repository and a missing branch.
func (p *Publisher) readBase(ctx context.Context, base string) (string, string, error) {
	commit, tree, err := p.api.branch(ctx, base)
	var e *Error
	if err == nil || !errors.As(err, &e) || e.Status != http.StatusNotFound {
		return commit, tree, err
	}
	// Tell an empty repository (409 on git reads) from a missing branch.
	_, rerr := p.api.ref(ctx, base)
	if errors.Is(rerr, ErrEmptyRepository) {
		return "", "", rerr
	}
	return "", "", &Error{Op: "get branch " + base, Status: http.StatusNotFound, Err: ErrBaseBranchNotFound,
		Hint: fmt.Sprintf("base branch %q does not exist in %s (or the token cannot read it)", base, p.o.Repository)}
}

type baseFile struct{ sha, mode string }

// readSubtree lists the blobs under Options.Path at commit; absent folder
// gives an empty map.
func (p *Publisher) readSubtree(ctx context.Context, commit string) (map[string]baseFile, error) {
	t, err := p.api.tree(ctx, commit+":"+escapePath(p.o.Path), true)
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusNotFound {
		return map[string]baseFile{}, nil
	}
	if err != nil {
		return nil, err
	}
	if t.GetTruncated() {
		return nil, fmt.Errorf("read %s: GitHub truncated the tree listing; the folder is too large to diff safely", p.o.Path)
	}
	out := make(map[string]baseFile, len(t.Entries))
	for _, e := range t.Entries {
		if e.GetType() == "blob" {
			out[e.GetPath()] = baseFile{sha: e.GetSHA(), mode: e.GetMode()}
		}
	}
	return out, nil
}

func (p *Publisher) compareURL(prURL, base string) string {
	root := p.c.htmlBase + "/" + p.o.Repository
	if i := strings.LastIndex(prURL, "/pull/"); i > 0 {
		root = prURL[:i]
	}
	return root + "/compare/" + escapePath(base) + "..." + escapePath(p.o.Branch)
}

func (p *Publisher) publishOnce(ctx context.Context, want *desired) (*Result, error) {
	res := &Result{}
	base, err := p.baseBranch(ctx)
	if err != nil {
		return nil, err
	}
	baseSHA, baseTree, err := p.readBase(ctx, base)
	if err != nil {
		return nil, err
	}
	have, err := p.readSubtree(ctx, baseSHA)
	if err != nil {
		return nil, err
	}
	for path, sha := range want.blobs {
		switch h, ok := have[path]; {
		case !ok:
			res.Added = append(res.Added, path)
		case h.sha != sha || h.mode != "100644":
			res.Modified = append(res.Modified, path)
		}
	}
	for path := range have {
		if _, ok := want.blobs[path]; !ok {
			res.Deleted = append(res.Deleted, path)
		}
	}
	sort.Strings(res.Added)
	sort.Strings(res.Modified)
	sort.Strings(res.Deleted)
	diff := len(res.Added)+len(res.Modified)+len(res.Deleted) > 0

	open, err := p.api.pulls(ctx, p.o.Branch, base, "open", 10)
	if err != nil {
		return nil, err
	}
	var pr *github.PullRequest
	if len(open) > 0 {
		pr = open[0]
		res.PRNumber, res.PRURL = pr.GetNumber(), pr.GetHTMLURL()
	}
	res.CompareURL = p.compareURL(res.PRURL, base)
	mk := parseMarker(pr.GetBody())

	if !diff {
		return p.absorbed(ctx, res, pr, mk)
	}
	if pr != nil && mk.ok && pr.GetHead().GetSHA() == mk.head && mk.base == baseSHA && mk.fingerprint == want.fingerprint {
		res.Action, res.CommitSHA = "unchanged", mk.head
		if p.o.DryRun {
			res.Action = "dry-run"
			if err := p.describe(ctx, res, want, have); err != nil {
				if !errors.Is(err, ErrMassDeletion) {
					return nil, err
				}
				res.Warnings = append(res.Warnings, "a real sync would be refused: "+err.Error())
			}
			return res, nil
		}
		if pr.GetTitle() != p.o.PullRequest.Title {
			if _, err := p.api.editPR(ctx, pr.GetNumber(), &github.PullRequest{Title: github.String(p.o.PullRequest.Title)}); err != nil {
				return nil, err
			}
			res.Action = "updated"
		}
		return res, nil
	}
	if err := p.describe(ctx, res, want, have); err != nil {
		if !p.o.DryRun || !errors.Is(err, ErrMassDeletion) {
			return nil, err
		}
		res.Warnings = append(res.Warnings, "a real sync would be refused: "+err.Error())
	}
	if p.o.DryRun {
		res.Action = "dry-run"
		return res, nil
	}
	if pr != nil {
		return p.updatePR(ctx, res, want, pr, mk, base, baseSHA, baseTree)
	}
	return p.createPR(ctx, res, want, base, baseSHA, baseTree)
}

// describe reads the base manifest (one request), fills the semantic
// changes and applies the mass-deletion guard.
func (p *Publisher) describe(ctx context.Context, res *Result, want *desired, have map[string]baseFile) error {
	var old *manifest.Manifest
	if h, ok := have[manifest.FileName]; ok {
		raw, err := p.api.blob(ctx, h.sha)
		if err != nil {
			return err
		}
		if old, err = manifest.Parse(raw); err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("base %s unreadable, describing every pathway as added: %v", manifest.FileName, err))
			old = nil
		}
	}
	res.Changes = manifest.Diff(old, want.manifest)
	removed := 0
	for _, c := range res.Changes {
		if c.Type == manifest.Removed {
			removed++
		}
	}
	if p.o.AllowMassDeletion {
		return nil
	}
	managed := 0
	if old != nil {
		managed = len(old.Pathways)
	}
	override := "raise sync.max_deletions or pass --allow-mass-deletion"
	switch {
	case p.o.MaxDeletions < 0 && len(want.manifest.Pathways) == 0:
		return fmt.Errorf("%w: the generated files hold no pathway, so all %d managed pathways would be deleted; %s",
			ErrMassDeletion, managed, override)
	case p.o.MaxDeletions < 0 && removed*2 > managed:
		return fmt.Errorf("%w: %d of %d managed pathways would be deleted (more than half); %s",
			ErrMassDeletion, removed, managed, override)
	case p.o.MaxDeletions >= 0 && removed > p.o.MaxDeletions:
		return fmt.Errorf("%w: %d managed pathways would be deleted, the limit is %d; %s",
			ErrMassDeletion, removed, p.o.MaxDeletions, override)
	}
	return nil
}

func (p *Publisher) body(res *Result, m marker) string {
	return renderBody(bodyInput{path: p.o.Path, changes: res.Changes, added: res.Added, modified: res.Modified,
		deleted: res.Deleted, compareURL: res.CompareURL, marker: m})
}

// ours reports whether commit sha was made by pathwaysync (it carries the
// fingerprint trailer); known is a SHA already known to be ours.
func (p *Publisher) ours(ctx context.Context, sha, known string) (*github.Commit, bool, error) {
	if sha != "" && sha == known {
		return nil, true, nil
	}
	c, err := p.api.commit(ctx, sha)
	if err != nil {
		return nil, false, err
	}
	return c, strings.Contains(c.GetMessage(), "\n"+trailer), nil
}

// absorbed handles "no difference from base": close an open bot PR.
func (p *Publisher) absorbed(ctx context.Context, res *Result, pr *github.PullRequest, mk marker) (*Result, error) {
	res.Action = "unchanged"
	if pr == nil {
		return res, nil
	}
	if p.o.DryRun {
		res.Action = "dry-run"
		res.Warnings = append(res.Warnings, fmt.Sprintf("would close PR #%d: the base branch already holds this content", pr.GetNumber()))
		return res, nil
	}
	_, mine, err := p.ours(ctx, pr.GetHead().GetSHA(), mk.head)
	if err != nil {
		return nil, err
	}
	if err := p.api.comment(ctx, pr.GetNumber(), "The base branch now holds exactly the content this pull request proposed, so pathwaysync is closing it."); err != nil {
		return nil, err
	}
	mk.ok, mk.closedByBot = true, true
	body := pr.GetBody()
	if loc := markerRE.FindAllStringIndex(body, -1); len(loc) > 0 {
		last := loc[len(loc)-1]
		body = body[:last[0]] + mk.String() + body[last[1]:]
	} else {
		body += "\n" + mk.String() + "\n"
	}
	if _, err := p.api.editPR(ctx, pr.GetNumber(), &github.PullRequest{State: github.String("closed"), Body: github.String(body)}); err != nil {
		return nil, err
	}
	res.Action = "closed"
	if !mine {
		res.Warnings = append(res.Warnings, fmt.Sprintf("kept branch %s: it holds commits pathwaysync did not make", p.o.Branch))
		return res, nil
	}
	if err := p.api.deleteRef(ctx, p.o.Branch); err != nil {
		var e *Error
		if !errors.As(err, &e) || e.Status != http.StatusUnprocessableEntity {
			return nil, err
		}
	}
	return res, nil
}

// commit writes ONE tree and ONE commit on the base head.
func (p *Publisher) commit(ctx context.Context, res *Result, want *desired, baseSHA, baseTree string) (commitSHA, treeSHA string, err error) {
	entries := make([]*github.TreeEntry, 0, len(res.Added)+len(res.Modified)+len(res.Deleted))
	for _, list := range [][]string{res.Added, res.Modified} {
		for _, path := range list {
			e := &github.TreeEntry{Path: github.String(p.o.Path + "/" + path), Mode: github.String("100644"), Type: github.String("blob")}
			if data := want.files[path]; utf8.Valid(data) {
				e.Content = github.String(string(data))
			} else {
				// JSON strings cannot carry other bytes: upload a blob (rare).
				sha, err := p.api.createBlob(ctx, data)
				if err != nil {
					return "", "", err
				}
				e.SHA = github.String(sha)
			}
			entries = append(entries, e)
		}
	}
	for _, path := range res.Deleted {
		entries = append(entries, &github.TreeEntry{Path: github.String(p.o.Path + "/" + path),
			Mode: github.String("100644"), Type: github.String("blob")})
	}
	treeSHA, err = p.api.createTree(ctx, baseTree, entries)
	if err != nil {
		return "", "", err
	}
	msg := strings.TrimRight(p.o.Commit.Message, "\n") + "\n\n" + trailer + want.fingerprint + "\n"
	c := &github.Commit{Message: github.String(msg), Tree: &github.Tree{SHA: github.String(treeSHA)},
		Parents: []*github.Commit{{SHA: github.String(baseSHA)}}}
	if p.o.Commit.AuthorName != "" {
		c.Author = &github.CommitAuthor{Name: github.String(p.o.Commit.AuthorName), Email: github.String(p.o.Commit.AuthorEmail)}
	}
	commitSHA, err = p.api.createCommit(ctx, c)
	return commitSHA, treeSHA, err
}

func (p *Publisher) updatePR(ctx context.Context, res *Result, want *desired, pr *github.PullRequest, mk marker, base, baseSHA, baseTree string) (*Result, error) {
	head := pr.GetHead().GetSHA()
	_, mine, err := p.ours(ctx, head, mk.head)
	if err != nil {
		return nil, err
	}
	res.Action = "updated"
	if !mine {
		// A human pushed to the bot branch: never force-push over it.
		res.Warnings = append(res.Warnings, fmt.Sprintf("branch %s has commit %s that pathwaysync did not make; not overwriting it", p.o.Branch, short(head)))
		if mk.warned != head {
			msg := fmt.Sprintf("Commit %s was pushed to `%s` by someone other than pathwaysync, so pathwaysync will not force-push over it. "+
				"The description below shows what the generated content should be; merge or close this pull request and pathwaysync will open a new one.", short(head), p.o.Branch)
			if err := p.api.comment(ctx, pr.GetNumber(), msg); err != nil {
				return nil, err
			}
		}
		m := marker{ok: true, fingerprint: want.fingerprint, base: baseSHA, head: mk.head, warned: head}
		res.CommitSHA = head
		return res, p.editIfChanged(ctx, pr, p.body(res, m))
	}
	commitSHA, _, err := p.commit(ctx, res, want, baseSHA, baseTree)
	if err != nil {
		return nil, err
	}
	// The branch holds only our own commit (checked above): move it.
	if err := p.api.updateRef(ctx, p.o.Branch, commitSHA, true); err != nil {
		var e *Error
		if errors.As(err, &e) && e.Status == http.StatusUnprocessableEntity {
			return nil, fmt.Errorf("%w: %w", errResync, err)
		}
		return nil, err
	}
	res.CommitSHA = commitSHA
	m := marker{ok: true, fingerprint: want.fingerprint, base: baseSHA, head: commitSHA}
	return res, p.editIfChanged(ctx, pr, p.body(res, m))
}

func (p *Publisher) editIfChanged(ctx context.Context, pr *github.PullRequest, body string) error {
	edit := &github.PullRequest{}
	changed := false
	if pr.GetTitle() != p.o.PullRequest.Title {
		edit.Title, changed = github.String(p.o.PullRequest.Title), true
	}
	if pr.GetBody() != body {
		edit.Body, changed = github.String(body), true
	}
	if !changed {
		return nil
	}
	_, err := p.api.editPR(ctx, pr.GetNumber(), edit)
	return err
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

func (p *Publisher) createPR(ctx context.Context, res *Result, want *desired, base, baseSHA, baseTree string) (*Result, error) {
	// A human who closed a PR with exactly this content rejected it.
	closed, err := p.api.pulls(ctx, p.o.Branch, "", "closed", 1)
	if err != nil {
		return nil, err
	}
	closedHead := ""
	if len(closed) > 0 {
		c := closed[0]
		closedHead = c.GetHead().GetSHA()
		cm := parseMarker(c.GetBody())
		if c.MergedAt == nil && cm.ok && !cm.closedByBot && cm.fingerprint == want.fingerprint {
			res.Action = "unchanged"
			res.Warnings = append(res.Warnings, fmt.Sprintf("rejected content: PR #%d (%s) with exactly this content was closed without merging; no new PR until the content changes",
				c.GetNumber(), c.GetHTMLURL()))
			return res, nil
		}
	}
	commitSHA, treeSHA, err := p.commit(ctx, res, want, baseSHA, baseTree)
	if err != nil {
		return nil, err
	}
	if commitSHA, err = p.placeBranch(ctx, commitSHA, treeSHA, baseSHA, closedHead); err != nil {
		return nil, err
	}
	res.CommitSHA = commitSHA
	m := marker{ok: true, fingerprint: want.fingerprint, base: baseSHA, head: commitSHA}
	body := p.body(res, m)
	np := &github.NewPullRequest{Title: github.String(p.o.PullRequest.Title), Head: github.String(p.o.Branch),
		Base: github.String(base), Body: github.String(body), Draft: github.Bool(p.o.PullRequest.Draft)}
	pr, err := p.api.createPR(ctx, np)
	if err != nil && p.o.PullRequest.Draft && errMessage(err, "Draft pull requests are not supported") {
		res.Warnings = append(res.Warnings, "draft pull requests are not supported in this repository; opened a normal pull request")
		np.Draft = github.Bool(false)
		pr, err = p.api.createPR(ctx, np)
	}
	if err != nil && errMessage(err, "A pull request already exists") {
		// A racing sync opened it: that is success, adopt it.
		open, lerr := p.api.pulls(ctx, p.o.Branch, base, "open", 10)
		if lerr != nil {
			return nil, lerr
		}
		if len(open) == 0 {
			return nil, fmt.Errorf("%w: %w", errResync, err)
		}
		res.Action, res.PRNumber, res.PRURL = "updated", open[0].GetNumber(), open[0].GetHTMLURL()
		res.CompareURL = p.compareURL(res.PRURL, base)
		return res, p.editIfChanged(ctx, open[0], p.body(res, m))
	}
	if err != nil {
		return nil, err
	}
	res.Action, res.PRNumber, res.PRURL = "created", pr.GetNumber(), pr.GetHTMLURL()
	res.CompareURL = p.compareURL(res.PRURL, base)
	if len(p.o.PullRequest.Labels) > 0 {
		if err := p.api.addLabels(ctx, pr.GetNumber(), p.o.PullRequest.Labels); err != nil {
			if IsTransient(err) {
				return nil, err
			}
			res.Warnings = append(res.Warnings, fmt.Sprintf("labels not added: %v", err))
		}
	}
	p.requestReviewers(ctx, res, pr.GetNumber())
	return res, nil
}

// requestReviewers asks for every reviewer at once; when GitHub refuses
// the set, each is asked alone and refusals become warnings.
func (p *Publisher) requestReviewers(ctx context.Context, res *Result, n int) {
	users, teams := p.o.PullRequest.Reviewers, p.o.PullRequest.TeamReviewers
	if len(users)+len(teams) == 0 {
		return
	}
	err := p.api.requestReviewers(ctx, n, users, teams)
	if err == nil {
		return
	}
	var e *Error
	if !errors.As(err, &e) || e.Status != http.StatusUnprocessableEntity || len(users)+len(teams) == 1 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("reviewers not requested: %v", err))
		return
	}
	for _, u := range users {
		if err := p.api.requestReviewers(ctx, n, []string{u}, nil); err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("reviewer %s cannot be requested: %v", u, err))
		}
	}
	for _, t := range teams {
		if err := p.api.requestReviewers(ctx, n, nil, []string{t}); err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("team reviewer %s cannot be requested: %v", t, err))
		}
	}
}

// placeBranch points the bot branch at commitSHA when no PR is open; it
// returns the commit the branch ends at (a racing sync's identical commit
// is adopted). A branch whose head is the head of the last closed bot PR
// (closedHead) is preserved by that PR, so it may be reset too.
func (p *Publisher) placeBranch(ctx context.Context, commitSHA, treeSHA, baseSHA, closedHead string) (string, error) {
	err := p.api.createRef(ctx, p.o.Branch, commitSHA)
	if err == nil {
		return commitSHA, nil
	}
	if !errMessage(err, "Reference already exists") {
		return "", err
	}
	head, err := p.api.ref(ctx, p.o.Branch)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Status == http.StatusNotFound {
			return "", fmt.Errorf("%w: %w", errResync, err)
		}
		return "", err
	}
	if head == commitSHA {
		return commitSHA, nil
	}
	c, mine, err := p.ours(ctx, head, "")
	if err != nil {
		return "", err
	}
	if !mine && head == closedHead {
		p.log.Info("resetting bot branch kept by a closed pull request", "branch", p.o.Branch, "head", short(head))
		mine = true
	}
	if !mine {
		return "", &Error{Op: "update branch " + p.o.Branch, Err: ErrForeignBranch,
			Hint: fmt.Sprintf("branch %s has commit %s and no open pull request; delete the branch or configure another one", p.o.Branch, short(head))}
	}
	if c.GetTree().GetSHA() == treeSHA && len(c.Parents) == 1 && c.Parents[0].GetSHA() == baseSHA {
		return head, nil // a racing sync pushed the same content
	}
	if err := p.api.updateRef(ctx, p.o.Branch, commitSHA, true); err != nil {
		return "", err
	}
	return commitSHA, nil
}

// errMessage reports whether err is a GitHub error mentioning msg in its
// message or validation errors.
func errMessage(err error, msg string) bool {
	var er *github.ErrorResponse
	if !errors.As(err, &er) {
		return false
	}
	if strings.Contains(er.Message, msg) {
		return true
	}
	for _, e := range er.Errors {
		if strings.Contains(e.Message, msg) {
			return true
		}
	}
	return false
}

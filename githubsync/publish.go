package githubsync

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/pathwaysync/pathwaysync/internal/gitobj"
	"github.com/pathwaysync/pathwaysync/manifest"
)

// Defaults of Options; the configuration's defaults are these.
const (
	DefaultBranch = "pathwaysync/update"
	// DefaultPRTitle is the PR title template: SummaryPlaceholder becomes
	// the tally of pathway changes, e.g. "Learning pathways: 2 changed, 1 added".
	DefaultPRTitle       = "Learning pathways: " + SummaryPlaceholder
	DefaultCommitMessage = "Update learning pathways"
	// DefaultAuthorName and DefaultAuthorEmail are the recommended commit
	// author: GitHub's no-reply address shows the bot's commits as such.
	// (The zero CommitOptions commit as the authenticated account.)
	DefaultAuthorName  = "pathwaysync"
	DefaultAuthorEmail = "pathwaysync@users.noreply.github.com"
	// DefaultMaxDeletions is the recommended Options.MaxDeletions: refuse
	// when more than half of the managed pathways would be deleted. (The
	// zero value of Options.MaxDeletions refuses every deletion.)
	DefaultMaxDeletions = -1
)

// PullRequestOptions describe the bot PR.
type PullRequestOptions struct {
	// Title is a template: SummaryPlaceholder ("{summary}") is replaced
	// by the tally of pathway changes. Default DefaultPRTitle. A title a
	// person edited on the PR is kept.
	Title         string
	Labels        []string
	Reviewers     []string
	TeamReviewers []string
	Draft         bool
}

// CommitOptions describe the bot commit; an empty author means the
// authenticated account.
type CommitOptions struct {
	AuthorName, AuthorEmail string
	Message                 string // default DefaultCommitMessage
}

// Options configure a Publisher.
type Options struct {
	Repository  string // "owner/name"
	BaseBranch  string // "" = the repository's default branch (looked up once per Publisher)
	Branch      string // the bot branch; default DefaultBranch
	Path        string // the managed folder, e.g. "catalog/pathways": the only place written
	PullRequest PullRequestOptions
	Commit      CommitOptions
	// MaxDeletions caps how many managed pathways one sync may delete:
	// -1 (DefaultMaxDeletions) means "refuse when more than half would be
	// deleted, or the files hold no pathway"; 0 refuses any deletion.
	MaxDeletions      int
	AllowMassDeletion bool // override the guard
	// TreeRequestBytes is the most bytes of one POST git/trees body
	// (default DefaultTreeRequestBytes): a larger change is written as a
	// chain of trees, committed once.
	TreeRequestBytes int
	// DryRun reads and plans as a real sync does (the plan is the same)
	// but applies nothing: Result.Action is ActionDryRun, Result.Planned
	// what a real sync would do, and a refusal by the guard, a PR that
	// would be closed or retitled become warnings.
	DryRun bool
	// BackstageURL, when set, is the Backstage base URL (e.g.
	// "https://backstage.example.com"): PR bodies link to the pathways in
	// its catalog.
	BackstageURL string
	// Cache, when set, keeps folder listings and blobs by SHA across
	// syncs (see Cache); nil reads them from GitHub each sync.
	Cache  Cache
	Logger *slog.Logger
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
	trailer        = "Pathwaysync-Fingerprint: "
	maxSyncRetries = 3
	maxPlanRounds  = 8 // decide asks for at most seven rounds of on-demand reads
)

// NewPublisher validates o and returns a Publisher using c.
func NewPublisher(c *Client, o Options) (*Publisher, error) {
	if c == nil {
		return nil, fmt.Errorf("new publisher: nil client")
	}
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("new publisher: %w", err)
	}
	owner, name, _ := strings.Cut(o.Repository, "/")
	o.Path = strings.Trim(o.Path, "/")
	if o.Branch == "" {
		o.Branch = DefaultBranch
	}
	if o.PullRequest.Title == "" {
		o.PullRequest.Title = DefaultPRTitle
	}
	if o.BackstageURL != "" {
		u, _ := url.Parse(o.BackstageURL) // Validate parsed it
		o.BackstageURL = strings.TrimRight(u.String(), "/")
	}
	if o.Commit.Message == "" {
		o.Commit.Message = DefaultCommitMessage
	}
	log := o.Logger
	if log == nil {
		log = c.log
	}
	log = log.With("repository", o.Repository, "path", o.Path)
	return &Publisher{c: c, o: o, api: repoAPI{c: c, owner: owner, name: name, cache: o.Cache}, log: log}, nil
}

// errResync asks Publish to read the repository again and recompute.
var errResync = errors.New("repository changed during sync")

// Publish makes Options.Path on the base branch match files (slash paths
// relative to Options.Path, including manifest.FileName) through one pull
// request; see the package documentation for the steps and rules.
//
// A sync is observe (read the repository into a state), decide (a pure
// function from that state and files to a plan: the Action, the file and
// pathway changes, warnings and the writes needed) and apply (perform the
// writes). A dry run decides and does not apply. ActionBlocked returns a
// Result and a nil error; every permanent failure returns an *Error.
func (p *Publisher) Publish(ctx context.Context, files map[string][]byte) (*Result, error) {
	return p.publish(ctx, mapTree(files))
}

func (p *Publisher) publish(ctx context.Context, t Tree) (res *Result, err error) {
	ctx, cnt := withCounter(ctx)
	defer func() {
		if res != nil {
			res.Requests, res.Writes = cnt.get()
		}
	}()
	want, err := p.prepareTree(t)
	if err != nil {
		return nil, err
	}
	defer rememberFolders(p.o.Cache, want)
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
		attrs := []any{"action", res.Action.String(), "pr", res.PRNumber,
			"added", len(res.Added), "modified", len(res.Modified), "deleted", len(res.Deleted)}
		if res.Planned != "" {
			attrs = append(attrs, "planned", res.Planned.String())
		}
		p.log.Info("sync done", attrs...)
	}
	return res, err
}

func (p *Publisher) publishOnce(ctx context.Context, want *desired) (*Result, error) {
	s, err := p.observe(ctx, want)
	if err != nil {
		return nil, err
	}
	pl, err := p.plan(ctx, s, want)
	if err != nil {
		return nil, err
	}
	if p.o.DryRun {
		return pl.dryRun(), nil
	}
	return p.apply(ctx, s, want, pl)
}

// plan runs decide, performing the on-demand reads it asks for.
func (p *Publisher) plan(ctx context.Context, s *state, want *desired) (*plan, error) {
	o := planOptionsOf(&p.o)
	for range maxPlanRounds {
		pl, n, blobs := decide(s, want, o)
		if n == 0 {
			return pl, nil
		}
		if err := p.observeMore(ctx, s, want, n, blobs); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("publish: no plan after %d rounds of reads", maxPlanRounds)
}

// dryRun is the Result of a dry run of pl, the plan a real sync would
// apply: Planned is its action, and what it would do to an existing PR
// beyond what Planned says is added to the warnings. Nothing is written.
func (pl *plan) dryRun() *Result {
	res := pl.result()
	res.Action, res.Planned = ActionDryRun, pl.Action
	switch pl.Action {
	case ActionRefused:
		res.Warnings = append(res.Warnings, "a real sync would be refused: "+pl.Refusal.Error())
	case ActionClosed:
		res.Warnings = append(res.Warnings, fmt.Sprintf("would close PR #%d: the base branch already holds this content", pl.PR.Number))
	case ActionUnchanged:
		if pl.PR != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("PR #%d already proposes this content; nothing would be written", pl.PR.Number))
		}
	}
	if pl.Writes.SetTitle && pl.PR != nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf("would set the title of PR #%d to %q", pl.PR.Number, pl.Title))
	}
	return res
}

// desired is the validated input of a sync.
type desired struct {
	files       Tree
	blobs       map[string]string // path → blob sha
	manifest    *manifest.Manifest
	fingerprint string
	entities    map[string]string // entity file path → blob sha
	full        bool              // the pathway files carry the full content
	namespace   string            // of the pathway entities
	titles      map[string]string // pathway name → title

	sizes map[string]int // each file's size

	// For comparing past GitHub's listing limits (readSubtree).
	folders map[string]gitobj.Folder // every folder, "" the root
	paths   []string                 // the files' paths, sorted
}

// prepare validates files; its errors are *Error matching ErrInvalidTree.
func (p *Publisher) prepare(files map[string][]byte) (*desired, error) {
	return p.prepareTree(mapTree(files))
}

// prepareTree validates t and hashes its files, reading each once.
func (p *Publisher) prepareTree(t Tree) (*desired, error) {
	invalid := func(format string, args ...any) error {
		return &Error{Op: "publish", Err: fmt.Errorf("%w: "+format, append([]any{ErrInvalidTree}, args...)...)}
	}
	paths := slices.Clone(t.Paths())
	slices.Sort(paths)
	d := &desired{files: t, blobs: make(map[string]string, len(paths)), sizes: make(map[string]int, len(paths))}
	var raw []byte
	parts := map[string][]byte{} // the pathways' parts of the manifest
	first := map[string][]byte{} // the first pathway entity file, for fullContent
	for _, path := range paths {
		if !cleanRel(path) {
			return nil, invalid("file path %q is not a clean relative path", path)
		}
		data, err := t.ReadFile(path)
		if err != nil {
			return nil, &Error{Op: "publish", Err: fmt.Errorf("read %s: %w", path, err)}
		}
		d.blobs[path], d.sizes[path] = blobSHA(data), len(data)
		switch {
		case path == manifest.FileName:
			raw = data
		case strings.HasSuffix(path, "/"+manifest.PathwayFileName):
			parts[path] = data
		}
		if kind, _, ok := entityKey(path); ok && kind == kindPathway && len(first) == 0 {
			first[path] = data
		}
	}
	for i := 1; i < len(paths); i++ {
		if strings.HasPrefix(paths[i], paths[i-1]+"/") {
			return nil, invalid("%q is both a file and a folder", paths[i-1])
		}
	}
	if raw == nil {
		return nil, invalid("files lack %s", manifest.FileName)
	}
	m, err := manifest.ParseTree(raw, func(path string) ([]byte, error) {
		if data, ok := parts[path]; ok {
			return data, nil
		}
		return nil, fs.ErrNotExist
	})
	if err != nil {
		return nil, invalid("%w", err)
	}
	d.manifest = m
	d.folders, d.paths = folderIndex(d.blobs)
	d.fingerprint = d.folders[""].SHA
	d.entities = entityFiles(d.blobs, func(sha string) string { return sha })
	d.full, d.namespace = fullContent(first)
	d.titles = titles(m)
	return d, nil
}

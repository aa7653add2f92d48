package githubsync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-github/v60/github"
	"github.com/pathwaysync/pathwaysync/manifest"
)

// pullRequest is what the planner knows of a pull request.
type pullRequest struct {
	Number           int
	URL, Title, Body string
	Head             string // head commit SHA
	Merged           bool
	Marker           marker // parsed from Body
}

func newPullRequest(pr *github.PullRequest) *pullRequest {
	if pr == nil {
		return nil
	}
	return &pullRequest{Number: pr.GetNumber(), URL: pr.GetHTMLURL(), Title: pr.GetTitle(), Body: pr.GetBody(),
		Head: pr.GetHead().GetSHA(), Merged: pr.MergedAt != nil, Marker: parseMarker(pr.GetBody())}
}

// blobRef is one file of the managed folder on the base branch.
type blobRef struct{ SHA, Mode string }

// state is everything a sync reads before deciding. observe fills the
// first group (3 requests, 4 when the default branch is looked up); the
// second group is read by observeMore only when decide asks for it, which
// keeps reads within the request budget. Nothing in a state is written
// back; decide is a pure function of it.
type state struct {
	Base       string             // base branch name
	BaseCommit string             // base head commit SHA
	BaseTree   string             // root tree SHA of BaseCommit
	Files      map[string]blobRef // the managed folder at BaseCommit, paths relative to it
	Open       *pullRequest       // the open bot PR into Base; nil when none
	RepoURL    string             // web URL of the repository, for the compare link

	// Read on demand (nil: not read yet).
	Manifest  *baseManifest      // the base folder's manifest
	HeadOurs  *bool              // Open.Head carries the fingerprint trailer
	Closed    *closedPR          // the most recent closed bot PR
	HeadFiles map[string]blobRef // the managed folder at Open.Head
	Blobs     map[string][]byte  // blob SHA → content of entity files read to describe changes
}

// baseManifest is the result of reading the base folder's manifest: both
// fields nil when the folder has none; Err when it does not parse.
type baseManifest struct {
	M   *manifest.Manifest
	Err error
}

// closedPR holds the most recent closed bot PR, PR nil when there is none.
type closedPR struct{ PR *pullRequest }

// need is a set of on-demand reads decide asks for.
type need uint8

const (
	needManifest   need = 1 << iota // the base manifest blob (1 request when present)
	needHeadCommit                  // the open PR's head commit (1 request)
	needClosed                      // the latest closed bot PR (1 request)
	needBlobs                       // the blobs decide names (1 request each)
	needHeadTree                    // the managed folder at the open PR's head (1 request)
)

// observe reads the base branch, the managed folder and the open bot PR.
func (p *Publisher) observe(ctx context.Context, want *desired) (*state, error) {
	base, err := p.baseBranch(ctx)
	if err != nil {
		return nil, err
	}
	s := &state{Base: base, RepoURL: p.c.htmlBase + "/" + p.o.Repository}
	if s.BaseCommit, s.BaseTree, err = p.readBase(ctx, base); err != nil {
		return nil, err
	}
	if s.Files, err = p.readSubtree(ctx, s.BaseCommit, want); err != nil {
		return nil, err
	}
	open, err := p.api.pulls(ctx, p.o.Branch, base, "open", 10)
	if err != nil {
		return nil, err
	}
	if len(open) > 0 {
		s.Open = newPullRequest(open[0])
		if i := strings.LastIndex(s.Open.URL, "/pull/"); i > 0 {
			s.RepoURL = s.Open.URL[:i]
		}
	}
	return s, nil
}

// observeMore performs the reads in n (blobs: the blob SHAs for
// needBlobs) and records them in s.
func (p *Publisher) observeMore(ctx context.Context, s *state, want *desired, n need, blobs []string) error {
	if n&needBlobs != 0 {
		if s.Blobs == nil {
			s.Blobs = map[string][]byte{}
		}
		for _, sha := range blobs {
			raw, err := p.api.blob(ctx, sha)
			if err != nil {
				return err
			}
			s.Blobs[sha] = raw
		}
	}
	if n&needHeadTree != 0 && s.Open != nil {
		files, err := p.readSubtree(ctx, s.Open.Head, want)
		if err != nil {
			return err
		}
		s.HeadFiles = files
	}
	if n&needManifest != 0 {
		s.Manifest = &baseManifest{}
		if f, ok := s.Files[manifest.FileName]; ok {
			raw, err := p.api.blob(ctx, f.SHA)
			if err != nil {
				return err
			}
			s.Manifest.M, s.Manifest.Err = manifest.Parse(raw)
		}
	}
	if n&needHeadCommit != 0 && s.Open != nil {
		_, ours, err := p.ours(ctx, s.Open.Head)
		if err != nil {
			return err
		}
		s.HeadOurs = &ours
	}
	if n&needClosed != 0 {
		closed, err := p.api.pulls(ctx, p.o.Branch, "", "closed", 1)
		if err != nil {
			return err
		}
		s.Closed = &closedPR{}
		if len(closed) > 0 {
			s.Closed.PR = newPullRequest(closed[0])
		}
	}
	return nil
}

// ours reads commit sha and reports whether pathwaysync made it (it
// carries the fingerprint trailer).
func (p *Publisher) ours(ctx context.Context, sha string) (*github.Commit, bool, error) {
	c, err := p.api.commit(ctx, sha)
	if err != nil {
		return nil, false, err
	}
	return c, strings.Contains(c.GetMessage(), "\n"+trailer), nil
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
		return "", &Error{Op: "get repository", Err: ErrEmptyRepository,
			Hint: "the repository has no default branch: push an initial commit first"}
	}
	if b == p.o.Branch {
		return "", &Error{Op: "publish", Err: ErrBranchConflict,
			Hint: fmt.Sprintf("the bot branch %q is the repository's default branch; configure another bot branch", b)}
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
	_, rerr := p.api.ref(ctx, base)
	return "", "", missingBase(base, p.o.Repository, rerr)
}

// missingBase is the failure of a base branch that GET branches/BASE did
// not find, given the error of reading its ref: an empty repository
// (409 on git reads), else a missing branch. No plan exists for either.
func missingBase(base, repository string, refErr error) error {
	if errors.Is(refErr, ErrEmptyRepository) {
		return refErr
	}
	return &Error{Op: "get branch " + base, Status: http.StatusNotFound, Err: ErrBaseBranchNotFound,
		Hint: fmt.Sprintf("base branch %q does not exist in %s (or the token cannot read it)", base, repository)}
}

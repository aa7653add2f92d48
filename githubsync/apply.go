package githubsync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-github/v60/github"
)

// apply performs the writes of pl, decided on s, and returns the Result.
// A write that finds the repository changed since s was read (the branch
// moved, a racing sync) either resolves it (adopting a racing sync's
// identical commit or PR) or returns errResync so that Publish observes
// again.
func (p *Publisher) apply(ctx context.Context, s *state, want *desired, pl *plan) (*Result, error) {
	if pl.Action == ActionRefused {
		return nil, &Error{Op: "publish", Err: pl.Refusal}
	}
	res := pl.result()
	w, pr := pl.Writes, pl.PR
	if w.Comment != "" {
		// Once per PR head and action (a warning about a foreign head, or
		// the closing note), also when an answer is lost.
		mark := fmt.Sprintf("<!-- pathwaysync:%s head=%s -->", pl.Action, pr.Head)
		if err := p.api.commentOnce(ctx, pr.Number, w.Comment+"\n\n"+mark+"\n", mark); err != nil {
			return nil, err
		}
	}
	if w.Close {
		if _, err := p.api.editPR(ctx, pr.Number, &github.PullRequest{State: github.String("closed"), Body: github.String(pl.CloseBody)}); err != nil {
			return nil, err
		}
	}
	m := pl.Marker
	if w.Commit {
		made, err := p.commit(ctx, s, want, pl)
		if err != nil {
			return nil, err
		}
		switch w.Branch {
		case branchForce:
			// The branch holds only our own commit (decide checked): move it.
			if err := p.api.updateRef(ctx, p.o.Branch, made.SHA, true); err != nil {
				var e *Error
				if errors.As(err, &e) && e.Status == http.StatusUnprocessableEntity {
					return nil, fmt.Errorf("%w: %w", errResync, err)
				}
				return nil, err
			}
		case branchPlace:
			if made.SHA, err = p.placeBranch(ctx, s, pl, made); err != nil {
				return nil, err
			}
		}
		m.head, res.CommitSHA = made.SHA, made.SHA
		if w.Delta {
			// After the branch moved, before the body records the new head:
			// a rerun after an interruption here sees a head the marker does
			// not name and posts no second comment.
			body := renderDelta(*pl.Delta, p.links(), pl.DeltaFrom, made.SHA, res.CompareURL)
			if err := p.api.commentOnce(ctx, pr.Number, body, deltaMarker(pl.DeltaFrom, made.SHA)); err != nil {
				if ctx.Err() != nil {
					return nil, err
				}
				res.Warnings = append(res.Warnings, fmt.Sprintf("comment on what this update changed not posted: %v", err))
			}
		}
	}
	if w.CreatePR {
		if err := p.openPR(ctx, s, pl, m, res); err != nil {
			return nil, err
		}
	}
	if w.SetTitle || w.SetBody {
		edit := &github.PullRequest{}
		if w.SetTitle {
			edit.Title = github.String(pl.Title)
		}
		if body := p.body(pl, res.CompareURL, m); w.SetBody && body != pr.Body {
			edit.Body = github.String(body)
		}
		if edit.Title != nil || edit.Body != nil {
			if _, err := p.api.editPR(ctx, pr.Number, edit); err != nil {
				return nil, err
			}
		}
	}
	if w.DeleteBranch {
		if err := p.api.deleteRef(ctx, p.o.Branch); err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Status != http.StatusUnprocessableEntity {
				return nil, err
			}
		}
	}
	return res, nil
}

// result is the Result of pl before any write.
func (pl *plan) result() *Result {
	res := &Result{Action: pl.Action, CompareURL: pl.CompareURL, Changes: pl.Changes,
		Added: pl.Added, Modified: pl.Modified, Deleted: pl.Deleted, CommitSHA: pl.Head,
		Warnings: append([]string(nil), pl.Warnings...)}
	if pl.PR != nil {
		res.PRNumber, res.PRURL = pl.PR.Number, pl.PR.URL
	}
	return res
}

// body renders the PR body of pl with marker m; a body a person edited
// (pl.KeepBody) keeps its text and gets the new marker.
func (p *Publisher) body(pl *plan, compareURL string, m marker) string {
	if pl.KeepBody && pl.PR != nil {
		m.bodyHash = pl.PR.Marker.bodyHash
		if !pl.PR.Marker.ok {
			// A person's body without a marker: remember a hash no text of
			// theirs has (that of no text), so the body stays theirs.
			m.bodyHash = textHash("")
		}
		return replaceMarker(pl.PR.Body, m)
	}
	return renderBody(bodyInput{path: p.o.Path, desc: pl.Desc, added: pl.Added, modified: pl.Modified,
		deleted: pl.Deleted, compareURL: compareURL, links: p.links(), marker: m})
}

func (p *Publisher) links() links { return links{base: p.o.BackstageURL} }

// madeCommit is a commit apply wrote.
type madeCommit struct{ SHA, Tree string }

// commit writes the file changes of pl as a tree on the base head's
// (in as many requests as Options.TreeRequestBytes needs, see treeFrom)
// and ONE commit.
func (p *Publisher) commit(ctx context.Context, s *state, want *desired, pl *plan) (madeCommit, error) {
	base, changes, err := p.treeFrom(ctx, s, want, pl)
	if err != nil {
		return madeCommit{}, err
	}
	tree, err := p.buildTree(ctx, base, want, changes)
	if err != nil {
		return madeCommit{}, err
	}
	msg := strings.TrimRight(p.o.Commit.Message, "\n") + "\n\n" + trailer + want.fingerprint + "\n"
	c := &github.Commit{Message: github.String(msg), Tree: &github.Tree{SHA: github.String(tree)},
		Parents: []*github.Commit{{SHA: github.String(s.BaseCommit)}}}
	if p.o.Commit.AuthorName != "" {
		c.Author = &github.CommitAuthor{Name: github.String(p.o.Commit.AuthorName), Email: github.String(p.o.Commit.AuthorEmail)}
	}
	sha, err := p.api.createCommit(ctx, c)
	return madeCommit{SHA: sha, Tree: tree}, err
}

// openPR creates the PR of pl with marker m, or adopts the one a racing
// sync opened, and records it in res; a new PR then gets its labels and
// reviewers.
func (p *Publisher) openPR(ctx context.Context, s *state, pl *plan, m marker, res *Result) error {
	np := &github.NewPullRequest{Title: github.String(pl.Title), Head: github.String(p.o.Branch),
		Base: github.String(s.Base), Body: github.String(p.body(pl, res.CompareURL, m)), Draft: github.Bool(p.o.PullRequest.Draft)}
	pr, err := p.api.createPR(ctx, np)
	if err != nil && p.o.PullRequest.Draft && errMessage(err, "Draft pull requests are not supported") {
		res.Warnings = append(res.Warnings, "draft pull requests are not supported in this repository; opened a normal pull request")
		np.Draft = github.Bool(false)
		pr, err = p.api.createPR(ctx, np)
	}
	if err != nil && errMessage(err, "A pull request already exists") {
		// A racing sync opened it: that is success, adopt it.
		open, lerr := p.api.pulls(ctx, p.o.Branch, s.Base, "open", 10)
		if lerr != nil {
			return lerr
		}
		if len(open) == 0 {
			return fmt.Errorf("%w: %w", errResync, err)
		}
		got := newPullRequest(open[0])
		res.Action, res.PRNumber, res.PRURL = ActionUpdated, got.Number, got.URL
		res.CompareURL = compareURL(got.URL, s, p.o.Branch)
		edit := &github.PullRequest{}
		if got.Title != pl.Title {
			edit.Title = github.String(pl.Title)
		}
		if body := p.body(pl, res.CompareURL, m); got.Body != body {
			edit.Body = github.String(body)
		}
		if edit.Title == nil && edit.Body == nil {
			return nil
		}
		_, err := p.api.editPR(ctx, got.Number, edit)
		return err
	}
	if err != nil {
		return err
	}
	res.Action, res.PRNumber, res.PRURL = ActionCreated, pr.GetNumber(), pr.GetHTMLURL()
	res.CompareURL = compareURL(res.PRURL, s, p.o.Branch)
	if len(p.o.PullRequest.Labels) > 0 {
		if err := p.api.addLabels(ctx, pr.GetNumber(), p.o.PullRequest.Labels); err != nil {
			if IsTransient(err) {
				return err
			}
			res.Warnings = append(res.Warnings, fmt.Sprintf("labels not added: %v", err))
		}
	}
	p.requestReviewers(ctx, res, pr.GetNumber())
	return nil
}

// compareURL links base...branch in the repository of prURL (else of s).
func compareURL(prURL string, s *state, branch string) string {
	root := s.RepoURL
	if i := strings.LastIndex(prURL, "/pull/"); i > 0 {
		root = prURL[:i]
	}
	return root + "/compare/" + escapePath(s.Base) + "..." + escapePath(branch)
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

// placeBranch points the bot branch at made when no PR is open; it
// returns the commit the branch ends at (a racing sync's identical commit
// is adopted). A branch whose head is the head of the last closed bot PR
// (pl.ClosedHead) is preserved by that PR, so it may be reset too; any
// other foreign head stops the sync with ErrForeignBranch.
func (p *Publisher) placeBranch(ctx context.Context, s *state, pl *plan, made madeCommit) (string, error) {
	err := p.api.createRef(ctx, p.o.Branch, made.SHA)
	if err == nil {
		return made.SHA, nil
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
	if head == made.SHA {
		return made.SHA, nil
	}
	c, mine, err := p.ours(ctx, head)
	if err != nil {
		return "", err
	}
	if !mine && head == pl.ClosedHead {
		p.log.Info("resetting bot branch kept by a closed pull request", "branch", p.o.Branch, "head", short(head))
		mine = true
	}
	if !mine {
		return "", &Error{Op: "update branch " + p.o.Branch, Err: ErrForeignBranch,
			Hint: fmt.Sprintf("branch %s has commit %s and no open pull request; delete the branch or configure another one", p.o.Branch, short(head))}
	}
	if c.GetTree().GetSHA() == made.Tree && len(c.Parents) == 1 && c.Parents[0].GetSHA() == s.BaseCommit {
		return head, nil // a racing sync pushed the same content
	}
	if err := p.api.updateRef(ctx, p.o.Branch, made.SHA, true); err != nil {
		return "", err
	}
	return made.SHA, nil
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

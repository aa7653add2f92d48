package githubsync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// repoAPI is the small adapter over go-github for one repository; every
// method is one request (plus retries) and returns a classified error.
type repoAPI struct {
	c           *Client
	owner, name string
	// cache answers listings of folders addressed by SHA and blobs
	// without a request when it can; nil reads everything.
	cache Cache
}

func escapePath(p string) string {
	seg := strings.Split(p, "/")
	for i, s := range seg {
		seg[i] = url.PathEscape(s)
	}
	return strings.Join(seg, "/")
}

func (a repoAPI) defaultBranch(ctx context.Context) (string, error) {
	var r *github.Repository
	err := a.c.call(ctx, "get repository", false, func() (resp *github.Response, err error) {
		r, resp, err = a.c.gh.Repositories.Get(ctx, a.owner, a.name)
		return resp, err
	})
	if err != nil {
		return "", err
	}
	return r.GetDefaultBranch(), nil
}

// branch returns the head commit and root tree of a branch.
func (a repoAPI) branch(ctx context.Context, name string) (commit, tree string, err error) {
	var b github.Branch
	err = a.c.call(ctx, "get branch "+name, false, func() (*github.Response, error) {
		req, err := a.c.gh.NewRequest(http.MethodGet, "repos/"+a.owner+"/"+a.name+"/branches/"+url.PathEscape(name), nil)
		if err != nil {
			return nil, err
		}
		return a.c.gh.Do(ctx, req, &b)
	})
	if err != nil {
		return "", "", err
	}
	return b.GetCommit().GetSHA(), b.GetCommit().GetCommit().GetTree().GetSHA(), nil
}

func (a repoAPI) tree(ctx context.Context, treeish string, recursive bool) (*github.Tree, error) {
	bySHA := isSHA(treeish)
	if bySHA {
		if t, ok := cachedTree(a.cache, treeish, recursive); ok {
			return t, nil
		}
	}
	var t *github.Tree
	err := a.c.call(ctx, "get tree", false, func() (resp *github.Response, err error) {
		t, resp, err = a.c.gh.Git.GetTree(ctx, a.owner, a.name, treeish, recursive)
		return resp, err
	})
	if err == nil && bySHA {
		putTree(a.cache, treeish, t, recursive)
	}
	return t, err
}

func (a repoAPI) blob(ctx context.Context, sha string) ([]byte, error) {
	if b, ok := cachedBlob(a.cache, sha); ok {
		return b, nil
	}
	var b []byte
	err := a.c.call(ctx, "get blob", false, func() (resp *github.Response, err error) {
		b, resp, err = a.c.gh.Git.GetBlobRaw(ctx, a.owner, a.name, sha)
		return resp, err
	})
	if err == nil {
		putBlob(a.cache, sha, b)
	}
	return b, err
}

func (a repoAPI) commit(ctx context.Context, sha string) (*github.Commit, error) {
	var c *github.Commit
	err := a.c.call(ctx, "get commit", false, func() (resp *github.Response, err error) {
		c, resp, err = a.c.gh.Git.GetCommit(ctx, a.owner, a.name, sha)
		return resp, err
	})
	return c, err
}

func (a repoAPI) ref(ctx context.Context, branch string) (string, error) {
	var r *github.Reference
	err := a.c.call(ctx, "get ref", false, func() (resp *github.Response, err error) {
		r, resp, err = a.c.gh.Git.GetRef(ctx, a.owner, a.name, "heads/"+branch)
		return resp, err
	})
	if err != nil {
		return "", err
	}
	return r.GetObject().GetSHA(), nil
}

func (a repoAPI) pulls(ctx context.Context, branch, base, state string, perPage int) ([]*github.PullRequest, error) {
	var prs []*github.PullRequest
	opt := &github.PullRequestListOptions{State: state, Head: a.owner + ":" + branch, Base: base,
		ListOptions: github.ListOptions{PerPage: perPage}}
	err := a.c.call(ctx, "list pull requests", false, func() (resp *github.Response, err error) {
		prs, resp, err = a.c.gh.PullRequests.List(ctx, a.owner, a.name, opt)
		return resp, err
	})
	return prs, err
}

func (a repoAPI) createCommit(ctx context.Context, c *github.Commit) (string, error) {
	var out *github.Commit
	err := a.c.call(ctx, "create commit", true, func() (resp *github.Response, err error) {
		out, resp, err = a.c.gh.Git.CreateCommit(ctx, a.owner, a.name, c, nil)
		return resp, err
	})
	if err != nil {
		return "", err
	}
	return out.GetSHA(), nil
}

func (a repoAPI) createRef(ctx context.Context, branch, sha string) error {
	return a.c.call(ctx, "create branch "+branch, true, func() (resp *github.Response, err error) {
		_, resp, err = a.c.gh.Git.CreateRef(ctx, a.owner, a.name, &github.Reference{
			Ref: github.String("refs/heads/" + branch), Object: &github.GitObject{SHA: github.String(sha)}})
		return resp, err
	})
}

func (a repoAPI) updateRef(ctx context.Context, branch, sha string, force bool) error {
	return a.c.call(ctx, "update branch "+branch, true, func() (resp *github.Response, err error) {
		_, resp, err = a.c.gh.Git.UpdateRef(ctx, a.owner, a.name, &github.Reference{
			Ref: github.String("refs/heads/" + branch), Object: &github.GitObject{SHA: github.String(sha)}}, force)
		return resp, err
	})
}

func (a repoAPI) deleteRef(ctx context.Context, branch string) error {
	return a.c.call(ctx, "delete branch "+branch, true, func() (*github.Response, error) {
		return a.c.gh.Git.DeleteRef(ctx, a.owner, a.name, "heads/"+branch)
	})
}

func (a repoAPI) createPR(ctx context.Context, pr *github.NewPullRequest) (*github.PullRequest, error) {
	var out *github.PullRequest
	err := a.c.call(ctx, "create pull request", true, func() (resp *github.Response, err error) {
		out, resp, err = a.c.gh.PullRequests.Create(ctx, a.owner, a.name, pr)
		return resp, err
	})
	return out, err
}

func (a repoAPI) editPR(ctx context.Context, n int, pr *github.PullRequest) (*github.PullRequest, error) {
	var out *github.PullRequest
	err := a.c.call(ctx, "edit pull request", true, func() (resp *github.Response, err error) {
		out, resp, err = a.c.gh.PullRequests.Edit(ctx, a.owner, a.name, n, pr)
		return resp, err
	})
	return out, err
}

// commentOnce posts a comment on PR n that must not appear twice; mark
// is a hidden line in body that no other comment carries. The POST is
// not retried blindly (an answer lost after GitHub created the comment
// would create a second): after an uncertain failure (no answer, 5xx)
// it waits until GitHub has finished with the request, reads the PR's
// newest comments, and counts one carrying mark as posted; only
// otherwise does it post again, at most Client.retries times. A normal
// answer costs nothing more.
func (a repoAPI) commentOnce(ctx context.Context, n int, body, mark string) error {
	once := withoutBlindRetry(ctx)
	for attempt := 0; ; attempt++ {
		sent := time.Now()
		err := a.c.call(once, "comment on pull request", true, func() (resp *github.Response, err error) {
			_, resp, err = a.c.gh.Issues.CreateComment(once, a.owner, a.name, n, &github.IssueComment{Body: github.String(body)})
			return resp, err
		})
		var e *Error
		if err == nil || attempt >= a.c.retries || !errors.As(err, &e) || !e.Transient || (e.Status != 0 && e.Status < 500) {
			return err
		}
		wait := max(a.c.pol.backoff(a.c.pol.waitMin, a.c.pol.waitMax, attempt, nil), a.c.serverTimeout-time.Since(sent))
		if serr := sleep(ctx, wait); serr != nil {
			return err
		}
		posted, lerr := a.hasComment(ctx, n, mark)
		if lerr != nil {
			return fmt.Errorf("%w (and whether it was posted is unknown: %w)", err, lerr)
		}
		if posted {
			a.c.log.Info("comment posted although its answer was lost", "pr", n)
			return nil
		}
	}
}

// hasComment reports whether one of the newest comments of PR n (its
// last page of 100, and the page before) contains mark.
func (a repoAPI) hasComment(ctx context.Context, n int, mark string) (bool, error) {
	list := func(page int) ([]*github.IssueComment, int, error) {
		var cs []*github.IssueComment
		var last int
		err := a.c.call(ctx, "list pull request comments", false, func() (*github.Response, error) {
			var resp *github.Response
			var err error
			cs, resp, err = a.c.gh.Issues.ListComments(ctx, a.owner, a.name, n,
				&github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100, Page: page}})
			if resp != nil {
				last = resp.LastPage
			}
			return resp, err
		})
		return cs, last, err
	}
	cs, last, err := list(1)
	if err != nil {
		return false, err
	}
	pages := [][]*github.IssueComment{cs}
	for p := last; p > 1 && p >= last-1; p-- {
		more, _, err := list(p)
		if err != nil {
			return false, err
		}
		pages = append(pages, more)
	}
	for _, page := range pages {
		for _, c := range page {
			if strings.Contains(c.GetBody(), mark) {
				return true, nil
			}
		}
	}
	return false, nil
}

func (a repoAPI) addLabels(ctx context.Context, n int, labels []string) error {
	return a.c.call(ctx, "add labels", true, func() (resp *github.Response, err error) {
		_, resp, err = a.c.gh.Issues.AddLabelsToIssue(ctx, a.owner, a.name, n, labels)
		return resp, err
	})
}

func (a repoAPI) requestReviewers(ctx context.Context, n int, users, teams []string) error {
	return a.c.call(ctx, "request reviewers", true, func() (resp *github.Response, err error) {
		_, resp, err = a.c.gh.PullRequests.RequestReviewers(ctx, a.owner, a.name, n,
			github.ReviewersRequest{Reviewers: users, TeamReviewers: teams})
		return resp, err
	})
}

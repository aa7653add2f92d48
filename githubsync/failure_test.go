package githubsync

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pathwaysync/pathwaysync/internal/ghemu"
)

// failure is the classification a sync loop reads from an error (the
// daemon declares the same interface).
type failure interface {
	error
	Reason() string
	Permanent() bool
	RetryAt() time.Time
}

var _ failure = (*Error)(nil)

// TestFailureClasses drives each failure against the emulator and checks
// that it reaches the caller as an *Error with its class, still matching
// its sentinel, and that nothing was written.
func TestFailureClasses(t *testing.T) {
	for _, tc := range []struct {
		name      string
		setup     func(v *env) *Publisher
		files     map[string][]byte
		is        error
		reason    string
		permanent bool
	}{
		{"bad credentials", func(v *env) *Publisher {
			return v.publisher(v.client(func(o *ClientOptions) { o.Token = "ghp_wrong" }))
		}, tree(1, 0), ErrPermission, ReasonBadCredentials, true},
		{"read-only token", func(v *env) *Publisher {
			v.e.AddToken("ghp_READONLY", false)
			return v.publisher(v.client(func(o *ClientOptions) { o.Token = "ghp_READONLY" }))
		}, tree(1, 0), ErrPermission, ReasonPermission, true},
		{"empty repository", func(v *env) *Publisher {
			v.e.CreateRepo("acme/empty", "main")
			return v.publisher(nil, func(o *Options) { o.Repository = "acme/empty" })
		}, tree(1, 0), ErrEmptyRepository, ReasonEmptyRepository, true},
		{"missing base branch", func(v *env) *Publisher {
			return v.publisher(nil, func(o *Options) { o.BaseBranch = "develop" })
		}, tree(1, 0), ErrBaseBranchNotFound, ReasonBaseNotFound, true},
		{"bot branch is the default branch", func(v *env) *Publisher {
			return v.publisher(nil, func(o *Options) { o.BaseBranch, o.Branch = "", "main" })
		}, tree(1, 0), ErrBranchConflict, ReasonBranchConflict, true},
		{"mass deletion", func(v *env) *Publisher {
			v.seedBase(tree(4, 0))
			return v.publisher(nil)
		}, without(4, 0, 0, 1, 2), ErrMassDeletion, ReasonMassDeletion, true},
		{"foreign branch", func(v *env) *Publisher {
			v.e.SetBranch(testRepo, "pathwaysync/update", v.e.BranchSHA(testRepo, "main"))
			v.e.Commit(testRepo, "pathwaysync/update", map[string][]byte{"notes.md": []byte("mine\n")}, "Human work\n")
			return v.publisher(nil)
		}, tree(1, 0), ErrForeignBranch, ReasonForeignBranch, true},
		{"invalid tree", func(v *env) *Publisher { return v.publisher(nil) },
			map[string][]byte{"a": []byte("x")}, ErrInvalidTree, ReasonInvalidTree, true},
		{"rate limited beyond the wait", func(v *env) *Publisher {
			v.e.Inject(ghemu.Fault{Route: "GET /repos/{owner}/{repo}/pulls", Kind: ghemu.FaultSecondaryLimit, RetryAfter: "3600"})
			return v.publisher(v.client(func(o *ClientOptions) { o.MaxRateWait = time.Second }))
		}, tree(1, 0), nil, ReasonRateLimited, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := newEnv(t)
			p := tc.setup(v)
			v.e.ResetStats()
			_, err := p.Publish(context.Background(), tc.files)
			var f failure
			if !errors.As(err, &f) {
				t.Fatalf("error %v (%T) carries no classification", err, err)
			}
			if f.Reason() != tc.reason || f.Permanent() != tc.permanent || (tc.is != nil && !errors.Is(err, tc.is)) {
				t.Errorf("%v: reason %q permanent %v, want %q %v", err, f.Reason(), f.Permanent(), tc.reason, tc.permanent)
			}
			if at := f.RetryAt(); tc.permanent != at.IsZero() || (!at.IsZero() && time.Until(at) < 59*time.Minute) {
				t.Errorf("retry at %v", at)
			}
			// A foreign branch is found when the branch is placed, after the
			// (unreferenced) tree and commit were written, and a read-only
			// token fails on its first write: for those, refs and PRs tell.
			if w := v.e.Stats().Writes; w != 0 && tc.reason != ReasonForeignBranch && tc.reason != ReasonPermission {
				t.Errorf("%d writes", w)
			}
			if c, _ := v.e.GetCommit(testRepo, v.e.BranchSHA(testRepo, "pathwaysync/update")); c.Message != "" && c.Message != "Human work\n" {
				t.Errorf("bot branch moved to %q", c.Message)
			}
			if len(v.pulls()) != 0 {
				t.Errorf("%d PRs", len(v.pulls()))
			}
		})
	}
}

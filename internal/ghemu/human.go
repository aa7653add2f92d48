package ghemu

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// CreateRepo adds an empty repository "owner/name" whose default branch
// will be defaultBranch once it has a commit. Users "alice" and "bob" and
// team "reviewers" can be requested as reviewers.
func (e *Emulator) CreateRepo(fullName, defaultBranch string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	owner, name, _ := strings.Cut(fullName, "/")
	e.repos[fullName] = &Repo{owner: owner, name: name, defaultBranch: defaultBranch, objs: store{},
		refs: map[string]string{}, url: e.srv.URL,
		collaborators: map[string]bool{"alice": true, "bob": true}, teams: map[string]bool{"reviewers": true}}
}

// SetDraftsSupported toggles draft pull requests for a repository.
func (e *Emulator) SetDraftsSupported(fullName string, ok bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.repo(fullName).noDrafts = !ok
}

func (e *Emulator) repo(fullName string) *Repo {
	r := e.repos[fullName]
	if r == nil {
		panic("ghemu: no repository " + fullName)
	}
	return r
}

// Commit acts as a human pushing one commit to branch: files with a nil
// value are deleted, others written. The branch is created (from its
// current head, or as a root commit) when missing. It returns the commit SHA.
func (e *Emulator) Commit(fullName, branch string, files map[string][]byte, message string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.repo(fullName)
	parent, hasParent := r.refs["heads/"+branch]
	cur := map[string]TreeEntry{}
	if hasParent {
		cur = r.files(parent)
	}
	for p, data := range files {
		if !validPath(p) {
			return "", fmt.Errorf("invalid path %q", p)
		}
		if data == nil {
			delete(cur, p)
			continue
		}
		cur[p] = TreeEntry{Mode: ModeFile, SHA: r.objs.putBlob(data)}
	}
	tree, err := r.objs.buildTree(cur)
	if err != nil {
		return "", err
	}
	sig := Signature{Name: "Human Maintainer", Email: "human@example.com", When: e.tick()}
	c := Commit{Tree: tree, Author: sig, Committer: sig, Message: message}
	if hasParent {
		c.Parents = []string{parent}
	}
	sha := r.objs.putCommit(c)
	r.refs["heads/"+branch] = sha
	r.syncPulls()
	return sha, nil
}

// Files returns the files of a branch (or commit SHA) as path → content.
func (e *Emulator) Files(fullName, ref string) map[string]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.repo(fullName)
	sha := ref
	if s, ok := r.refs["heads/"+ref]; ok {
		sha = s
	}
	out := map[string]string{}
	for p, te := range r.files(sha) {
		out[p] = string(r.objs[te.SHA].data)
	}
	return out
}

// BranchSHA returns a branch's head commit, or "" when it does not exist.
func (e *Emulator) BranchSHA(fullName, branch string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.repo(fullName).refs["heads/"+branch]
}

// Branches lists branch names, sorted.
func (e *Emulator) Branches(fullName string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for ref := range e.repo(fullName).refs {
		if b, ok := strings.CutPrefix(ref, "heads/"); ok {
			out = append(out, b)
		}
	}
	sort.Strings(out)
	return out
}

// GetCommit returns a commit object.
func (e *Emulator) GetCommit(fullName, sha string) (Commit, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.repo(fullName).commit(sha)
	if c == nil {
		return Commit{}, false
	}
	cp := *c
	cp.Parents = append([]string(nil), c.Parents...)
	return cp, true
}

// SetBranch points branch at sha (a human force-push or branch creation).
func (e *Emulator) SetBranch(fullName, branch, sha string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.repo(fullName)
	r.refs["heads/"+branch] = sha
	r.syncPulls()
}

// DeleteBranch deletes a branch; an open PR from it is closed, as on GitHub.
func (e *Emulator) DeleteBranch(fullName, branch string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.repo(fullName)
	delete(r.refs, "heads/"+branch)
	r.syncPulls()
}

// PullRequests returns copies of every pull request, by number.
func (e *Emulator) PullRequests(fullName string) []PullRequest {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []PullRequest
	for _, pr := range e.repo(fullName).pulls {
		cp := *pr
		cp.Labels = append([]string(nil), pr.Labels...)
		cp.Reviewers = append([]string(nil), pr.Reviewers...)
		cp.TeamReviewers = append([]string(nil), pr.TeamReviewers...)
		cp.Comments = append([]string(nil), pr.Comments...)
		out = append(out, cp)
	}
	return out
}

// ClosePR closes a pull request unmerged, as a human.
func (e *Emulator) ClosePR(fullName string, number int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	pr := e.repo(fullName).pulls[number-1]
	pr.State, pr.Closed = "closed", time.Now().UTC()
}

// MergePR merges a pull request as a human: method "merge" or "squash".
func (e *Emulator) MergePR(fullName string, number int, method string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.repo(fullName)
	return r.merge(r.pulls[number-1], method, e.tick)
}

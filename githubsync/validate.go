package githubsync

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/pathwaysync/pathwaysync/catalog"
)

var (
	repositoryRE = regexp.MustCompile(`^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$`)
	branchRE     = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)
)

// OptionError is an invalid Options field (catalog.OptionError).
type OptionError = catalog.OptionError

// Validate checks o after defaults apply: a repository (ValidateRepository),
// the managed folder (ValidatePath), branch names (ValidateBranch), a bot
// branch that is not the base branch, a commit author given whole or not at
// all, MaxDeletions of at least -1, a TreeRequestBytes that is not negative
// and a BackstageURL by catalog.ValidateBaseURL. Every error is an
// *OptionError (joined), so that a caller can name its own setting for each
// field; NewPublisher refuses options it rejects.
func (o Options) Validate() error {
	var errs []error
	bad := func(field string, err error) { errs = append(errs, &OptionError{Field: field, Msg: err.Error()}) }
	if err := ValidateRepository(o.Repository); err != nil {
		bad("Repository", err)
	}
	if err := ValidatePath(o.Path); err != nil {
		bad("Path", err)
	}
	if o.Branch == "" {
		o.Branch = DefaultBranch
	}
	if err := ValidateBranch(o.Branch); err != nil {
		bad("Branch", err)
	}
	if o.BaseBranch != "" {
		if err := ValidateBranch(o.BaseBranch); err != nil {
			bad("BaseBranch", err)
		}
	}
	if o.Branch == o.BaseBranch {
		bad("Branch", fmt.Errorf("the bot branch %q cannot be the base branch", o.Branch))
	}
	switch {
	case o.Commit.AuthorName != "" && o.Commit.AuthorEmail == "":
		bad("Commit.AuthorEmail", errors.New("required with a commit author name"))
	case o.Commit.AuthorName == "" && o.Commit.AuthorEmail != "":
		bad("Commit.AuthorName", errors.New("required with a commit author email"))
	}
	if o.MaxDeletions < -1 {
		bad("MaxDeletions", fmt.Errorf("must be -1 (half of the pathways) or a count >= 0, got %d", o.MaxDeletions))
	}
	if o.TreeRequestBytes < 0 {
		bad("TreeRequestBytes", fmt.Errorf("must not be negative, got %d", o.TreeRequestBytes))
	}
	if o.BackstageURL != "" {
		if err := catalog.ValidateBaseURL(o.BackstageURL); err != nil {
			bad("BackstageURL", err)
		}
	}
	return errors.Join(errs...)
}

// ValidateRepository checks a repository name: OWNER/NAME as GitHub spells
// them (letters, digits and dashes; then also dots and underscores).
func ValidateRepository(r string) error {
	if !repositoryRE.MatchString(r) {
		return fmt.Errorf("%q is not OWNER/NAME", r)
	}
	return nil
}

// ValidateBranch checks a branch name: letters, digits and ._/- without
// "..", a conservative part of what git accepts.
func ValidateBranch(b string) error {
	if !branchRE.MatchString(b) || strings.Contains(b, "..") || strings.HasPrefix(b, "/") ||
		strings.HasSuffix(b, "/") || strings.Contains(b, "//") || strings.HasSuffix(b, ".lock") {
		return fmt.Errorf("%q is not a valid branch name", b)
	}
	return nil
}

// ValidatePath checks the managed folder: a folder inside the repository,
// slash-separated, with no empty, ".", ".." or ".git" segment; leading and
// trailing slashes are ignored.
func ValidatePath(p string) error {
	if !cleanRel(strings.Trim(p, "/")) {
		return fmt.Errorf("%q must be a folder inside the repository, e.g. catalog/pathways (no '.', '..' or '.git' segments)", p)
	}
	return nil
}

// ValidateAPIURL checks the GitHub API URL: an absolute http(s) URL with a
// host, e.g. https://api.github.com/ or https://HOST/api/v3/ for GitHub
// Enterprise Server.
func ValidateAPIURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", s)
	}
	return nil
}

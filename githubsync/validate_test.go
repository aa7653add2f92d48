package githubsync

import (
	"errors"
	"strings"
	"testing"
)

// TestOptionsValidate: each rule of Options.Validate, reported by field.
func TestOptionsValidate(t *testing.T) {
	good := Options{Repository: "acme/backstage-catalog", Path: "catalog/pathways"}
	for _, tc := range []struct {
		name  string
		edit  func(*Options)
		field string // "" for valid
		want  string
	}{
		{"good", func(*Options) {}, "", ""},
		{"slashes around the path", func(o *Options) { o.Path = "/catalog/pathways/" }, "", ""},
		{"dots in a repository", func(o *Options) { o.Repository = "acme-1/my_repo.v2" }, "", ""},
		{"author", func(o *Options) {
			o.Commit = CommitOptions{AuthorName: DefaultAuthorName, AuthorEmail: DefaultAuthorEmail}
		}, "", ""},
		{"no repository", func(o *Options) { o.Repository = "" }, "Repository", "OWNER/NAME"},
		{"repository with a path", func(o *Options) { o.Repository = "acme/x/y" }, "Repository", "OWNER/NAME"},
		{"owner with a dot", func(o *Options) { o.Repository = "ac.me/x" }, "Repository", "OWNER/NAME"},
		{"no path", func(o *Options) { o.Path = "" }, "Path", "inside the repository"},
		{"root path", func(o *Options) { o.Path = "/" }, "Path", "inside the repository"},
		{"escaping path", func(o *Options) { o.Path = "catalog/../../etc" }, "Path", "inside the repository"},
		{"git folder", func(o *Options) { o.Path = "x/.GIT" }, "Path", "inside the repository"},
		{"backslash", func(o *Options) { o.Path = `catalog\pathways` }, "Path", "inside the repository"},
		{"branch dots", func(o *Options) { o.Branch = "a..b" }, "Branch", "branch name"},
		{"branch space", func(o *Options) { o.Branch = "a b" }, "Branch", "branch name"},
		{"branch lock", func(o *Options) { o.Branch = "x.lock" }, "Branch", "branch name"},
		{"base branch", func(o *Options) { o.BaseBranch = "main//x" }, "BaseBranch", "branch name"},
		{"base is the default bot branch", func(o *Options) { o.BaseBranch = DefaultBranch }, "Branch", "base branch"},
		{"base is the bot branch", func(o *Options) { o.Branch, o.BaseBranch = "main", "main" }, "Branch", "base branch"},
		{"author name alone", func(o *Options) { o.Commit.AuthorName = "bot" }, "Commit.AuthorEmail", "required"},
		{"author email alone", func(o *Options) { o.Commit.AuthorEmail = "bot@example.com" }, "Commit.AuthorName", "required"},
		{"max deletions", func(o *Options) { o.MaxDeletions = -2 }, "MaxDeletions", "-1"},
		{"tree bytes", func(o *Options) { o.TreeRequestBytes = -1 }, "TreeRequestBytes", "negative"},
		{"backstage user", func(o *Options) { o.BackstageURL = "https://u:s3cret@backstage.example.com" }, "BackstageURL", "user information"},
		{"backstage query", func(o *Options) { o.BackstageURL = "https://backstage.example.com/?a" }, "BackstageURL", "query"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := good
			tc.edit(&o)
			err := o.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var oe *OptionError
			if !errors.As(err, &oe) || oe.Field != tc.field || !strings.Contains(oe.Msg, tc.want) {
				t.Fatalf("err = %v, want %s saying %q", err, tc.field, tc.want)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("the error repeats a credential: %v", err)
			}
			if _, err := NewPublisher(&Client{}, o); err == nil {
				t.Error("NewPublisher accepted the options")
			}
		})
	}
}

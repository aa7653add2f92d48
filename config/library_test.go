package config_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/config"
	"github.com/pathwaysync/pathwaysync/exporter"
	"github.com/pathwaysync/pathwaysync/githubsync"
	"github.com/pathwaysync/pathwaysync/internal/objcache"
)

// TestLibraryRules: the exporter's and githubsync's rules apply to their
// keys, through the libraries' own Validate, and every error names a key
// that exists.
func TestLibraryRules(t *testing.T) {
	for _, tt := range []struct {
		name    string
		env     []string
		wantKey string // "" for no error
		want    string // a part of that key's message
	}{
		{"namespace", []string{"PATHWAYSYNC_CATALOG_NAMESPACE=Not_Valid"}, "catalog.namespace", `"Not_Valid"`},
		{"owner ref", []string{"PATHWAYSYNC_CATALOG_OWNER=group:"}, "catalog.owner", `"group:"`},
		{"owner of the user's", []string{"PATHWAYSYNC_CATALOG_OWNER=group:default/platform"}, "", ""},
		{"blank lifecycle", []string{"PATHWAYSYNC_CATALOG_LIFECYCLE= "}, "catalog.lifecycle", "blank"},
		{"name", []string{"PATHWAYSYNC_CATALOG_NAMES=a.txt=a--b"}, "catalog.names", "not an entity name"},
		{"name form", []string{"PATHWAYSYNC_CATALOG_NAMES=a.txt"}, "catalog.names", "SOURCE=NAME"},
		{"repository", []string{"PATHWAYSYNC_GITHUB_REPOSITORY=acme/x/y"}, "github.repository", "OWNER/NAME"},
		{"no repository yet", []string{"PATHWAYSYNC_GITHUB_REPOSITORY="}, "", ""},
		{"branch", []string{"PATHWAYSYNC_GITHUB_BRANCH=a..b"}, "github.branch", "branch name"},
		{"base branch", []string{"PATHWAYSYNC_GITHUB_BASE_BRANCH=main/"}, "github.base_branch", "branch name"},
		{"base is the bot branch", []string{"PATHWAYSYNC_GITHUB_BASE_BRANCH=pathwaysync/update"}, "github.branch", "base branch"},
		{"path", []string{"PATHWAYSYNC_GITHUB_PATH=catalog/../x"}, "github.path", "inside the repository"},
		{"path .git", []string{"PATHWAYSYNC_GITHUB_PATH=.git/hooks"}, "github.path", "inside the repository"},
		{"path slashes", []string{"PATHWAYSYNC_GITHUB_PATH=/catalog/pathways/"}, "", ""},
		{"author email alone", []string{"PATHWAYSYNC_GITHUB_COMMIT_AUTHOR_NAME="}, "github.commit.author_name", "required"},
		{"author name alone", []string{"PATHWAYSYNC_GITHUB_COMMIT_AUTHOR_EMAIL="}, "github.commit.author_email", "required"},
		{"no author", []string{"PATHWAYSYNC_GITHUB_COMMIT_AUTHOR_NAME=", "PATHWAYSYNC_GITHUB_COMMIT_AUTHOR_EMAIL="}, "", ""},
		{"max deletions", []string{"PATHWAYSYNC_SYNC_MAX_DELETIONS=-2"}, "sync.max_deletions", "-1"},
		{"api url", []string{"PATHWAYSYNC_GITHUB_API_URL=api.github.com"}, "github.api_url", "http(s)"},
		{"backstage scheme", []string{"PATHWAYSYNC_BACKSTAGE_BASE_URL=ftp://backstage.example.com"}, "backstage.base_url", "http(s)"},
		{"backstage user", []string{"PATHWAYSYNC_BACKSTAGE_BASE_URL=https://me:s3cret@backstage.example.com"}, "backstage.base_url", "user information"},
		{"backstage fragment", []string{"PATHWAYSYNC_BACKSTAGE_BASE_URL=https://backstage.example.com/#x"}, "backstage.base_url", "fragment"},
		{"public url user", []string{"PATHWAYSYNC_SERVER_PUBLIC_URL=https://me:s3cret@pathwaysync.example.com"}, "server.public_url", "user information"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load("", tt.env, nil)
			if tt.wantKey == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want one for %s", tt.wantKey)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("the error repeats a credential: %v", err)
			}
			found := false
			for _, one := range unjoin(err) {
				var ce *config.Error
				if !errors.As(one, &ce) {
					t.Errorf("not a config.Error: %v", one)
					continue
				}
				if !slices.Contains(config.Keys(), ce.Key) {
					t.Errorf("error names %s, which is not a key: %v", ce.Key, one)
				}
				if ce.Key == tt.wantKey && strings.Contains(ce.Msg, tt.want) {
					if found {
						t.Errorf("%s reported twice: %v", ce.Key, err)
					}
					found = true
				}
			}
			if !found {
				t.Errorf("err = %v, want %s saying %q", err, tt.wantKey, tt.want)
			}
		})
	}
}

// TestLibraryDefaults: config's defaults for the libraries' keys are the
// libraries' constants.
func TestLibraryDefaults(t *testing.T) {
	c, err := config.Load("", []string{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []struct {
		key       string
		got, want any
	}{
		{"catalog.namespace", c.Catalog.Namespace, exporter.DefaultNamespace},
		{"catalog.owner", c.Catalog.Owner, exporter.DefaultOwner},
		{"catalog.lifecycle", c.Catalog.Lifecycle, exporter.DefaultLifecycle},
		{"github.api_url", c.GitHub.APIURL, githubsync.DefaultAPIURL},
		{"github.branch", c.GitHub.Branch, githubsync.DefaultBranch},
		{"github.pull_request.title", c.GitHub.PullRequest.Title, githubsync.DefaultPRTitle},
		{"github.commit.author_name", c.GitHub.Commit.AuthorName, githubsync.DefaultAuthorName},
		{"github.commit.author_email", c.GitHub.Commit.AuthorEmail, githubsync.DefaultAuthorEmail},
		{"github.commit.message", c.GitHub.Commit.Message, githubsync.DefaultCommitMessage},
		{"sync.max_deletions", c.Sync.MaxDeletions, githubsync.DefaultMaxDeletions},
		{"sync.tree_request_bytes", c.Sync.TreeRequestBytes, githubsync.DefaultTreeRequestBytes},
		{"sync.cache_max_bytes", c.Sync.CacheMaxBytes, int64(objcache.DefaultDirMaxBytes)},
	} {
		if d.got != d.want {
			t.Errorf("%s = %v, want the library's %v", d.key, d.got, d.want)
		}
	}
}

// unjoin is the errors errors.Join joined into err.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

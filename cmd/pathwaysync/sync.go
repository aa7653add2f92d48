package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"github.com/pathwaysync/pathwaysync/config"
	"github.com/pathwaysync/pathwaysync/exporter"
	"github.com/pathwaysync/pathwaysync/githubsync"
)

type syncOptions struct {
	dryRun            bool
	allowMassDeletion bool
	format            string
}

func newSyncCmd(a *app) *cobra.Command {
	var o syncOptions
	cmd := &cobra.Command{
		Use:   "sync [--dry-run] [SOURCE...]",
		Short: "Publish the rendered pathways to GitHub through one pull request",
		Long: `sync renders the pathways exactly as export does and makes the folder
github.path of github.repository match them: one commit on the bot branch and
one pull request, opened or updated only when content changed, closed when the
base branch already holds the content.`,
		Example: "  PATHWAYSYNC_GITHUB_TOKEN=… pathwaysync sync --config pathwaysync.yaml\n  pathwaysync sync --dry-run",
		Args:    cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.format != "text" && o.format != "json" {
				return usageError{fmt.Errorf("sync: --format must be text or json, not %q", o.format)}
			}
			return a.runSync(cmd, o, args)
		},
	}
	cmd.Flags().BoolVar(&o.dryRun, "dry-run", false, "print the change summary and file changes; write nothing")
	cmd.Flags().BoolVar(&o.allowMassDeletion, "allow-mass-deletion", false, "publish even when more pathways would be deleted than sync.max_deletions allows")
	cmd.Flags().StringVar(&o.format, "format", "text", "output format: text or json")
	return cmd
}

func (a *app) runSync(cmd *cobra.Command, o syncOptions, args []string) error {
	defer syncGC()()
	cfg, err := a.loadConfig(nil, args)
	if err != nil {
		return err
	}
	if err := cfg.ValidateGitHub(); err != nil {
		return err
	}
	ctx := cmd.Context()
	log := a.logger(cfg)
	client, err := newGitHubClient(ctx, cfg, log, nil)
	if err != nil {
		return err
	}
	ps, err := a.loadSources(ctx, cfg, client)
	if err != nil {
		return err
	}
	// Only the files, held compressed: once rendered, the model is
	// garbage and the tree costs a fifth of its size; the request bodies
	// are written from it one file at a time.
	po := publisherOptions(cfg, log, o.dryRun, o.allowMassDeletion)
	po.Cache = objectCache(cfg, log, false)
	pub, err := githubsync.NewPublisher(client, po)
	if err != nil {
		return err
	}
	files, err := keepingPublishedNames(ctx, pub, exporterOptions(cfg), func(eo exporter.Options) (*exporter.PackedFiles, error) {
		files, _, err := exporter.Files(ctx, ps, eo)
		return files, err
	})
	if err != nil {
		return err
	}
	ps = nil
	r, err := pub.PublishTree(ctx, files)
	if err != nil {
		if errors.Is(err, githubsync.ErrMassDeletion) {
			return fmt.Errorf("%w (refusing to publish; rerun with --allow-mass-deletion or raise sync.max_deletions if this is intended)", err)
		}
		return err
	}
	for _, w := range r.Warnings {
		log.Warn(w)
	}
	if o.format == "json" {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else {
		if o.dryRun {
			fmt.Fprint(a.stdout, r.DryRunReport())
		}
		fmt.Fprintln(a.stdout, r.Summary())
	}
	if r.Action == githubsync.ActionBlocked {
		return blockedError{pr: r.PRNumber}
	}
	return nil
}

// syncGCPercent is the collector target of a sync, by `sync` or during
// one of serve's (GOGC=30). Its live data is
// small (the model while rendering, then the compressed tree and the
// repository's state) and its garbage plentiful (every file is rendered,
// compressed, read back and written into request bodies), so a tighter
// target than the batch commands' keeps its peak near export's for some
// CPU. An operator's GOGC wins.
const syncGCPercent = 30

func syncGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(syncGCPercent)
	return func() { debug.SetGCPercent(old) }
}

// blockedError ends a blocked sync with exitBlocked: nothing was pushed
// because the bot branch holds a commit pathwaysync did not make.
type blockedError struct{ pr int }

func (e blockedError) Error() string {
	return fmt.Sprintf("sync blocked: merge or close PR #%d (or remove the foreign commit from its branch) so that pathwaysync can update it", e.pr)
}

func (blockedError) ExitCode() int { return exitBlocked }

// keepingPublishedNames renders with o. When two pathways map to the same
// entity name (exporter.ErrNameClash) it reads the manifest the repository
// publishes and renders again keeping its names, so that names an earlier
// release published (hash-suffixed ones included) do not change on
// upgrade. The read costs requests only in that case: an unchanged sync
// stays within its budget.
func keepingPublishedNames[T any](ctx context.Context, pub *githubsync.Publisher, o exporter.Options, render func(exporter.Options) (T, error)) (T, error) {
	r, err := render(o)
	if err == nil || pub == nil || o.Previous != nil || !errors.Is(err, exporter.ErrNameClash) {
		return r, err
	}
	m, merr := pub.PublishedManifest(ctx)
	if merr != nil {
		return r, fmt.Errorf("%w (and the names the repository publishes could not be read: %w)", err, merr)
	}
	if m == nil {
		return r, err
	}
	o.Previous = m
	return render(o)
}

// newGitHubClient builds the one GitHub client from the configuration.
func newGitHubClient(ctx context.Context, cfg *config.Config, log *slog.Logger, observe func(githubsync.RequestInfo)) (*githubsync.Client, error) {
	return newGitHubClientKey(ctx, cfg, log, observe, nil, 0)
}

// newGitHubClientKey is newGitHubClient with the App key already read (nil:
// read github.private_key_file) and githubsync's MaxRateWait.
func newGitHubClientKey(ctx context.Context, cfg *config.Config, log *slog.Logger, observe func(githubsync.RequestInfo), key []byte, maxRateWait time.Duration) (*githubsync.Client, error) {
	o := githubsync.ClientOptions{
		APIURL:         cfg.GitHub.APIURL,
		Token:          cfg.GitHub.Token,
		AppID:          cfg.GitHub.AppID,
		InstallationID: cfg.GitHub.InstallationID,
		UserAgent:      userAgent(),
		Logger:         log,
		Observe:        observe,
		MaxRateWait:    maxRateWait,
	}
	if key == nil && cfg.GitHub.PrivateKeyFile != "" {
		var err error
		if key, err = os.ReadFile(cfg.GitHub.PrivateKeyFile); err != nil {
			return nil, &config.Error{Key: "github.private_key_file", Msg: "read private key", Err: err}
		}
	}
	o.PrivateKey = key
	return githubsync.NewClient(o)
}

// publisherOptions maps the configuration to githubsync's options.
func publisherOptions(cfg *config.Config, log *slog.Logger, dryRun, allowMassDeletion bool) githubsync.Options {
	g := cfg.GitHub
	return githubsync.Options{
		Repository: g.Repository,
		BaseBranch: g.BaseBranch,
		Branch:     g.Branch,
		Path:       g.Path,
		PullRequest: githubsync.PullRequestOptions{
			Title:         g.PullRequest.Title,
			Labels:        g.PullRequest.Labels,
			Reviewers:     g.PullRequest.Reviewers,
			TeamReviewers: g.PullRequest.TeamReviewers,
			Draft:         g.PullRequest.Draft,
		},
		Commit: githubsync.CommitOptions{
			AuthorName:  g.Commit.AuthorName,
			AuthorEmail: g.Commit.AuthorEmail,
			Message:     g.Commit.Message,
		},
		MaxDeletions:      cfg.Sync.MaxDeletions,
		TreeRequestBytes:  cfg.Sync.TreeRequestBytes,
		AllowMassDeletion: allowMassDeletion,
		DryRun:            dryRun,
		BackstageURL:      cfg.Backstage.BaseURL,
		Logger:            log,
	}
}

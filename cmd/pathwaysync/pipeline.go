package main

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/pathwaysync/pathwaysync/config"
	"github.com/pathwaysync/pathwaysync/examples"
	"github.com/pathwaysync/pathwaysync/exporter"
	"github.com/pathwaysync/pathwaysync/githubsync"
	"github.com/pathwaysync/pathwaysync/pathway"
	"github.com/pathwaysync/pathwaysync/source"
)

// userAgent identifies pathwaysync to every server it calls.
func userAgent() string { return "pathwaysync/" + version }

// exporterOptions maps the configuration to the exporter's options.
func exporterOptions(cfg *config.Config) exporter.Options {
	return exporter.Options{
		Namespace:    cfg.Catalog.Namespace,
		Owner:        cfg.Catalog.Owner,
		Lifecycle:    cfg.Catalog.Lifecycle,
		Names:        cfg.Catalog.NameMap(),
		BackstageURL: cfg.Backstage.BaseURL,
	}
}

// sourceOptions maps the configuration to the source loader's options;
// gh, when not nil, reads github:// sources.
func sourceOptions(cfg *config.Config, gh *githubsync.Client) source.Options {
	o := source.Options{
		MaxBytes:       cfg.Source.MaxBytes,
		Timeout:        cfg.Source.Timeout,
		FollowSymlinks: cfg.Source.FollowSymlinks,
		UserAgent:      userAgent(),
		HTTPClient:     httpClient(cfg.Source.Timeout),
	}
	if gh != nil {
		o.ReadGitHubFolder = gh.ReadFolder
	}
	return o
}

// needsGitHub reports whether any source is a github:// folder.
func needsGitHub(cfg *config.Config) bool {
	for _, s := range cfg.Sources {
		if source.IsGitHubSpec(s) {
			return true
		}
	}
	return false
}

// httpClient is the retrying client for http(s) sources.
func httpClient(timeout time.Duration) *http.Client {
	rc := retryablehttp.NewClient()
	rc.Logger = nil
	rc.RetryMax = 3
	rc.RetryWaitMax = 5 * time.Second
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	c := rc.StandardClient()
	c.Timeout = timeout
	return c
}

// loadSources reads the configured sources, or the embedded examples when
// none are configured; warnings go to stderr.
func (a *app) loadSources(ctx context.Context, cfg *config.Config, gh *githubsync.Client) ([]pathway.Pathway, error) {
	ps, warns, err := loadAll(ctx, cfg, gh)
	for _, w := range warns {
		fmt.Fprintf(a.stderr, "warning: %s\n", w)
	}
	return ps, err
}

// loadAll reads the configured sources, or the embedded examples when
// none are configured. github:// sources are read with gh, or with a
// client built from the configuration when gh is nil.
func loadAll(ctx context.Context, cfg *config.Config, gh *githubsync.Client) ([]pathway.Pathway, []pathway.Warning, error) {
	if len(cfg.Sources) == 0 {
		return loadEmbedded(sourceOptions(cfg, nil))
	}
	if gh == nil && needsGitHub(cfg) {
		var err error
		if gh, err = newGitHubClient(ctx, cfg, nil, nil); err != nil {
			return nil, nil, err
		}
	}
	return source.Load(ctx, cfg.Sources, sourceOptions(cfg, gh))
}

// loadEmbedded imports the examples compiled into the binary.
func loadEmbedded(o source.Options) ([]pathway.Pathway, []pathway.Warning, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(examples.Pathways, examples.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(examples.Pathways, p)
		if err != nil {
			return err
		}
		files[path.Join("examples", p)] = b
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read embedded examples: %w", err)
	}
	return source.LoadFiles(files, o)
}

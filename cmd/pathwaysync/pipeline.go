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
	"github.com/pathwaysync/pathwaysync/pathway"
	"github.com/pathwaysync/pathwaysync/source"
)

// userAgent identifies pathwaysync to every server it calls.
func userAgent() string { return "pathwaysync/" + version }

// exporterOptions maps the configuration to the exporter's options.
func exporterOptions(cfg *config.Config) exporter.Options {
	return exporter.Options{
		Namespace: cfg.Catalog.Namespace,
		Owner:     cfg.Catalog.Owner,
		Lifecycle: cfg.Catalog.Lifecycle,
	}
}

// sourceOptions maps the configuration to the source loader's options.
func sourceOptions(cfg *config.Config) source.Options {
	return source.Options{
		MaxBytes:   cfg.Source.MaxBytes,
		Timeout:    cfg.Source.Timeout,
		UserAgent:  userAgent(),
		HTTPClient: httpClient(cfg.Source.Timeout),
	}
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
func (a *app) loadSources(ctx context.Context, cfg *config.Config) ([]pathway.Pathway, error) {
	ps, warns, err := loadAll(ctx, cfg)
	for _, w := range warns {
		fmt.Fprintf(a.stderr, "warning: %s\n", w)
	}
	return ps, err
}

// loadAll reads the configured sources, or the embedded examples when
// none are configured.
func loadAll(ctx context.Context, cfg *config.Config) ([]pathway.Pathway, []pathway.Warning, error) {
	if len(cfg.Sources) == 0 {
		return loadEmbedded(sourceOptions(cfg))
	}
	return source.Load(ctx, cfg.Sources, sourceOptions(cfg))
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

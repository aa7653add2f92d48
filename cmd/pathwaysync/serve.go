package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"

	"github.com/pathwaysync/pathwaysync/config"
	"github.com/pathwaysync/pathwaysync/daemon"
	"github.com/pathwaysync/pathwaysync/exporter"
	"github.com/pathwaysync/pathwaysync/githubsync"
	"github.com/pathwaysync/pathwaysync/pathway"
	"github.com/pathwaysync/pathwaysync/source"
)

func newServeCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the sync daemon: schedule, webhooks, read API, metrics",
		Long: `serve syncs at start-up, on sync.schedule, on GitHub push webhooks and on
POST /api/v1/sync, and serves /healthz, /readyz, /metrics, a status page, the
Backstage catalog read API, /catalog-info.yaml and /api/learning-paths.

Without github.repository it only exports: the read API and
/catalog-info.yaml serve the pathways, and no pull request is made.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runServe(cmd)
		},
	}
	cmd.Flags().String("addr", "", "listen address (server.addr)")
	return cmd
}

func (a *app) runServe(cmd *cobra.Command) error {
	cfg, err := a.loadConfig(flags(cmd, map[string]string{"server.addr": "addr"}), nil)
	if err != nil {
		return err
	}
	if err := cfg.ValidateServer(); err != nil {
		return err
	}
	publish := cfg.GitHub.Repository != ""
	if publish {
		if err := cfg.ValidateGitHub(); err != nil {
			return err
		}
	}
	ctx := cmd.Context()
	log := a.logger(cfg)

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s := &daemonSync{cfg: cfg, log: log}
	schedule := cfg.Sync.Schedule
	srv, err := daemon.New(daemon.Options{
		Addr:                cfg.Server.Addr,
		Schedule:            schedule,
		Jitter:              cfg.Sync.Jitter,
		WebhookSecret:       cfg.Server.WebhookSecret,
		WebhookRepositories: cfg.Server.WebhookRepositories,
		WebhookPaths:        cfg.Server.WebhookPaths,
		APIToken:            cfg.Server.APIToken,
		ReadyMaxAge:         cfg.Server.ReadyMaxAge,
		ShutdownTimeout:     cfg.Server.ShutdownTimeout,
		PublicURL:           cfg.Server.PublicURL,
		TechDocsBaseURL:     cfg.Server.TechDocsBaseURL,
		Logger:              log,
		Registry:            reg,
	}, s)
	if err != nil {
		return err
	}
	s.metrics = srv.Metrics()
	var client *githubsync.Client
	if publish || needsGitHub(cfg) {
		observe := func(r githubsync.RequestInfo) {
			s.metrics.ObserveGitHub(r.Method, r.Route, r.Status, r.RateRemaining, r.Duration)
		}
		if client, err = newGitHubClient(ctx, cfg, log, observe); err != nil {
			return err
		}
	}
	if publish {
		if s.pub, err = githubsync.NewPublisher(client, publisherOptions(cfg, log, false, false)); err != nil {
			return err
		}
	}
	if len(cfg.Sources) > 0 {
		so := sourceOptions(cfg, client)
		so.Logger = log
		s.cache = source.NewCache(so)
	}
	log.Info("pathwaysync serving", "addr", cfg.Server.Addr, "version", version, "publish", publish,
		"repository", cfg.GitHub.Repository, "path", cfg.GitHub.Path, "schedule", schedule)
	return srv.Run(ctx)
}

// daemonSync is the daemon's Syncer: sources (with their last good
// content) → exporter → githubsync (when configured).
type daemonSync struct {
	cfg     *config.Config
	log     *slog.Logger
	cache   *source.Cache         // nil: the embedded examples
	pub     *githubsync.Publisher // nil: export only
	metrics *daemon.Metrics
}

var _ daemon.Syncer = (*daemonSync)(nil)

// Sync runs one sync.
func (s *daemonSync) Sync(ctx context.Context, t daemon.Trigger) (*daemon.Outcome, error) {
	log := daemon.Logger(ctx, s.log)
	var (
		ps       []pathway.Pathway
		warns    []pathway.Warning
		failures []source.Failure
		err      error
	)
	if s.cache == nil {
		ps, warns, err = loadEmbedded(sourceOptions(s.cfg, nil))
	} else {
		ps, warns, failures, err = s.cache.Load(ctx, s.cfg.Sources)
	}
	out := &daemon.Outcome{}
	for _, f := range failures {
		s.metrics.ObserveSourceFailure(f.Source)
		out.SourceFailures = append(out.SourceFailures, f.Source)
		log.Warn("source failed; its last good content is used", "source", f.Source, "error", f.Err.Error())
	}
	for _, w := range warns {
		log.Warn("source warning", "warning", w.String())
	}
	if err != nil {
		return nil, fmt.Errorf("read sources: %w", err)
	}
	res, err := exporter.Render(ps, exporterOptions(s.cfg))
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	out.Entities, out.Pathways = res.Entities, res.Pathways
	if s.pub == nil {
		return out, nil
	}
	r, err := s.pub.Publish(ctx, treeFiles(res))
	if err != nil {
		return nil, err
	}
	s.metrics.ObservePROperation(r.Action.String())
	for _, w := range r.Warnings {
		log.Warn(w)
	}
	out.Action, out.PRNumber, out.PRURL = r.Action.String(), r.PRNumber, r.PRURL
	log.Info(r.Summary(), "trigger", t.Reason)
	return out, nil
}

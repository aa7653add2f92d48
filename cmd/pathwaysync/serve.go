package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"

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
	log := a.logger(cfg)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv, err := newDaemon(cmd.Context(), cfg, log, reg, nil)
	if err != nil {
		return err
	}
	// The daemon logs "serving" with the address once it listens.
	log.Info("pathwaysync starting", "version", version, "publish", cfg.GitHub.Repository != "",
		"repository", cfg.GitHub.Repository, "path", cfg.GitHub.Path)
	return srv.Run(cmd.Context())
}

// newDaemon wires a daemon.Server from the configuration: its Syncer reads
// the sources, renders and publishes with githubsync when
// github.repository is set. clock is nil outside tests.
func newDaemon(ctx context.Context, cfg *config.Config, log *slog.Logger, reg *prometheus.Registry, clock daemon.Clock) (*daemon.Server, error) {
	if err := cfg.ValidateServer(); err != nil {
		return nil, err
	}
	publish := cfg.GitHub.Repository != ""
	if publish {
		if err := cfg.ValidateGitHub(); err != nil {
			return nil, err
		}
	}
	s := &daemonSync{cfg: cfg, log: log, publish: publish, github: publish || needsGitHub(cfg)}
	srv, err := daemon.New(daemon.Options{
		Addr:                cfg.Server.Addr,
		Schedule:            cfg.Sync.Schedule,
		Jitter:              cfg.Sync.Jitter,
		BackoffMin:          cfg.Sync.BackoffMin,
		BackoffMax:          cfg.Sync.BackoffMax,
		WebhookSecret:       cfg.Server.WebhookSecret,
		WebhookRepositories: cfg.Server.WebhookRepositories,
		WebhookPaths:        cfg.Server.WebhookPaths,
		APIToken:            cfg.Server.APIToken,
		ReadyMaxAge:         cfg.Server.ReadyMaxAge,
		ShutdownTimeout:     cfg.Server.ShutdownTimeout,
		PublicURL:           cfg.Server.PublicURL,
		TechDocsBaseURL:     cfg.Backstage.DocsURL(),
		OwnerLocationName:   exporter.OwnerLocationName,
		Logger:              log,
		Registry:            reg,
		Clock:               clock,
	}, s)
	if err != nil {
		return nil, err
	}
	s.srv = srv
	s.metrics = srv.Metrics()
	if s.github {
		var key []byte
		if f := cfg.GitHub.PrivateKeyFile; f != "" {
			if key, err = os.ReadFile(f); err != nil {
				return nil, &config.Error{Key: "github.private_key_file", Msg: "read private key", Err: err}
			}
		}
		if err := s.connect(ctx, cfg.GitHub.Token, key); err != nil {
			return nil, err
		}
	}
	if len(cfg.Sources) > 0 {
		so := sourceOptions(cfg, nil)
		if s.github {
			// Through s.client, which a rotated credential replaces.
			so.ReadGitHubFolder = func(ctx context.Context, repository, ref, path string) (map[string][]byte, string, error) {
				return s.client.ReadFolder(ctx, repository, ref, path)
			}
		}
		so.Logger = log
		s.cache = source.NewCache(so)
	}
	return srv, nil
}

// daemonSync is the daemon's Syncer: secrets re-read → sources (with their
// last good content) → exporter → githubsync (when configured).
type daemonSync struct {
	cfg     *config.Config
	log     *slog.Logger
	srv     *daemon.Server
	publish bool                  // github.repository is set
	github  bool                  // publishing or a github:// source needs a client
	cache   *source.Cache         // nil: the embedded examples
	client  *githubsync.Client    // replaced when the token or App key changes
	pub     *githubsync.Publisher // nil: export only
	objects githubsync.Cache      // kept across rebuilt publishers
	metrics *daemon.Metrics

	// The credentials client and pub were built with.
	token string
	key   []byte
}

var _ daemon.Syncer = (*daemonSync)(nil)

// githubsync's errors carry the failure class the daemon's loop acts on.
var _ daemon.Failure = (*githubsync.Error)(nil)

// connect builds the GitHub client and publisher from token, or from the
// configured App with key.
func (s *daemonSync) connect(ctx context.Context, token string, key []byte) error {
	cfg := *s.cfg
	cfg.GitHub.Token = token
	observe := func(r githubsync.RequestInfo) {
		s.metrics.ObserveGitHub(r.Method, r.Route, r.Status, r.RateRemaining, r.Duration)
	}
	// A rate-limited request fails at once with its reset time instead of
	// waiting inside the sync: the loop holds every sync until then, and
	// a shutdown is not kept waiting.
	client, err := newGitHubClientKey(ctx, &cfg, s.log, observe, key, -1)
	if err != nil {
		return err
	}
	var pub *githubsync.Publisher
	if s.publish {
		if s.objects == nil {
			s.objects = objectCache(&cfg, s.log, true)
		}
		po := publisherOptions(&cfg, s.log, false, false)
		po.Cache = s.objects
		if pub, err = githubsync.NewPublisher(client, po); err != nil {
			return err
		}
	}
	s.client, s.pub, s.token, s.key = client, pub, token, key
	return nil
}

// refreshSecrets re-reads every *_file secret so that a rotated token,
// App key, webhook secret or API token takes effect at the next sync
// without a restart; a changed GitHub credential rebuilds the client.
func (s *daemonSync) refreshSecrets(ctx context.Context) error {
	sv := s.cfg.Server
	webhook, api := sv.WebhookSecret, sv.APIToken
	var err error
	if sv.WebhookSecretFile != "" {
		if webhook, err = config.ReadSecretFile("server.webhook_secret_file", sv.WebhookSecretFile); err != nil {
			return err
		}
	}
	if sv.APITokenFile != "" {
		if api, err = config.ReadSecretFile("server.api_token_file", sv.APITokenFile); err != nil {
			return err
		}
	}
	s.srv.SetSecrets(webhook, api)
	if !s.github {
		return nil
	}
	g := s.cfg.GitHub
	token, key := s.token, s.key
	if g.TokenFile != "" {
		if token, err = config.ReadSecretFile("github.token_file", g.TokenFile); err != nil {
			return err
		}
	}
	if g.PrivateKeyFile != "" {
		if key, err = os.ReadFile(g.PrivateKeyFile); err != nil {
			return &config.Error{Key: "github.private_key_file", Msg: "read private key", Err: err}
		}
	}
	if token == s.token && bytes.Equal(key, s.key) {
		return nil
	}
	daemon.Logger(ctx, s.log).Info("GitHub credentials changed; reconnecting")
	return s.connect(ctx, token, key)
}

// Sync runs one sync.
func (s *daemonSync) Sync(ctx context.Context, t daemon.Trigger) (*daemon.Outcome, error) {
	// The collector works as hard as sync's during a sync (renders and
	// request bodies are garbage at once), and as usual between syncs.
	defer syncGC()()
	log := daemon.Logger(ctx, s.log)
	if err := s.refreshSecrets(ctx); err != nil {
		return nil, fmt.Errorf("re-read secrets: %w", err)
	}
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
	// The files are held compressed, as sync holds them: the daemon keeps
	// only the entities and pathways it serves once the sync is done.
	res, err := keepingPublishedNames(ctx, s.pub, exporterOptions(s.cfg), func(eo exporter.Options) (*exporter.PackedResult, error) {
		return exporter.RenderPacked(ctx, ps, eo)
	})
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	out.Entities, out.Pathways = res.Entities, res.Pathways
	if s.pub == nil {
		return out, nil
	}
	r, err := s.pub.PublishTree(ctx, res.Files)
	if err != nil {
		return nil, err
	}
	s.metrics.ObservePROperation(r.Action.String())
	for _, w := range r.Warnings {
		log.Warn(w)
	}
	out.Action, out.PRNumber, out.PRURL, out.Note = r.Action.String(), r.PRNumber, r.PRURL, r.Summary()
	log.Info(r.Summary(), "trigger", t.Reason)
	return out, nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pathwaysync/pathwaysync/config"
)

// Exit codes (docs/operations.md).
const (
	exitOK      = 0
	exitFail    = 1
	exitUsage   = 2
	exitBlocked = 3 // sync: the bot branch holds a commit pathwaysync did not make
)

// app carries what every command shares; tests build one with their own
// writers and environment and call run.
type app struct {
	stdout, stderr io.Writer
	environ        []string // nil means os.Environ()
	configFile     string
	logLevel       string
	followSymlinks bool
	backstageURL   string
}

// usageError marks errors that exit with code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// run executes the command line args and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runWith(ctx, &app{stdout: stdout, stderr: stderr}, args)
}

func runWith(ctx context.Context, a *app, args []string) int {
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(a.stderr, "pathwaysync: "+err.Error())
	var ce interface{ ExitCode() int }
	if errors.As(err, &ce) {
		return ce.ExitCode()
	}
	var ue usageError
	if errors.As(err, &ue) || strings.HasPrefix(err.Error(), "unknown command") {
		return exitUsage
	}
	return exitFail
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "pathwaysync",
		Short: "Learning pathways as Backstage catalog entities and TechDocs, kept in sync through GitHub",
		Long: `pathwaysync reads learning pathway pages (page text, HTML or canonical YAML),
renders them as Backstage catalog entities with TechDocs, publishes them to a
GitHub repository through one pull request, and keeps them in sync as a daemon.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&a.configFile, "config", "", "configuration file (YAML)")
	root.PersistentFlags().StringVar(&a.logLevel, "log-level", "", "log level: debug, info, warn, error (default from server.log_level)")
	root.PersistentFlags().BoolVar(&a.followSymlinks, "follow-symlinks", false, "read symlinked source files whose target lies outside their folder (source.follow_symlinks)")
	root.PersistentFlags().StringVar(&a.backstageURL, "backstage-url", "", "Backstage's base URL, e.g. https://backstage.example.com (backstage.base_url)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		newVersionCmd(a),
		newImportCmd(a),
		newValidateCmd(a),
		newExportCmd(a),
		newSyncCmd(a),
		newServeCmd(a),
		newConfigCmd(a),
	)
	for _, c := range root.Commands() {
		wrapArgs(c)
	}
	return root
}

// wrapArgs turns argument-count errors into usage errors.
func wrapArgs(c *cobra.Command) {
	if c.Args != nil {
		check := c.Args
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return usageError{err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		wrapArgs(sub)
	}
}

// loadConfig loads the configuration with bind mapping config keys to
// this command's flags; positional sources, when given, replace
// the configured ones.
func (a *app) loadConfig(bind map[string]*pflag.Flag, sources []string) (*config.Config, error) {
	cfg, err := config.Load(a.configFile, a.environ, bind)
	if err != nil {
		return nil, err
	}
	if len(sources) > 0 {
		cfg.Sources = sources
	}
	if a.followSymlinks {
		cfg.Source.FollowSymlinks = true
	}
	if a.logLevel != "" || a.backstageURL != "" {
		if a.logLevel != "" {
			cfg.Server.LogLevel = a.logLevel
		}
		if a.backstageURL != "" {
			cfg.Backstage.BaseURL = a.backstageURL
		}
		if err := cfg.Validate(); err != nil {
			return nil, usageError{err}
		}
	}
	cfg.WarnReadableSecretFiles(a.logger(cfg))
	return cfg, nil
}

// logger builds the process logger on stderr from the configuration.
func (a *app) logger(cfg *config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Server.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Server.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(a.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(a.stderr, opts))
}

// flags picks named flags of cmd for config binding.
func flags(cmd *cobra.Command, byKey map[string]string) map[string]*pflag.Flag {
	out := map[string]*pflag.Flag{}
	for key, name := range byKey {
		if f := cmd.Flags().Lookup(name); f != nil {
			out[key] = f
		}
	}
	return out
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

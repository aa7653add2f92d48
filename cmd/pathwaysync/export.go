package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"github.com/pathwaysync/pathwaysync/exporter"
)

type exportOptions struct {
	out   string
	force bool
}

func newExportCmd(a *app) *cobra.Command {
	var o exportOptions
	cmd := &cobra.Command{
		Use:   "export --out DIR [SOURCE...]",
		Short: "Render pathways as Backstage entities and TechDocs into a folder",
		Long: `export reads every SOURCE (a file, a folder or an http(s) URL; by default the
configured sources, or the embedded examples when none are configured) and
writes a folder that a Backstage catalog ingests from its catalog-info.yaml.

The folder is replaced atomically; files from an earlier export that are no
longer generated disappear. A folder that pathwaysync did not create is left
alone unless --force is given. Every file removed that pathwaysync did not
write (all of a forced folder's, or files added to an exported tree) is
named on stderr.`,
		Example: "  pathwaysync export --out ./out\n  pathwaysync export --out ./out --config pathwaysync.yaml pathways/",
		Args:    cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.out == "" {
				return usageError{fmt.Errorf("export: --out DIR is required")}
			}
			return a.runExport(cmd, o, args)
		},
	}
	cmd.Flags().StringVarP(&o.out, "out", "o", "", "output folder (required)")
	cmd.Flags().BoolVar(&o.force, "force", false, "write into a folder pathwaysync did not create")
	return cmd
}

func (a *app) runExport(cmd *cobra.Command, o exportOptions, args []string) error {
	start := time.Now()
	defer batchGC()()
	cfg, err := a.loadConfig(nil, args)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	prog := newProgress(a.stderr)
	defer prog.stop()

	prog.phase("reading sources")
	pathways, err := a.loadSources(ctx, cfg, nil)
	if err != nil {
		return err
	}
	prog.phase("rendering and writing")
	sum, err := exporter.Export(ctx, o.out, pathways, exporterOptions(cfg), exporter.WriteOptions{Force: o.force})
	if err != nil {
		return err
	}
	prog.stop()
	for _, f := range sum.Foreign {
		fmt.Fprintf(a.stderr, "export: removed %s (not written by pathwaysync)\n", filepath.Join(o.out, filepath.FromSlash(f)))
	}
	fmt.Fprintf(a.stdout, "exported %d pathways, %d entities, %d files (%s) to %s in %s\n",
		sum.Pathways, sum.Entities, sum.Files, byteSize(sum.Bytes), o.out,
		time.Since(start).Round(time.Millisecond))
	return nil
}

// exportGCPercent is the collector target of the batch commands (GOGC=50).
const exportGCPercent = 50

// batchGC sets the collector target of a batch command (export,
// validate, import) and returns what restores it. Its live data is the
// parsed pathways: a tighter target keeps its peak near 1.5× that rather than 2×
// for a few percent of CPU. An operator's GOGC wins.
func batchGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(exportGCPercent)
	return func() { debug.SetGCPercent(old) }
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

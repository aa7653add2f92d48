package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pathwaysync/pathwaysync/exporter"
	"github.com/pathwaysync/pathwaysync/internal/workpool"
	"github.com/pathwaysync/pathwaysync/pathway"
)

func newImportCmd(a *app) *cobra.Command {
	var outDir string
	cmd := &cobra.Command{
		Use:   "import [-o DIR] SOURCE...",
		Short: "Convert pathway pages to canonical YAML",
		Long: `import reads every SOURCE (page text, HTML page or canonical YAML; a file, a
folder or an http(s) URL) and prints the pathways as canonical YAML documents,
or writes one file per pathway into DIR with -o.`,
		Example: "  pathwaysync import page.txt\n  pathwaysync import -o pathways/ https://example.com/learn/pathway-x",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			defer batchGC()()
			cfg, err := a.loadConfig(nil, args)
			if err != nil {
				return err
			}
			ps, err := a.loadSources(cmd.Context(), cfg, nil)
			if err != nil {
				return err
			}
			if outDir == "" {
				return writeYAMLStream(a, ps)
			}
			return writeYAMLFiles(a, outDir, ps)
		},
	}
	cmd.Flags().StringVarP(&outDir, "out", "o", "", "write one <name>.yaml per pathway into this folder")
	return cmd
}

// marshalAll writes every pathway as canonical YAML on GOMAXPROCS
// goroutines; on failure the error is that of the first failing pathway.
func marshalAll(ps []pathway.Pathway) ([][]byte, error) {
	out := make([][]byte, len(ps))
	errs := make([]error, len(ps))
	workpool.Each(len(ps), func(i int) { out[i], errs[i] = pathway.MarshalYAML(&ps[i]) })
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func writeYAMLStream(a *app, ps []pathway.Pathway) error {
	docs, err := marshalAll(ps)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(a.stdout)
	for i, b := range docs {
		if i > 0 {
			w.WriteString("---\n")
		}
		w.Write(b)
	}
	return w.Flush()
}

func writeYAMLFiles(a *app, dir string, ps []pathway.Pathway) error {
	names := exporter.PathwayNames(ps)
	out, err := marshalAll(ps)
	if err != nil {
		return err
	}
	docs := make(map[string][]byte, len(ps))
	for i, b := range out {
		docs[names[i]+".yaml"] = b
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	for name, b := range docs {
		if err := writeFileAtomic(filepath.Join(dir, name), b); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}
	fmt.Fprintf(a.stdout, "wrote %d pathways to %s\n", len(docs), dir)
	return nil
}

// writeFileAtomic writes b to a temporary file beside name, then renames it.
func writeFileAtomic(name string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".pathwaysync-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

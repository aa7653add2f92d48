package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pathwaysync/pathwaysync/catalog"
)

// catalogFlags are the flags of `validate --catalog`.
type catalogFlags struct {
	dir   string
	kinds []string
}

func addCatalogFlags(cmd *cobra.Command) *catalogFlags {
	f := &catalogFlags{}
	cmd.Flags().StringVar(&f.dir, "catalog", "",
		"check a catalog folder (or its root file) as Backstage reads it, instead of pathway sources")
	// Group too: the exported tree holds its owner Group (in a Location of
	// its own), and the examples' app-configs allow it.
	cmd.Flags().StringSliceVar(&f.kinds, "allow-kinds", append(catalog.DefaultAllowedKinds(), catalog.KindGroup),
		"with --catalog: the kinds the catalog's catalog.rules allow")
	return f
}

// catalogReport is `validate --catalog DIR --format json`.
type catalogReport struct {
	OK       bool            `json:"ok"`
	Files    int             `json:"files"`
	Entities int             `json:"entities"`
	Errors   []validateError `json:"errors"`
	Warnings []validateError `json:"warnings"`
}

// validateCatalog runs `validate --catalog`: errors fail (exit 1),
// warnings do not.
func validateCatalog(a *app, f *catalogFlags, format string, args []string) error {
	if len(args) > 0 {
		return usageError{errors.New("validate: --catalog takes no SOURCE arguments")}
	}
	if format != "text" && format != "json" && format != "github" {
		return usageError{fmt.Errorf("validate: --format must be text, json or github, not %q", format)}
	}
	dir, opts := f.dir, catalog.TreeOptions{AllowedKinds: f.kinds}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		dir, opts.Root = filepath.Dir(dir), filepath.Base(dir)
	}
	rep, err := catalog.CheckTree(dir, opts)
	if err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	out := catalogReport{OK: rep.Errors() == 0, Files: rep.Files, Entities: len(rep.Entities),
		Errors: []validateError{}, Warnings: []validateError{}}
	for _, p := range rep.Problems {
		row := validateError{File: p.File, Line: p.Line, Entity: p.Entity, Field: p.Field, Message: p.Msg}
		if p.Warning {
			out.Warnings = append(out.Warnings, row)
		} else {
			out.Errors = append(out.Errors, row)
		}
	}
	switch format {
	case "json":
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	case "github":
		for _, p := range rep.Problems {
			writeAnnotation(a.stdout, p)
		}
		fmt.Fprintln(a.stdout, catalogSummary(out))
	default:
		for _, p := range rep.Problems {
			w := a.stdout
			if p.Warning {
				w = a.stderr
			}
			fmt.Fprintln(w, p.String())
		}
		if out.OK {
			fmt.Fprintln(a.stdout, catalogSummary(out))
		}
	}
	if !out.OK {
		return errSilent{fmt.Errorf("validate: %d errors in catalog %s", len(out.Errors), f.dir)}
	}
	return nil
}

func catalogSummary(r catalogReport) string {
	verdict := "ok"
	if !r.OK {
		verdict = plural(len(r.Errors), "error")
	}
	return fmt.Sprintf("%s: %d files, %d entities, %s", verdict, r.Files, r.Entities, plural(len(r.Warnings), "warning"))
}

// writeAnnotation prints p as a GitHub Actions workflow command, which the
// run turns into an annotation on the file and line.
func writeAnnotation(w io.Writer, p catalog.Problem) {
	level := "error"
	if p.Warning {
		level = "warning"
	}
	props := "file=" + escapeProperty(filepath.ToSlash(p.File))
	if p.Line > 0 {
		props += fmt.Sprintf(",line=%d", p.Line)
	}
	if p.Field != "" {
		props += ",title=" + escapeProperty(p.Field)
	}
	fmt.Fprintf(w, "::%s %s::%s\n", level, props, escapeData(p.Msg))
}

// escapeData and escapeProperty encode workflow command text so that a
// message can neither end the command nor start another.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

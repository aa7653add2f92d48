package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/exporter"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// validateReport is `validate --format json`.
type validateReport struct {
	OK       bool            `json:"ok"`
	Pathways int             `json:"pathways"`
	Entities int             `json:"entities"`
	Warnings []string        `json:"warnings"`
	Errors   []validateError `json:"errors"`
}

type validateError struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Entity  string `json:"entity,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func newValidateCmd(a *app) *cobra.Command {
	var format string
	var cf *catalogFlags
	cmd := &cobra.Command{
		Use:   "validate [--format text|json] [SOURCE...] | validate --catalog DIR [--format text|json|github]",
		Short: "Check sources and the entities they generate, or a catalog folder, writing nothing",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if cf.dir != "" {
				return validateCatalog(a, cf, format, args)
			}
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("validate: --format must be text or json, not %q", format)}
			}
			defer batchGC()()
			cfg, err := a.loadConfig(nil, args)
			if err != nil {
				return err
			}
			rep := validateReport{Warnings: []string{}, Errors: []validateError{}}
			ps, warns, err := loadAll(cmd.Context(), cfg, nil)
			for _, w := range warns {
				rep.Warnings = append(rep.Warnings, w.String())
			}
			if err == nil {
				rep.Pathways = len(ps)
				var sum exporter.Summary
				if sum, err = exporter.Check(cmd.Context(), ps, exporterOptions(cfg)); err == nil {
					rep.Entities = sum.Entities
					rep.Warnings = append(rep.Warnings, outsideWarnings(sum.Outside)...)
				}
			}
			rep.Errors = flattenErrors(err)
			rep.OK = len(rep.Errors) == 0
			if format == "json" {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return err
				}
			} else {
				for _, w := range rep.Warnings {
					fmt.Fprintln(a.stderr, "warning: "+w)
				}
				for _, e := range rep.Errors {
					fmt.Fprintln(a.stdout, "error: "+e.Message)
				}
				if rep.OK {
					fmt.Fprintf(a.stdout, "ok: %d pathways, %d entities valid\n", rep.Pathways, rep.Entities)
				}
			}
			if !rep.OK {
				return errSilent{fmt.Errorf("validate: %d errors", len(rep.Errors))}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json (github too with --catalog)")
	cf = addCatalogFlags(cmd)
	return cmd
}

// outsideWarnings warn about refs of the tree that point outside it: the
// catalog accepts them, but each must exist there, or the entity pages
// show "Entities not found" (an owner of the user's, catalog.owner).
func outsideWarnings(out []exporter.OutsideRef) []string {
	ws := make([]string, 0, len(out))
	for _, o := range out {
		w := o.Ref + " (" + o.Field + ") is not in the exported tree: it must exist in your Backstage catalog, or the pages of the entities pointing at it show \"Entities not found\""
		if o.Field == "spec.owner" {
			w = "catalog.owner " + w
		}
		ws = append(ws, w)
	}
	return ws
}

// errSilent is a failure already reported on stdout.
type errSilent struct{ error }

// flattenErrors turns an error tree (errors.Join, wrapping) into report
// rows, keeping file, line, entity and field where the error carries them.
func flattenErrors(err error) []validateError {
	if err == nil {
		return []validateError{}
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []validateError
		for _, e := range j.Unwrap() {
			out = append(out, flattenErrors(e)...)
		}
		return out
	}
	row := validateError{Message: err.Error()}
	var pe *pathway.Error
	if errors.As(err, &pe) {
		row.File, row.Line, row.Field = pe.File, pe.Line, pe.Field
	}
	var fe *catalog.FieldError
	if errors.As(err, &fe) {
		row.Entity, row.Field = fe.Entity, fe.Field
	}
	return []validateError{row}
}

package githubsync

import (
	"fmt"
	"strings"

	"github.com/pathwaysync/pathwaysync/manifest"
)

// Result says what a Publish did.
type Result struct {
	Action     Action            `json:"action"`              // what was done; ActionDryRun in a dry run
	Planned    Action            `json:"planned,omitempty"`   // dry run: what a real sync would do
	PRNumber   int               `json:"pr_number,omitempty"` // 0 when no PR is involved
	PRURL      string            `json:"pr_url,omitempty"`
	CompareURL string            `json:"compare_url,omitempty"`
	Changes    []manifest.Change `json:"changes"`
	Added      []string          `json:"added"` // paths relative to Options.Path, sorted
	Modified   []string          `json:"modified"`
	Deleted    []string          `json:"deleted"`
	CommitSHA  string            `json:"commit_sha,omitempty"` // the commit the bot branch points to, when one was made or kept (blocked: the foreign head)
	Requests   int               `json:"requests"`             // HTTP requests sent, retries included
	Writes     int               `json:"writes"`
	Warnings   []string          `json:"warnings"`
}

// FilesChanged is the number of files that differ from the base branch
// (added, modified and deleted).
func (r *Result) FilesChanged() int { return len(r.Added) + len(r.Modified) + len(r.Deleted) }

// Summary is one line saying what happened, e.g. "created PR #12 https://…".
func (r *Result) Summary() string {
	pr := func(verb string) string {
		return strings.TrimSpace(fmt.Sprintf("%s PR #%d %s", verb, r.PRNumber, r.PRURL))
	}
	switch r.Action {
	case ActionCreated, ActionUpdated, ActionClosed:
		return pr(r.Action.String())
	case ActionBlocked:
		return fmt.Sprintf("blocked: PR #%d has a commit pathwaysync did not make; %d files would change (merge or close the PR) %s",
			r.PRNumber, r.FilesChanged(), r.PRURL)
	case ActionRejected:
		return strings.TrimSpace(fmt.Sprintf("no changes: PR #%d with exactly this content was closed without merging %s", r.PRNumber, r.PRURL))
	case ActionDryRun:
		s := fmt.Sprintf("dry run: %d pathways changed, files +%d ~%d -%d; planned: %s",
			len(r.Changes), len(r.Added), len(r.Modified), len(r.Deleted), r.Planned)
		if r.PRNumber > 0 {
			s += fmt.Sprintf(" (PR #%d %s)", r.PRNumber, r.PRURL)
		}
		return s
	}
	if r.PRNumber > 0 {
		return strings.TrimSpace(fmt.Sprintf("no changes (PR #%d is up to date %s)", r.PRNumber, r.PRURL))
	}
	return "no changes"
}

// DryRunReport lists the semantic change per pathway and the file changes,
// one per line, for a terminal.
func (r *Result) DryRunReport() string {
	var b strings.Builder
	if len(r.Changes) == 0 && len(r.Added)+len(r.Modified)+len(r.Deleted) == 0 {
		b.WriteString("no changes\n")
		return b.String()
	}
	fmt.Fprintf(&b, "%d pathways changed\n", len(r.Changes))
	for _, c := range r.Changes {
		line := string(c.Type) + " " + c.Name
		if c.OldTitle != "" {
			line += fmt.Sprintf(": title %q -> %q", c.OldTitle, c.Title)
		}
		var parts []string
		if c.SummaryChanged {
			parts = append(parts, "summary changed")
		}
		for _, s := range c.Sections {
			if s.Added == 0 && s.Removed == 0 {
				parts = append(parts, s.Name+": reordered")
				continue
			}
			parts = append(parts, fmt.Sprintf("%s: +%d -%d", s.Name, s.Added, s.Removed))
		}
		if len(parts) > 0 {
			line += " (" + strings.Join(parts, "; ") + ")"
		}
		b.WriteString("  " + line + "\n")
	}
	fmt.Fprintf(&b, "files: %d added, %d modified, %d deleted\n", len(r.Added), len(r.Modified), len(r.Deleted))
	for _, p := range r.Added {
		b.WriteString("  A " + p + "\n")
	}
	for _, p := range r.Modified {
		b.WriteString("  M " + p + "\n")
	}
	for _, p := range r.Deleted {
		b.WriteString("  D " + p + "\n")
	}
	for _, w := range r.Warnings {
		b.WriteString("warning: " + w + "\n")
	}
	return b.String()
}

package githubsync

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pathwaysync/pathwaysync/manifest"
)

// maxBody keeps PR bodies safely below GitHub's 65,536-character limit
// (bytes bound characters from above).
const maxBody = 65000

// marker is the hidden state a PR body carries.
type marker struct {
	ok          bool
	fingerprint string
	base, head  string
	warned      string // foreign head already warned about
	closedByBot bool
}

var markerRE = regexp.MustCompile(`<!-- pathwaysync:v1 ([^<>]*?) -->`)

func (m marker) String() string {
	s := fmt.Sprintf("<!-- pathwaysync:v1 fingerprint=%s base=%s head=%s", m.fingerprint, m.base, m.head)
	if m.warned != "" {
		s += " warned=" + m.warned
	}
	if m.closedByBot {
		s += " closed=bot"
	}
	return s + " -->"
}

// parseMarker reads the last marker of a PR body; source text in the body
// is escaped, so only pathwaysync can write one.
func parseMarker(body string) marker {
	all := markerRE.FindAllStringSubmatch(body, -1)
	if len(all) == 0 {
		return marker{}
	}
	m := marker{ok: true}
	for _, kv := range strings.Fields(all[len(all)-1][1]) {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "fingerprint":
			m.fingerprint = v
		case "base":
			m.base = v
		case "head":
			m.head = v
		case "warned":
			m.warned = v
		case "closed":
			m.closedByBot = v == "bot"
		}
	}
	return m
}

var mdEscaper = strings.NewReplacer(
	"\r\n", " ", "\n", " ", "\r", " ", "\t", " ",
	"&", "&amp;", "<", "&lt;", ">", "&gt;", "@", "&#64;", "#", "&#35;",
	"\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]",
	"(", "\\(", ")", "\\)", "|", "\\|", "~", "\\~", "!", "\\!", "{", "\\{", "}", "\\}",
)

// md escapes source text for one line of GitHub Markdown: no HTML, no
// mentions, no links, no emphasis, no line breaks.
func md(s string) string { return mdEscaper.Replace(s) }

// describe renders one pathway change for a reviewer.
func describe(c manifest.Change) string {
	title := c.Title
	if title == "" {
		title = c.Name
	}
	head := fmt.Sprintf("**%s** (%s)", md(title), md(c.Name))
	switch c.Type {
	case manifest.Added:
		return "Added: " + head
	case manifest.Removed:
		return "Removed: " + head
	}
	var parts []string
	if c.OldTitle != "" {
		parts = append(parts, fmt.Sprintf("title renamed “%s” → “%s”", md(c.OldTitle), md(c.Title)))
	}
	if c.SummaryChanged {
		parts = append(parts, "summary changed")
	}
	for _, s := range c.Sections {
		switch {
		case s.Added == 0 && s.Removed == 0:
			parts = append(parts, md(s.Name)+": reordered")
		default:
			var d []string
			if s.Added > 0 {
				d = append(d, fmt.Sprintf("+%d", s.Added))
			}
			if s.Removed > 0 {
				d = append(d, fmt.Sprintf("−%d", s.Removed))
			}
			parts = append(parts, md(s.Name)+": "+strings.Join(d, " "))
		}
	}
	return "Changed: " + head + " — " + strings.Join(parts, "; ")
}

// bodyInput is what a PR body is made of.
type bodyInput struct {
	path                     string
	changes                  []manifest.Change
	added, modified, deleted []string
	compareURL               string
	marker                   marker
}

// renderBody writes the PR body; it is always below maxBody bytes, ends
// with the marker and is cut only at line ends (never mid-UTF-8).
func renderBody(in bodyInput) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pathwaysync regenerated the career pathways in %s.\n\n", md(in.path))
	var na, nr, nc int
	for _, c := range in.changes {
		switch c.Type {
		case manifest.Added:
			na++
		case manifest.Removed:
			nr++
		default:
			nc++
		}
	}
	if len(in.changes) == 0 {
		b.WriteString("No pathway changed its content; only generated files differ.\n\n")
	} else {
		fmt.Fprintf(&b, "**%d pathways:** %d added, %d removed, %d changed.\n\n", len(in.changes), na, nr, nc)
		for _, c := range in.changes {
			b.WriteString("- " + describe(c) + "\n")
		}
		b.WriteString("\n")
	}
	type fc struct{ op, path string }
	var files []fc
	for _, p := range in.added {
		files = append(files, fc{"added", p})
	}
	for _, p := range in.modified {
		files = append(files, fc{"modified", p})
	}
	for _, p := range in.deleted {
		files = append(files, fc{"deleted", p})
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].path < files[j].path })
	fmt.Fprintf(&b, "<details><summary>Files: %d added, %d modified, %d deleted</summary>\n\n",
		len(in.added), len(in.modified), len(in.deleted))
	for _, f := range files {
		b.WriteString("- " + f.op + " " + md(f.path) + "\n")
	}
	b.WriteString("\n</details>\n")
	return fit(b.String(), in.compareURL, "\n"+in.marker.String()+"\n")
}

// fit truncates body at a line end so that body+note+tail stays below
// maxBody, closing an open <details> and linking the compare view.
func fit(body, compareURL, tail string) string {
	if len(body)+len(tail) <= maxBody {
		return body + tail
	}
	note := fmt.Sprintf("\n_The description was truncated; see every change in the [compare view](%s)._\n", compareURL)
	budget := maxBody - len(tail) - len(note) - len("\n</details>\n") - 64
	cut := strings.LastIndexByte(body[:budget], '\n')
	if cut < 0 {
		cut = 0
	}
	kept := body[:cut+1]
	omitted := strings.Count(body[cut+1:], "\n")
	var b strings.Builder
	b.WriteString(kept)
	fmt.Fprintf(&b, "- … %d more lines\n", omitted)
	if strings.Count(kept, "<details>") > strings.Count(kept, "</details>") {
		b.WriteString("\n</details>\n")
	}
	b.WriteString(note)
	b.WriteString(tail)
	return b.String()
}

package githubsync

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/pathwaysync/pathwaysync/manifest"
)

// maxBody keeps PR bodies safely below GitHub's 65,536-character limit
// (bytes bound characters from above).
const maxBody = 65000

// marker is the hidden state a PR body carries.
type marker struct {
	ok          bool
	fingerprint string // the content of head (the managed folder's tree SHA)
	base, head  string // the commit pathwaysync made and its parent
	warned      string // foreign head already warned about
	closedByBot bool
	// What pathwaysync last set, to tell a person's edits: hashes of the
	// title and of the body's text, and the tally the title was made from.
	titleHash, bodyHash string
	tally               string
	// entities maps the entity files of head that differ from base to
	// their blob SHAs ("-" for deleted); nil when unknown (too many, or
	// an older marker).
	entities map[string]string
}

// maxMarkerEntities bounds the entity files a marker lists, and
// maxMarkerLen the marker.
const (
	maxMarkerEntities = 20
	maxMarkerLen      = 400 + maxMarkerEntities*(2*64+50)
)

var markerRE = regexp.MustCompile(`<!-- pathwaysync:v1 ([^<>]*?) -->`)

func (m marker) String() string {
	s := fmt.Sprintf("<!-- pathwaysync:v1 fingerprint=%s base=%s head=%s", m.fingerprint, m.base, m.head)
	if m.warned != "" {
		s += " warned=" + m.warned
	}
	if m.closedByBot {
		s += " closed=bot"
	}
	if m.titleHash != "" {
		s += " title=" + m.titleHash
	}
	if m.bodyHash != "" {
		s += " body=" + m.bodyHash
	}
	if m.tally != "" {
		s += " n=" + m.tally
	}
	if m.entities != nil {
		var parts []string
		for _, p := range slices.Sorted(maps.Keys(m.entities)) {
			parts = append(parts, p+":"+m.entities[p])
		}
		s += " e=" + strings.Join(parts, ",")
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
		case "title":
			m.titleHash = v
		case "body":
			m.bodyHash = v
		case "n":
			m.tally = v
		case "e":
			m.entities = map[string]string{}
			for _, pe := range strings.Split(v, ",") {
				if p, sha, ok := strings.Cut(pe, ":"); ok && cleanName(p) && (sha == "-" || isSHA(sha)) {
					m.entities[p] = sha
				}
			}
		}
	}
	return m
}

// zwsp is U+200B ZERO WIDTH SPACE: invisible, and not a word character,
// so GitHub's mention and reference filters do not match across it.
const zwsp = "\u200b"

// mdEscaper escapes Markdown and HTML. "@" is followed by zwsp: GitHub
// decodes entities before it looks for mentions (so "&#64;" would still
// notify), and a mention needs a letter or digit right after the "@";
// this also breaks "owner/repo@sha" commit references.
var mdEscaper = strings.NewReplacer(
	"\r\n", " ", "\n", " ", "\r", " ", "\t", " ",
	"&", "&amp;", "<", "&lt;", ">", "&gt;", "@", "@"+zwsp,
	"\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]",
	"(", "\\(", ")", "\\)", "|", "\\|", "~", "\\~", "!", "\\!", "{", "\\{", "}", "\\}",
)

// issueRefRE finds what GitHub links as an issue or pull request: "#12",
// "owner/repo#12" and "GH-12" (any case); a zwsp goes before the digits.
var issueRefRE = regexp.MustCompile(`(?i)(#|\bgh-)([0-9])`)

// md escapes source text for one line of GitHub Markdown: no HTML, no
// mentions, no issue references, no links, no emphasis, no line breaks.
func md(s string) string {
	return issueRefRE.ReplaceAllString(mdEscaper.Replace(s), "${1}"+zwsp+"${2}")
}

// Rendering budgets: an item or value is cut to maxQuote runes; a
// section lists at most maxItems entries and a pathway maxLines lines or
// maxEntry bytes before "and N more"; the list of pathways stops at the
// body's budget, then the file list is collapsed to its counts.
const (
	maxQuote   = 120
	maxItems   = 6
	maxLines   = 12
	maxEntry   = 4000
	maxComment = 20000
	maxTitle   = 200
)

// quote cuts s to maxQuote runes on one line, escapes it and quotes it.
func quote(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > maxQuote {
		r := []rune(s)
		s = strings.TrimSpace(string(r[:maxQuote-1])) + "…"
	}
	return "“" + md(s) + "”"
}

// links builds Backstage links; the zero value links nothing.
type links struct{ base string }

// catalog is the Backstage catalog filtered to learning pathways, of
// every owner: its catalog page reads filters[kind], filters[type] and
// filters[user] from the query, and may otherwise open on "Owned".
func (l links) catalog() string {
	if l.base == "" {
		return ""
	}
	return l.base + "/catalog?filters%5Bkind%5D=component&filters%5Btype%5D=learning-pathway&filters%5Buser%5D=all"
}

// entity is the Backstage page of a pathway or role.
func (l links) entity(c entityChange) string {
	if l.base == "" || c.Type == changeRemoved {
		return ""
	}
	ns := c.Namespace
	if ns == "" {
		ns = "default"
	}
	kind := "component"
	if c.Kind == kindRole {
		kind = "resource"
	}
	return l.base + "/catalog/" + url.PathEscape(ns) + "/" + kind + "/" + url.PathEscape(c.Name)
}

// name renders an entity's title in bold, linked to its page when known,
// with its entity name.
func (l links) name(title, name, href string) string {
	if title == "" {
		title = name
	}
	t := "**" + md(title) + "**"
	if href != "" {
		t = "[" + t + "](" + href + ")"
	}
	return t + " (" + md(name) + ")"
}

// entry renders one change as a list entry: a first line and, for a
// content change, one indented line per field and section.
func (l links) entry(c entityChange) string {
	href := l.entity(c)
	var head string
	role := ""
	if c.Kind == kindRole {
		role = "Role "
	}
	switch c.Type {
	case changeAdded:
		head = "- " + role + "added: " + l.name(c.Title, c.Name, href)
		if c.New != nil && c.New.Full {
			head += " — " + addedSummary(c.New)
		}
	case changeRemoved:
		head = "- " + role + "removed: " + l.name(c.Title, c.Name, "")
	case changeRenamed:
		t := "**" + md(c.OldTitle) + "** → **" + md(c.Title) + "**"
		if href != "" {
			t = "**" + md(c.OldTitle) + "** → [**" + md(c.Title) + "**](" + href + ")"
		}
		head = "- " + role + "renamed: " + t + " (" + md(c.OldName) + " → " + md(c.Name) + ")"
	default:
		head = "- " + role + "changed: " + l.name(c.Title, c.Name, href)
		switch {
		case c.Counts != nil:
			head += countsText(*c.Counts)
		case c.Unknown:
			head += " — content changed"
		case c.OldTitle != "":
			head += " — title was " + quote(c.OldTitle)
		}
	}
	head = strings.ToUpper(head[:3]) + head[3:]
	lines := detailLines(c)
	var b strings.Builder
	b.WriteString(head + "\n")
	for i, line := range lines {
		if i == maxLines || b.Len()+len(line) > maxEntry {
			fmt.Fprintf(&b, "  - and %d more changes\n", len(lines)-i)
			break
		}
		b.WriteString("  - " + line + "\n")
	}
	return b.String()
}

// detailLines are a content change's fields, then its sections.
func detailLines(c entityChange) []string {
	var out []string
	for _, f := range c.Fields {
		switch {
		case f.Old == "":
			out = append(out, md(f.Name)+": set to "+quote(f.New))
		case f.New == "":
			out = append(out, md(f.Name)+": removed "+quote(f.Old))
		default:
			out = append(out, md(f.Name)+": "+quote(f.Old)+" → "+quote(f.New))
		}
	}
	for _, s := range c.Sections {
		var parts []string
		for _, ch := range s.Changed {
			if ch[0] == ch[1] {
				parts = append(parts, quote(ch[0])+" (details changed)")
			} else {
				parts = append(parts, quote(ch[0])+" → "+quote(ch[1]))
			}
		}
		for _, r := range s.Removed {
			parts = append(parts, "removed "+quote(r))
		}
		for _, a := range s.Added {
			parts = append(parts, "added "+quote(a))
		}
		if s.Reordered {
			parts = append(parts, "reordered")
		}
		if len(parts) > maxItems {
			parts = append(parts[:maxItems-1], fmt.Sprintf("and %d more", len(parts)-maxItems+1))
		}
		out = append(out, md(s.Name)+": "+strings.Join(parts, "; "))
	}
	return out
}

// addedSummary says what a new pathway holds: its roles, duration and
// the size of each section.
func addedSummary(e *entity) string {
	var parts []string
	if e.From != "" || e.To != "" {
		parts = append(parts, md(e.From)+" → "+md(e.To))
	}
	for _, f := range e.Fields {
		if f.Name == "Duration" {
			parts = append(parts, md(f.Value))
		}
	}
	var counts []string
	for _, s := range e.Sections {
		if len(s.Items) > 0 {
			counts = append(counts, fmt.Sprintf("%s: %d", md(s.Name), len(s.Items)))
		}
	}
	if len(counts) > 0 {
		parts = append(parts, strings.Join(counts, ", "))
	}
	return strings.Join(parts, "; ")
}

// countsText is a counts-only description (a base written by a release
// whose files did not carry the full content), e.g. " — Skills: +1 −1".
func countsText(c manifest.Change) string {
	var parts []string
	if c.OldTitle != "" {
		parts = append(parts, fmt.Sprintf("title renamed “%s” → “%s”", md(c.OldTitle), md(c.Title)))
	}
	if c.SummaryChanged {
		parts = append(parts, "summary changed")
	}
	for _, s := range c.Sections {
		if s.Added == 0 && s.Removed == 0 {
			parts = append(parts, md(s.Name)+": reordered")
			continue
		}
		var d []string
		if s.Added > 0 {
			d = append(d, fmt.Sprintf("+%d", s.Added))
		}
		if s.Removed > 0 {
			d = append(d, fmt.Sprintf("−%d", s.Removed))
		}
		parts = append(parts, md(s.Name)+": "+strings.Join(d, " "))
	}
	if len(parts) == 0 {
		return ""
	}
	return " — " + strings.Join(parts, "; ")
}

// countsOnly turns manifest changes into a description (no content).
func countsOnly(changes []manifest.Change) description {
	var d description
	for _, c := range changes {
		ec := entityChange{Kind: kindPathway, Name: c.Name, Title: c.Title}
		switch {
		case c.Type == manifest.Added:
			ec.Type = changeAdded
		case c.Type == manifest.Removed:
			ec.Type = changeRemoved
		case c.Unknown:
			// A split manifest (version 3) does not count without the
			// pathway's part.
			ec.Type, ec.Unknown = changeChanged, true
		default:
			cc := c
			ec.Type, ec.Counts = changeChanged, &cc
		}
		d.Changes = append(d.Changes, ec)
	}
	return d
}

// summary is the short tally of a description, e.g. "2 changed, 1 added".
func summary(changed, added, removed, renamed int) string {
	var parts []string
	for _, p := range []struct {
		n    int
		verb string
	}{{changed, "changed"}, {added, "added"}, {renamed, "renamed"}, {removed, "removed"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.verb))
		}
	}
	if len(parts) == 0 {
		return "generated files updated"
	}
	return strings.Join(parts, ", ")
}

// SummaryPlaceholder in PullRequestOptions.Title is replaced by the
// tally of the PR's pathway changes, e.g. "2 changed, 1 added".
const SummaryPlaceholder = "{summary}"

// renderTitle fills the title template with the tally t ("c.a.r.m").
func renderTitle(tmpl string, t tally) string {
	title := strings.ReplaceAll(tmpl, SummaryPlaceholder, summary(t.changed, t.added, t.removed, t.renamed))
	title = strings.Join(strings.Fields(title), " ")
	if utf8.RuneCountInString(title) > maxTitle {
		title = string([]rune(title)[:maxTitle-1]) + "…"
	}
	return title
}

// templateTitle reports whether title has the form renderTitle gives tmpl
// (any tally in place of SummaryPlaceholder), white space aside: a title
// pathwaysync would set, when no marker remembers the one it did.
func templateTitle(tmpl, title string) bool {
	const count = `[0-9]+ (?:changed|added|renamed|removed)`
	parts := strings.Split(tmpl, SummaryPlaceholder)
	for i, p := range parts {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = `\s*` + strings.Join(words, `\s+`) + `\s*`
	}
	re, err := regexp.Compile("^" + strings.Join(parts, "(?:"+count+"(?:, "+count+")*|generated files updated)") + "$")
	return err == nil && re.MatchString(title)
}

// tally counts a PR's pathway changes; it is kept in the marker so that
// a templated title can be rendered again without reading anything.
type tally struct{ changed, added, removed, renamed int }

func (t tally) String() string {
	return fmt.Sprintf("%d.%d.%d.%d", t.changed, t.added, t.removed, t.renamed)
}

func parseTally(s string) (tally, bool) {
	var t tally
	_, err := fmt.Sscanf(s, "%d.%d.%d.%d", &t.changed, &t.added, &t.removed, &t.renamed)
	return t, err == nil
}

func (d description) tally() tally {
	var t tally
	for _, c := range d.Changes {
		if c.Kind != kindPathway {
			continue
		}
		switch c.Type {
		case changeAdded:
			t.added++
		case changeRemoved:
			t.removed++
		case changeRenamed:
			t.renamed++
		default:
			t.changed++
		}
	}
	return t
}

// bodyInput is what a PR body is made of.
type bodyInput struct {
	path                     string
	desc                     description
	added, modified, deleted []string
	compareURL               string
	links                    links
	marker                   marker
}

// renderBody writes the PR body: what changed per pathway and role, then
// the file list, then the marker, which records the hash of the text
// before it. It is always below maxBody bytes and cut only at line ends.
func renderBody(in bodyInput) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pathwaysync regenerated the career pathways in %s.", md(in.path))
	if u := in.links.catalog(); u != "" {
		fmt.Fprintf(&b, " [Browse them in Backstage](%s).", u)
	}
	b.WriteString("\n\n")
	t := in.desc.tally()
	npw := t.changed + t.added + t.removed + t.renamed
	if len(in.desc.Changes) == 0 {
		b.WriteString("No pathway changed its content; only generated files differ.\n\n")
	} else {
		if npw > 0 {
			fmt.Fprintf(&b, "**%d pathways:** %s.\n\n", npw, summary(t.changed, t.added, t.removed, t.renamed))
		}
		// Room for the notes, the collapsed file list and the marker.
		writeEntries(&b, in.desc, in.links, maxBody-maxMarkerLen-1500-3*len(in.compareURL), in.compareURL)
		b.WriteString("\n")
	}
	writeFiles(&b, in.added, in.modified, in.deleted, maxBody-maxMarkerLen-200-len(in.compareURL), in.compareURL)
	m := in.marker
	content := fit(b.String(), in.compareURL, maxMarkerLen)
	m.bodyHash = textHash(content)
	return content + "\n" + m.String() + "\n"
}

// writeEntries writes one entry per change while b stays below limit,
// then says how many were left out, and how many of those written have
// no details (past the read cap), which takes up to 300 bytes more.
func writeEntries(b *strings.Builder, d description, l links, limit int, compareURL string) {
	for i, c := range d.Changes {
		e := l.entry(c)
		if b.Len()+len(e) > limit {
			fmt.Fprintf(b, "- and %d more changes: see the [compare view](%s)\n", len(d.Changes)-i, compareURL)
			break
		}
		b.WriteString(e)
	}
	if d.Omitted > 0 {
		fmt.Fprintf(b, "\n_%d changed pathways are listed without details: a description reads at most %d old files; see the [compare view](%s)._\n", d.Omitted, d.Cap, compareURL)
	}
}

// writeFiles writes the collapsed file list, or only its counts and a
// link to the compare view when it would pass limit.
func writeFiles(b *strings.Builder, added, modified, deleted []string, limit int, compareURL string) {
	type fc struct{ op, path string }
	var files []fc
	for _, p := range added {
		files = append(files, fc{"added", p})
	}
	for _, p := range modified {
		files = append(files, fc{"modified", p})
	}
	for _, p := range deleted {
		files = append(files, fc{"deleted", p})
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].path < files[j].path })
	var list strings.Builder
	for _, f := range files {
		list.WriteString("- " + f.op + " " + md(f.path) + "\n")
	}
	head := fmt.Sprintf("Files: %d added, %d modified, %d deleted", len(added), len(modified), len(deleted))
	if b.Len()+list.Len()+200 > limit {
		fmt.Fprintf(b, "%s (see the [compare view](%s) for the list).\n", head, compareURL)
		return
	}
	fmt.Fprintf(b, "<details><summary>%s</summary>\n\n%s\n</details>\n", head, list.String())
}

// renderDelta writes the comment on an updated PR: what this update
// changed relative to the PR's previous head, recognisable by the hidden
// marker naming both heads. It stays below maxComment bytes.
func renderDelta(d description, l links, from, to, compareURL string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**Changes since the previous version of this pull request** (%s → %s):\n\n", short(from), short(to))
	if len(d.Changes) == 0 {
		b.WriteString("No pathway changed its content; only generated files differ.\n")
	} else {
		writeEntries(&b, d, l, maxComment-1000-2*len(compareURL), compareURL)
	}
	b.WriteString("\nThe description still describes the whole pull request against the base branch.\n")
	b.WriteString("\n" + deltaMarker(from, to) + "\n")
	return b.String()
}

// deltaMarker makes the comment on one update (from → to) recognisable.
func deltaMarker(from, to string) string {
	return fmt.Sprintf("<!-- pathwaysync:delta from=%s to=%s -->", from, to)
}

// isSHA reports whether s is a full hex object name.
func isSHA(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// textHash identifies a title or the text of a body that pathwaysync set,
// ignoring line-ending and surrounding-space differences.
func textHash(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:6])
}

// bodyText is a PR body without its last marker.
func bodyText(body string) string {
	if loc := markerRE.FindAllStringIndex(body, -1); len(loc) > 0 {
		return body[:loc[len(loc)-1][0]]
	}
	return body
}

// fit truncates body at a line end so that it stays below maxBody-room
// bytes, closing an open <details> and linking the compare view.
func fit(body, compareURL string, room int) string {
	if len(body)+room <= maxBody {
		return body
	}
	note := fmt.Sprintf("\n_The description was truncated; see every change in the [compare view](%s)._\n", compareURL)
	budget := maxBody - room - len(note) - len("\n</details>\n") - 64
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
	return b.String()
}

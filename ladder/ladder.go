// Package ladder draws a discipline's career ladder — role archetypes joined
// by the learning pathways between them — as a static SVG: no script, no
// style sheet, no external resource, every role and pathway a link.
package ladder

import (
	"bytes"
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// Role is one rung of the ladder.
type Role struct {
	ID    string // unique within the ladder; pathways refer to it
	Title string // shown in the box
	URL   string // the role's entity page; empty draws no link
}

// Pathway is one step between two roles.
type Pathway struct {
	ID       string // unique within the ladder
	Title    string // the tooltip and accessible name of the step
	From, To string // role IDs
	Duration string // shown on the step, e.g. "18-36 months"
	URL      string // the pathway's entity page; empty draws no link
	// Incomplete marks a step whose source was cut off: its label ends in
	// "· incomplete", its outline is dashed and its arrows dotted, so the
	// mark survives greyscale print.
	Incomplete bool
}

// Ladder is everything drawn: the roles and the pathways between them.
type Ladder struct {
	Title    string // accessible title of the picture
	Roles    []Role
	Pathways []Pathway
}

// Options tunes the drawing.
type Options struct {
	// Width of the picture in pixels; 0 means 640.
	// Values below 320 are raised to 320. TechDocs (material theme) shows the
	// content column about 590 px wide at a 1400 px window and scales wider
	// pictures down to fit, so 640 keeps the text close to its real size.
	Width int
}

const (
	defaultWidth = 640
	minWidth     = 320
	margin       = 16
	boxGap       = 24  // between boxes of one row
	maxBoxW      = 260 // widest role box
	minBoxW      = 170 // narrower boxes wrap onto another row
	lineH        = 18  // role title line height (font 14)
	boxPad       = 10
	maxLines     = 3
	charW        = 7.6 // estimated average glyph width at 14px, generous
	pillH        = 24
	pillCharW    = 6.8 // at 12px
	pillGap      = 8
	rowGapBase   = 28 // vertical room above and below the pills of a gap
	laneStep     = 10 // distance between side lanes of back and skip edges
)

// Validate reports the first problem that makes a ladder undrawable: an empty
// or repeated ID, a pathway whose From or To names no role, or a URL that is
// neither http(s) nor relative.
func Validate(l Ladder) error {
	roles := make(map[string]bool, len(l.Roles))
	for i, r := range l.Roles {
		if r.ID == "" {
			return fmt.Errorf("ladder: roles[%d]: empty id", i)
		}
		if roles[r.ID] {
			return fmt.Errorf("ladder: role %q: duplicate id", r.ID)
		}
		roles[r.ID] = true
	}
	seen := make(map[string]bool, len(l.Pathways))
	for i, p := range l.Pathways {
		if p.ID == "" {
			return fmt.Errorf("ladder: pathways[%d]: empty id", i)
		}
		if seen[p.ID] {
			return fmt.Errorf("ladder: pathway %q: duplicate id", p.ID)
		}
		seen[p.ID] = true
		if !roles[p.From] {
			return fmt.Errorf("ladder: pathway %q: from: unknown role %q", p.ID, p.From)
		}
		if !roles[p.To] {
			return fmt.Errorf("ladder: pathway %q: to: unknown role %q", p.ID, p.To)
		}
		if err := checkURL(p.URL); err != nil {
			return fmt.Errorf("ladder: pathway %q: url: %w", p.ID, err)
		}
	}
	for _, r := range l.Roles {
		if err := checkURL(r.URL); err != nil {
			return fmt.Errorf("ladder: role %q: url: %w", r.ID, err)
		}
	}
	return nil
}

// checkURL accepts empty, http(s) and scheme-less (relative) URLs: a link in
// a picture must never run code (javascript:, data:).
func checkURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("scheme %q not allowed (http, https or a relative URL)", u.Scheme)
	}
	return nil
}

// layout is the order and rank of every role, and which pathways go against
// the ladder (back edges of cycles, self-loops).
type layout struct {
	roles    []Role // sorted by ID
	rank     map[string]int
	pathways []Pathway       // ladder order
	back     map[string]bool // pathway ID → drawn as a back edge
}

// plan ranks the roles: the longest chain of pathways leading to a role,
// with one pathway of every cycle set aside so that every ladder, cyclic or
// not, gets finite ranks. It depends only on the IDs, never on input order.
func plan(l Ladder) layout {
	lay := layout{
		roles:    slices.SortedFunc(slices.Values(l.Roles), func(a, b Role) int { return cmp.Compare(a.ID, b.ID) }),
		rank:     make(map[string]int, len(l.Roles)),
		pathways: slices.SortedFunc(slices.Values(l.Pathways), func(a, b Pathway) int { return cmp.Compare(a.ID, b.ID) }),
		back:     map[string]bool{},
	}
	out := map[string][]Pathway{}
	indeg := map[string]int{}
	for _, p := range lay.pathways {
		out[p.From] = append(out[p.From], p)
		if p.From != p.To {
			indeg[p.To]++
		}
	}
	// Depth-first search from the roles nothing leads into (then from any
	// role left over, which lies on a cycle): an edge to a role still on the
	// stack closes a cycle and is set aside. Iterative, so deep ladders
	// cannot overflow the stack.
	const (
		unseen = iota
		onStack
		done
	)
	state := map[string]int{}
	type frame struct {
		id   string
		next int
	}
	visit := func(start string) {
		stack := []frame{{id: start}}
		state[start] = onStack
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			edges := out[f.id]
			if f.next == len(edges) {
				state[f.id] = done
				stack = stack[:len(stack)-1]
				continue
			}
			p := edges[f.next]
			f.next++
			switch state[p.To] {
			case onStack:
				lay.back[p.ID] = true
			case unseen:
				state[p.To] = onStack
				stack = append(stack, frame{id: p.To})
			}
		}
	}
	for _, r := range lay.roles {
		if indeg[r.ID] == 0 && state[r.ID] == unseen {
			visit(r.ID)
		}
	}
	for _, r := range lay.roles {
		if state[r.ID] == unseen {
			visit(r.ID)
		}
	}
	// Longest path over what is left, a DAG (Kahn's order).
	in := map[string]int{}
	for _, p := range lay.pathways {
		if !lay.back[p.ID] {
			in[p.To]++
		}
	}
	queue := []string{}
	for _, r := range lay.roles {
		if in[r.ID] == 0 {
			queue = append(queue, r.ID)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, p := range out[id] {
			if lay.back[p.ID] {
				continue
			}
			lay.rank[p.To] = max(lay.rank[p.To], lay.rank[id]+1)
			if in[p.To]--; in[p.To] == 0 {
				queue = append(queue, p.To)
			}
		}
	}
	slices.SortStableFunc(lay.pathways, func(a, b Pathway) int {
		return cmp.Or(cmp.Compare(lay.rank[a.From], lay.rank[b.From]), cmp.Compare(lay.rank[a.To], lay.rank[b.To]))
	})
	return lay
}

// Order returns the pathways in ladder order: by the rank of the role they
// start from, then of the role they lead to, then by ID. Use it to list the
// pathways under the picture. The ladder must be valid (see Validate).
func Order(l Ladder) []Pathway { return plan(l).pathways }

type box struct {
	x, y, w, h int
	lines      []string
	role       Role
}

type pill struct {
	x, y, w  int // top-left
	text     string
	p        Pathway
	from, to *box
	side     bool // back edge, self-loop or skip of more than one row: routed along the right
}

// SVG draws the ladder top to bottom, starting roles first: a row per rank
// (wrapped onto more rows when it holds more boxes than fit the width), each
// pathway a labelled pill on the arrow between its two roles. Pathways that
// skip rows or go back down the ladder (cycles) run along the right edge.
// The same ladder gives the same bytes whatever the order of its slices.
func SVG(l Ladder, o Options) ([]byte, error) {
	if err := Validate(l); err != nil {
		return nil, err
	}
	width := cmp.Or(o.Width, defaultWidth)
	width = max(width, minWidth)
	lay := plan(l)

	// Rows: roles by rank; within a rank, by the position of the first role
	// leading into them, then by ID, so branches sit under their origin.
	maxRank := 0
	for _, r := range lay.roles {
		maxRank = max(maxRank, lay.rank[r.ID])
	}
	byRank := make([][]Role, maxRank+1)
	for _, r := range lay.roles {
		byRank[lay.rank[r.ID]] = append(byRank[lay.rank[r.ID]], r)
	}
	pos := map[string]int{} // role → order key across all rows
	n := 0
	for _, rank := range byRank {
		key := func(r Role) int {
			best := -1
			for _, p := range lay.pathways {
				if p.To == r.ID && !lay.back[p.ID] {
					if k, ok := pos[p.From]; ok && (best < 0 || k < best) {
						best = k
					}
				}
			}
			return best
		}
		slices.SortStableFunc(rank, func(a, b Role) int { return cmp.Compare(key(a), key(b)) })
		for _, r := range rank {
			pos[r.ID] = n
			n++
		}
	}

	// Side lanes for pathways that do not go one visual row down.
	side := 0
	content := width - 2*margin
	perRow := max(1, (content+boxGap)/(minBoxW+boxGap))
	var rows [][]Role
	rowOf := map[string]int{}
	for _, rank := range byRank {
		for i := 0; i < len(rank); i += perRow {
			row := rank[i:min(i+perRow, len(rank))]
			for _, r := range row {
				rowOf[r.ID] = len(rows)
			}
			rows = append(rows, row)
		}
	}
	isSide := func(p Pathway) bool { return lay.back[p.ID] || rowOf[p.To] != rowOf[p.From]+1 }
	for _, p := range lay.pathways {
		if isSide(p) {
			side++
		}
	}
	lanes := 0
	if side > 0 {
		lanes = min(side, 6)*laneStep + laneStep
		content -= lanes
	}

	// Boxes.
	boxes := map[string]*box{}
	rowBoxes := make([][]*box, len(rows))
	for i, row := range rows {
		w := min(maxBoxW, (content-(len(row)-1)*boxGap)/len(row))
		total := len(row)*w + (len(row)-1)*boxGap
		x := margin + (content-total)/2
		for _, r := range row {
			lines := wrap(cmp.Or(r.Title, r.ID), int(float64(w-2*boxPad)/charW))
			b := &box{x: x, w: w, lines: lines, h: 2*boxPad + len(lines)*lineH, role: r}
			boxes[r.ID] = b
			rowBoxes[i] = append(rowBoxes[i], b)
			x += w + boxGap
		}
	}

	// Pills, grouped by the gap below their source row and spread so that
	// none overlap; a crowded gap gets more lines.
	gaps := make([][]*pill, len(rows))
	for _, p := range lay.pathways {
		text := cmp.Or(p.Duration, "pathway")
		if p.Incomplete {
			text = strings.TrimPrefix(p.Duration+" · incomplete", " · ")
		}
		pl := &pill{w: int(float64(utf8.RuneCountInString(text))*pillCharW) + 20, text: text, p: p,
			from: boxes[p.From], to: boxes[p.To], side: isSide(p)}
		gaps[rowOf[p.From]] = append(gaps[rowOf[p.From]], pl)
	}
	gapLines := make([]int, len(rows))
	for g, ps := range gaps {
		want := func(pl *pill) int {
			if pl.side {
				return margin + content - pl.w/2
			}
			return (pl.from.x + pl.from.w/2 + pl.to.x + pl.to.w/2) / 2
		}
		slices.SortStableFunc(ps, func(a, b *pill) int { return cmp.Compare(want(a), want(b)) })
		line, x := 0, margin
		for _, pl := range ps {
			px := max(want(pl)-pl.w/2, x)
			if px+pl.w > margin+content && x > margin { // no room left: next line
				line++
				px = want(pl) - pl.w/2
			}
			pl.x = max(margin, min(px, margin+content-pl.w))
			pl.y = line // the line index until rows have positions
			x = pl.x + pl.w + pillGap
		}
		if len(ps) > 0 {
			gapLines[g] = line + 1
		}
	}

	// Vertical positions.
	y := margin
	for i, bs := range rowBoxes {
		h := 0
		for _, b := range bs {
			b.y = y
			h = max(h, b.h)
		}
		for _, b := range bs { // one height per row: tidy bottoms for the arrows
			b.h = h
		}
		y += h
		gapTop := y
		for _, pl := range gaps[i] {
			pl.y = gapTop + rowGapBase + pl.y*(pillH+pillGap)
		}
		if i < len(rowBoxes)-1 || gapLines[i] > 0 {
			y += 2*rowGapBase + max(gapLines[i], 1)*(pillH+pillGap) - pillGap
		}
	}
	height := y + margin

	var b bytes.Buffer
	title := cmp.Or(l.Title, "Career ladder")
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="ladder-title" font-family="-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, "<title id=\"ladder-title\">%s</title>\n", esc(title))
	b.WriteString(`<defs><marker id="ladder-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5c6b7a"/></marker></defs>` + "\n")

	// Edges first, so boxes and pills sit on top of them.
	laneN := 0
	for _, ps := range gaps {
		for _, pl := range ps {
			f, t := pl.from, pl.to
			cx := pl.x + pl.w/2
			mid := pl.y + pillH/2
			// An incomplete step's lines are dotted (side lanes are
			// dashed, so the two stay apart).
			dots := ""
			if pl.p.Incomplete {
				dots = ` stroke-dasharray="2,3"`
			}
			fmt.Fprintf(&b, `<path d="M%d,%d L%d,%d" fill="none" stroke="#5c6b7a" stroke-width="1.5"%s/>`+"\n", f.x+f.w/2, f.y+f.h, cx, pl.y, dots)
			if !pl.side {
				fmt.Fprintf(&b, `<path d="M%d,%d L%d,%d" fill="none" stroke="#5c6b7a" stroke-width="1.5"%s marker-end="url(#ladder-arrow)"/>`+"\n", cx, pl.y+pillH, t.x+t.w/2, t.y, dots)
				continue
			}
			// Out to a lane on the right, along it to just above the target
			// row, across and down into the target's top: never through a box.
			lane := margin + content + laneStep + (laneN%6)*laneStep
			above := t.y - 6 - (laneN%3)*3
			laneN++
			dash := "5,3"
			if pl.p.Incomplete {
				dash = "2,3"
			}
			fmt.Fprintf(&b, `<path d="M%d,%d H%d V%d H%d V%d" fill="none" stroke="#5c6b7a" stroke-width="1.5" stroke-dasharray="%s" marker-end="url(#ladder-arrow)"/>`+"\n", pl.x+pl.w, mid, lane, above, t.x+t.w/2+(laneN%3)*6, t.y, dash)
		}
	}
	for _, bs := range rowBoxes {
		for _, bx := range bs {
			open(&b, bx.role.URL, bx.role.Title)
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="6" fill="#e8f0fb" stroke="#2f5f9e" stroke-width="1.5"/>`+"\n", bx.x, bx.y, bx.w, bx.h)
			top := bx.y + (bx.h-len(bx.lines)*lineH)/2
			for i, ln := range bx.lines {
				fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="14" fill="#17324d">%s</text>`+"\n", bx.x+bx.w/2, top+i*lineH+14, esc(ln))
			}
			closeA(&b, bx.role.URL)
		}
	}
	for _, ps := range gaps {
		for _, pl := range ps {
			title := cmp.Or(pl.p.Title, pl.p.ID)
			if !pl.p.Incomplete {
				open(&b, pl.p.URL, title)
				fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="12" fill="#fff4e0" stroke="#c77700" stroke-width="1.5"/>`+"\n", pl.x, pl.y, pl.w, pillH)
				fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="12" fill="#6b3f00">%s</text>`+"\n", pl.x+pl.w/2, pl.y+16, esc(pl.text))
				closeA(&b, pl.p.URL)
				continue
			}
			// Incomplete: white with a dashed dark outline and an italic
			// label, which reads the same in colour and in greyscale.
			open(&b, pl.p.URL, title+" (incomplete source)")
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="12" fill="#ffffff" stroke="#6b3f00" stroke-width="1.5" stroke-dasharray="4,3"/>`+"\n", pl.x, pl.y, pl.w, pillH)
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="12" font-style="italic" fill="#6b3f00">%s</text>`+"\n", pl.x+pl.w/2, pl.y+16, esc(pl.text))
			closeA(&b, pl.p.URL)
		}
	}
	b.WriteString("</svg>\n")
	return b.Bytes(), nil
}

// open starts a link (both href forms: SVG 2 and the SVG 1.1 xlink:href that
// older renderers and sanitisers know) with a tooltip, or just a group.
func open(b *bytes.Buffer, url, title string) {
	if url == "" {
		fmt.Fprintf(b, "<g><title>%s</title>\n", esc(title))
		return
	}
	u := esc(url)
	fmt.Fprintf(b, "<a href=\"%s\" xlink:href=\"%s\" target=\"_top\"><title>%s</title>\n", u, u, esc(title))
}

func closeA(b *bytes.Buffer, url string) {
	if url == "" {
		b.WriteString("</g>\n")
		return
	}
	b.WriteString("</a>\n")
}

// wrap breaks s into at most maxLines lines of about width characters, at
// spaces where it can; the last line ends in "…" when text is left over.
func wrap(s string, width int) []string {
	width = max(width, 4)
	words := strings.Fields(s)
	var lines []string
	cur := ""
	for len(words) > 0 {
		w := words[0]
		switch {
		case cur == "" && utf8.RuneCountInString(w) > width:
			r := []rune(w)
			cur, words[0] = string(r[:width]), string(r[width:])
			lines = append(lines, cur)
			cur = ""
			continue
		case cur == "":
			cur = w
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) <= width:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = ""
			continue
		}
		words = words[1:]
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if len(lines) > maxLines {
		last := []rune(lines[maxLines-1])
		if len(last) >= width {
			last = last[:width-1]
		}
		lines = append(lines[:maxLines-1], strings.TrimRight(string(last), " ")+"…")
	}
	if len(lines) == 0 {
		lines = []string{""}
	}
	return lines
}

// esc escapes text for XML character data and attribute values.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&#39;")
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			if r < 0x20 || r == 0xFFFD || r == 0xFFFE || r == 0xFFFF {
				continue // not allowed in XML 1.0
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

package pathway

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parseHTML imports a published pathway page. It reads headings, paragraphs
// and list items in document order (never CSS classes), skips scripts,
// styles, navigation and the site's header and footer, and takes role URLs
// from the archetype links.
func parseHTML(name string, data []byte) (*Pathway, []Warning, error) {
	if p, ws, err, ok := streamHTML(name, data); ok {
		return p, ws, err
	}
	return parseHTMLTree(name, data)
}

// parseHTMLTree is parseHTML by way of the parsed tree, for the pages
// streamHTML leaves to it.
func parseHTMLTree(name string, data []byte) (*Pathway, []Warning, error) {
	return parseHTMLMarked(name, annotateLines(data))
}

// parseHTMLMarked is parseHTML on a page whose start tags may carry line
// numbers (annotateLines); untagged text has no line.
func parseHTMLMarked(name string, data []byte) (*Pathway, []Warning, error) {
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, nil, &Error{File: name, Msg: "parse HTML: " + err.Error()}
	}
	meta := readHead(doc)
	b := newBuilder(name)
	b.fallbackTitle = meta.title
	base := baseURL(meta, name)
	if isAbsHTTP(meta.canonical) {
		b.docURL = meta.canonical
	}
	b.resolveHref = func(href string) (string, bool) { return resolve(base, href) }

	c := &htmlCollector{emit: b.add}
	c.walk(doc, false)
	c.flush()
	return b.finish()
}

// lineAttr is the attribute annotateLines gives every start tag: its line.
const lineAttr = "data-pathwaysync-line"

// annotateLines copies an HTML document, giving each start tag a lineAttr
// attribute with the line it starts on, so that warnings and errors about
// the parsed tree can name a line (the tree parser keeps no positions).
// It reads the document with the tokenizer the tree parser uses; what the
// tokenizer does not take as a start tag is copied byte for byte.
func annotateLines(data []byte) []byte {
	z := html.NewTokenizer(bytes.NewReader(data))
	out := make([]byte, 0, len(data)+len(data)/8)
	n := 1
	for {
		tt := z.Next()
		raw := z.Raw()
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			// Right after the tag name: at the end it would become the
			// value of an attribute left without one ("<a href=>").
			end := 1 + bytes.IndexAny(raw[1:], " \t\n\f\r/>")
			out = append(out, raw[:end]...)
			out = append(out, ' ')
			out = append(out, lineAttr...)
			out = append(out, `="`...)
			out = strconv.AppendInt(out, int64(n), 10)
			out = append(out, '"')
			out = append(out, raw[end:]...)
		} else {
			out = append(out, raw...)
		}
		n += bytes.Count(raw, []byte("\n"))
		if tt == html.ErrorToken {
			return out
		}
	}
}

// lineOf returns the line annotateLines gave element n, 0 when none.
func lineOf(n *html.Node) int {
	for _, a := range n.Attr {
		if a.Key == lineAttr {
			v, _ := strconv.Atoi(a.Val)
			return v
		}
	}
	return 0
}

// headInfo is what the importer needs from <head>.
type headInfo struct {
	title     string // <title> text
	canonical string // <link rel=canonical href>
	base      string // <base href>
}

// readHead finds the title, canonical link and base anywhere in the tree.
func readHead(n *html.Node) headInfo {
	var h headInfo
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Title:
				if h.title == "" {
					h.title = cleanSpace(strings.Join(strings.Fields(textOf(n)), " "))
				}
			case atom.Link:
				if h.canonical == "" && hasToken(attr(n, "rel"), "canonical") {
					h.canonical = strings.TrimSpace(attr(n, "href"))
				}
			case atom.Base:
				if h.base == "" {
					h.base = strings.TrimSpace(attr(n, "href"))
				}
			case atom.Script, atom.Style, atom.Template:
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return h
}

// baseURL picks what relative links resolve against: <base> (itself
// resolved against the canonical URL), the canonical URL, or the source
// name when it is an http(s) URL; nil when none is absolute.
func baseURL(h headInfo, name string) *url.URL {
	var root *url.URL
	for _, s := range []string{h.canonical, name} {
		if isAbsHTTP(s) {
			root, _ = url.Parse(s)
			break
		}
	}
	if h.base != "" {
		if b, err := url.Parse(h.base); err == nil {
			if root != nil {
				b = root.ResolveReference(b)
			}
			if isAbsHTTP(b.String()) {
				return b
			}
		}
	}
	return root
}

// resolve makes href absolute against base; only http(s) results are kept.
func resolve(base *url.URL, href string) (string, bool) {
	href = strings.TrimSpace(href)
	if href == "" {
		return "", false
	}
	u, err := url.Parse(href)
	if err != nil {
		return "", false
	}
	if !u.IsAbs() {
		if base == nil {
			return "", false
		}
		u = base.ResolveReference(u)
	}
	s := u.String()
	return s, isAbsHTTP(s)
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// textOf concatenates the text below n.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// htmlCollector flattens the body into lines: one per heading, paragraph,
// list item or other block, with the anchors inside it.
type htmlCollector struct {
	emit    func(line)
	buf     []byte
	links   []link
	heading int
	item    int // depth of open <li>
	line    int // the line of the element being walked
	bufLine int // the line where the pending text starts
}

// skipped elements never hold pathway content.
var skipped = map[atom.Atom]bool{
	atom.Head: true, atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Nav: true, atom.Svg: true, atom.Math: true, atom.Iframe: true, atom.Object: true,
	atom.Form: true, atom.Button: true, atom.Select: true, atom.Textarea: true, atom.Dialog: true,
}

// blocks start a new line when they open and when they close.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true, atom.Aside: true,
	atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
	atom.Blockquote: true, atom.Figure: true, atom.Figcaption: true, atom.Table: true, atom.Tr: true,
	atom.Td: true, atom.Th: true, atom.Br: true, atom.Hr: true, atom.Pre: true, atom.Address: true,
	atom.Details: true, atom.Summary: true, atom.Header: true, atom.Footer: true, atom.Body: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
}

var headingLevel = map[atom.Atom]int{atom.H1: 1, atom.H2: 2, atom.H3: 3, atom.H4: 4, atom.H5: 5, atom.H6: 6}

// walk visits n; inContent is true below <main>, <article> or <section>,
// where a <header> or <footer> belongs to the content, not the site.
func (c *htmlCollector) walk(n *html.Node, inContent bool) {
	switch n.Type {
	case html.TextNode:
		if c.bufLine == 0 && strings.TrimSpace(n.Data) != "" {
			c.bufLine = c.line
		}
		c.buf = append(c.buf, n.Data...)
		return
	case html.ElementNode:
	case html.DocumentNode:
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			c.walk(ch, inContent)
		}
		return
	default:
		return
	}
	a := n.DataAtom
	if skipped[a] || (!inContent && (a == atom.Header || a == atom.Footer)) {
		c.flush()
		return
	}
	if a == atom.Main || a == atom.Article || a == atom.Section {
		inContent = true
	}
	if l := lineOf(n); l > 0 {
		defer func(outer int) { c.line = outer }(c.line)
		c.line = l
	}
	block := blocks[a]
	if block {
		c.flush()
	}
	level, isHeading := headingLevel[a]
	if isHeading {
		c.heading = level
	}
	if a == atom.Li {
		c.item++
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		c.walk(ch, inContent)
	}
	if a == atom.A {
		c.links = append(c.links, link{text: cleanSpace(collapse(textOf(n))), href: attr(n, "href")})
	}
	if block {
		c.flush()
	}
	if isHeading {
		c.heading = 0
	}
	if a == atom.Li {
		c.item--
	}
}

// collapse folds runs of white space into single spaces.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// collapseClean is cleanSpace(collapse(string(b))). Text whose only white
// space is ASCII and that holds nothing cleanSpace changes (controls,
// U+00A0, U+200B, U+FEFF) is folded in one pass and at most one
// allocation; other text goes the long way.
func collapseClean(b []byte) string {
	n, space, folded := 0, false, true
	for i, c := range b {
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
			// Folding changes nothing where a lone space stands between
			// words.
			folded = folded && c == ' ' && !space && i > 0 && i < len(b)-1
			space = true
			continue
		case c < 0x20 || c == 0x7f || c >= 0xc2 && needsCleaning(b[i:]):
			return cleanSpace(collapse(string(b)))
		}
		if space && n > 0 {
			n++
		}
		n++
		space = false
	}
	if folded {
		return string(b)
	}
	if n == 0 {
		return ""
	}
	var out strings.Builder
	out.Grow(n)
	space = false
	for _, c := range b {
		if c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' {
			space = true
			continue
		}
		if space && out.Len() > 0 {
			out.WriteByte(' ')
		}
		out.WriteByte(c)
		space = false
	}
	return out.String()
}

// needsCleaning tells whether the character b starts with is one that
// strings.Fields splits at or cleanSpace changes, apart from ASCII: C1
// controls and U+00A0 (lead byte 0xC2), U+1680, U+2000–U+200B, U+2028,
// U+2029, U+202F, U+205F, U+3000 and U+FEFF. Other bytes, invalid UTF-8
// included, are neither.
func needsCleaning(b []byte) bool {
	at := func(i int) byte {
		if i < len(b) {
			return b[i]
		}
		return 0
	}
	switch b[0] {
	case 0xc2:
		return at(1) >= 0x80 && at(1) <= 0xa0
	case 0xe1:
		return at(1) == 0x9a && at(2) == 0x80
	case 0xe2:
		b1, b2 := at(1), at(2)
		return b1 == 0x80 && (b2 >= 0x80 && b2 <= 0x8b || b2 == 0xa8 || b2 == 0xa9 || b2 == 0xaf) ||
			b1 == 0x81 && b2 == 0x9f
	case 0xe3:
		return at(1) == 0x80 && at(2) == 0x80
	case 0xef:
		return at(1) == 0xbb && at(2) == 0xbf
	}
	return false
}

// flush emits the pending text as a line.
func (c *htmlCollector) flush() {
	t := collapseClean(c.buf)
	c.buf = c.buf[:0]
	links, n := c.links, c.bufLine
	c.links, c.bufLine = nil, 0
	if t == "" {
		return
	}
	c.emit(line{n: n, text: t, heading: c.heading, item: c.item > 0, links: links})
}

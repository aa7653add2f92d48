package pathway

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// streamHTML imports a page straight from the tokenizer, without building
// the tree: building it (html.Parse) was most of the import's time. It
// follows html.Parse's tree construction step by step: elements appended
// to the current one, closed by their own end tags or implied ones
// (tables, selects, SVG and MathML included, formatting elements reopened
// as copies), templates (read only to where they end: the walk skips
// them), and the nodes the tree builder moves, replayed where the walk
// reads them: a block the adoption agency moves out of a formatting
// element (a link split in two around it), content a table foster-parents
// before itself (a table's lines wait for it to close, and take the
// heading that content leaves), HTML inside or breaking out of SVG and
// MathML. Where the stream does not replay what the tree builder does
// (text moved before a table inside a link, attributes for the root from
// a tag in the body, a body that may still become a frameset), ok is false and
// the caller builds the tree instead; what streamHTML returns with ok is
// what the tree walk gives (FuzzHTMLStream and TestHTMLStreamTagSoup
// check it).
func streamHTML(name string, data []byte) (p *Pathway, ws []Warning, err error, ok bool) {
	s := newHTMLStream(data)
	var b *builder
	var seen headInfo // the head as the builder was given it
	var resolved bool // the builder resolved a link against it
	start := func(h headInfo) {
		b, seen, resolved = newBuilder(name), h, false
		base := baseURL(h, name)
		if isAbsHTTP(h.canonical) {
			b.docURL = h.canonical
		}
		b.resolveHref = func(href string) (string, bool) {
			resolved = true
			return resolve(base, href)
		}
	}
	s.deliver = func(l line) {
		if b == nil {
			start(s.meta)
		}
		b.add(l)
	}
	if !s.run() {
		return nil, nil, nil, false
	}
	if b == nil {
		start(s.meta)
	}
	switch {
	case seen.canonical == s.meta.canonical && seen.base == s.meta.base:
	case !resolved && !b.usedDocURL:
		// The page named its URL or base after its first line, but no
		// line needed them: the builder is given them now.
		b.docURL = ""
		if isAbsHTTP(s.meta.canonical) {
			b.docURL = s.meta.canonical
		}
	default:
		// A line was read without the URL or base the page names later:
		// read the page again, knowing them from the start, as the tree
		// walk does.
		h := s.meta
		s = newHTMLStream(data)
		start(h)
		s.deliver = b.add
		if !s.run() {
			return nil, nil, nil, false
		}
	}
	b.fallbackTitle = s.meta.title
	p, ws, err = b.finish()
	return p, ws, err, true
}

func newHTMLStream(data []byte) *htmlStream {
	s := &htmlStream{z: html.NewTokenizer(bytes.NewReader(data)), data: data, lineNo: 1, levels: []*streamLevel{{}}, framesetOK: true}
	page := s.levels[0]
	page.c.emit = func(l line) {
		if s.linkHold {
			page.lines = append(page.lines, l)
			return
		}
		s.deliver(l)
	}
	return s
}

// streamLevel is where the walk's lines go: the page's, or an open
// table's, whose lines wait for the table to close, since content the
// table moves before itself (foster parenting) may still come, and the
// walk reads that first.
type streamLevel struct {
	c       htmlCollector
	bufFrom int    // id of the element the pending text's line comes from
	lines   []line // a table's, for the level it is in; the page's while held
	// waiting are the ids of elements that may take a link split off an
	// <a> around them, whose line is the next this level emits.
	waiting []int
	// heading and item are the enclosing level's when the table opened.
	heading, item int
	// ownHeading: a heading opened or closed in the table, or in one
	// closed inside it; the first inherited of lines came before, in the
	// heading the table is read in (which content moved before the table
	// may still change).
	ownHeading bool
	inherited  int
}

// insertion modes of html.Parse that streamHTML follows.
type insertionMode int

const (
	modeInitial insertionMode = iota
	modeBeforeHTML
	modeBeforeHead
	modeInHead
	modeAfterHead
	modeInBody
	modeText
	modeAfterBody
	modeAfterAfterBody
	modeInTable
	modeInCaption
	modeInColumnGroup
	modeInTableBody
	modeInRow
	modeInCell
)

// maxOpenElements is html.Parse's limit: deeper pages are an error, which
// the tree builder reports.
const maxOpenElements = 512

// openElem is an element on the stack of open elements, with the walk's
// state inside it.
type openElem struct {
	a        atom.Atom
	name     string // the tag name when a is 0; always for SVG and MathML
	id       int    // tells elements apart where html.Parse compares nodes
	ownLine  int    // the line of its start tag; 0 when implied
	line     int    // ownLine, or the enclosing element's line
	lineFrom int    // id of the element line comes from
	lineUsed bool   // a line emitted took its line from this element
	// level is the streamLevel of what the element holds; outer that of
	// the element itself, which differs for a table.
	level, outer int
	fostered     bool // placed before a table, or inside such an element
	// For a special element opened inside an <a>: where the link's text
	// stood then, and where the part of the link before it would go.
	linkMark           int
	linkAt             int8
	linkLevel, linkIdx int
	skip               bool   // inside an element the walk skips, or skipped itself
	content            bool   // inside <main>, <article> or <section>
	kind               uint16 // atomKinds; for SVG and MathML, kindSpecial or 0
	ns                 namespace
	hidden             bool // inside <script>, <style> or <template>, where readHead does not look
	hasChild           bool
}

// htmlToken is the token being processed, as far as the importer needs it.
type htmlToken struct {
	tt   html.TokenType // SelfClosingTagToken is read as StartTagToken
	a    atom.Atom
	kind uint16 // atomKinds[a]
	name string // the tag name when a is 0
	line int    // the line of a start tag from the page; 0 when implied
	self bool   // a self-closing start tag
	text []byte
	href string // <a>, <link> and <base>
	rel  string // <link>
	// attrs are a formatting element's attributes as the tree builder
	// compares them: sorted, the line annotateLines gives among them.
	attrs string
}

// afeEntry is an entry of the list of active formatting elements: a scope
// marker, or an element, open or not, and what a copy of it needs.
type afeEntry struct {
	marker bool
	id     int // the element's; its copies get their own
	a      atom.Atom
	line   int
	href   string
	attrs  string
}

// htmlStream is the tree construction state streamHTML keeps: the stack
// of open elements (whose flags stand for the list of active formatting
// elements), the insertion mode, and the walk's collector.
type htmlStream struct {
	z    *html.Tokenizer
	data []byte
	pos  int // where the next token starts in data
	// lineNo is the line data[counted] is on.
	counted, lineNo int
	levels          []*streamLevel // the page's, then one per open table
	meta            headInfo
	bad             bool // the page needs the tree builder

	afe        []afeEntry // the list of active formatting elements
	im, orig   insertionMode
	quirks     quirksMode
	stack      []openElem
	ids        int
	head       openElem
	form       int  // id of the form element pointer; 0 when none
	link       bool // a walked <a> is open
	linkHref   string
	linkText   []byte
	title      int // id of the open <title>, 0 when none
	titleText  []byte
	scratchTok htmlToken

	// foreignRaw names an SVG or MathML element that the tokenizer of
	// annotateLines (which the tree builder's line numbers come from)
	// takes for raw text; foreignRawText tells whether its text has come.
	foreignRaw     string
	foreignRawText bool

	// fostering is html.Parse's fosterParenting: a token the table modes
	// leave to <body>'s rules, whose nodes go before the table.
	fostering bool
	// linkFostered: the open <a> went before a table.
	linkFostered bool
	// linkBase is where the open <a>'s text starts in linkText: past what
	// a copy of it left behind, split off by the adoption agency.
	linkBase int
	// linkHold: the page's lines are held while an <a> with a special
	// element inside is open, since the adoption agency may split the
	// link and add its first part to a line already emitted.
	linkHold bool
	linkID   int        // the open <a>, or the copy that took its place
	deliver  func(line) // the page's lines, to the builder
	// framesetOK is html.Parse's "frameset-ok" flag, as far as the stream
	// follows it: where it may still be on, a <frameset> in the body is
	// left to the tree builder.
	framesetOK bool
}

// flush emits the pending text of level l as a line, marking the element
// whose line it took, and tells where the line went (linkAt).
func (s *htmlStream) flush(l int) (at int8, idx int) {
	lv := s.levels[l]
	if lv.c.bufLine != 0 {
		if i := s.index(lv.bufFrom); i >= 0 {
			s.stack[i].lineUsed = true
		}
	}
	lv.bufFrom = 0
	n := len(lv.lines)
	lv.c.flush()
	at, idx = linkDropped, -1
	if len(lv.lines) > n {
		at, idx = linkEmitted, n
		if !lv.ownHeading {
			lv.inherited = len(lv.lines)
		}
	}
	for _, id := range lv.waiting {
		if i := s.index(id); i >= 0 {
			s.stack[i].linkAt, s.stack[i].linkLevel, s.stack[i].linkIdx = at, l, idx
		}
	}
	lv.waiting = lv.waiting[:0]
	return at, idx
}

// Where the first part of a link split around an element goes: the line
// the walk flushes next after entering the element (linkAt).
const (
	linkUntracked int8 = iota
	linkWaiting        // into the pending line's links
	linkEmitted        // into a held line's links
	linkDropped        // nowhere: that line had no text
)

// releaseHold gives the builder the page's lines held for an <a>.
func (s *htmlStream) releaseHold() {
	if !s.linkHold {
		return
	}
	s.linkHold = false
	page := s.levels[0]
	for _, l := range page.lines {
		s.deliver(l)
	}
	page.lines = page.lines[:0]
	for _, lv := range s.levels {
		lv.waiting = lv.waiting[:0]
	}
}

// run reads the whole page; false when it needs the tree builder.
func (s *htmlStream) run() bool {
	for !s.bad {
		t := s.next()
		s.checkLineMarks(t)
		s.process(t)
		if t.tt == html.ErrorToken {
			break
		}
	}
	if s.bad {
		return false
	}
	// The walk leaves the elements still open at the end of the page.
	s.popTo(0)
	s.flush(0)
	return !s.bad
}

// next reads a token. Lines are counted in the page itself: Text and
// TagAttr rewrite the tokenizer's copy in place.
func (s *htmlStream) next() *htmlToken {
	s.z.AllowCDATA(len(s.stack) > 0 && s.top().ns != nsHTML)
	tt := s.z.Next()
	raw := s.z.Raw()
	// The tokens' raw bytes are the page, in order: the newlines before a
	// start tag are counted from where the last count stopped.
	var line int
	if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
		end := min(s.pos, len(s.data))
		s.lineNo += bytes.Count(s.data[s.counted:end], []byte{'\n'})
		s.counted = end
		line = s.lineNo
	}
	s.pos += len(raw)
	t := &s.scratchTok
	*t = htmlToken{tt: tt}
	switch tt {
	case html.TextToken, html.CommentToken, html.DoctypeToken:
		if tt == html.TextToken && bytes.HasPrefix(raw, []byte("<![CDATA[")) && bytes.IndexByte(raw, '>') != len(raw)-1 {
			// See checkLineMarks.
			s.bad = true
		}
		t.text = s.z.Text()
	case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
		name, hasAttr := tagName(raw, tt == html.EndTagToken)
		if name == nil {
			name, hasAttr = s.z.TagName()
		}
		t.a = atom.Lookup(name)
		t.kind = atomKinds[t.a]
		if t.a == 0 {
			t.name = string(name)
		}
		if tt == html.EndTagToken {
			break
		}
		t.tt, t.line, t.self = html.StartTagToken, line, tt == html.SelfClosingTagToken
		if t.a != atom.A && t.a != atom.Link && t.a != atom.Base && t.kind&kindFormatting == 0 {
			break
		}
		var sawHref, sawRel bool
		var attrs []string
		if t.kind&kindFormatting != 0 {
			attrs = append(attrs, lineAttr+"\x00"+strconv.Itoa(line))
		}
		for hasAttr {
			var k, v []byte
			k, v, hasAttr = s.z.TagAttr()
			switch {
			case !sawHref && string(k) == "href":
				t.href, sawHref = string(v), true
			case !sawRel && string(k) == "rel":
				t.rel, sawRel = string(v), true
			}
			if attrs != nil && string(k) != lineAttr {
				attrs = append(attrs, string(k)+"\x00"+string(v))
			}
		}
		if attrs != nil {
			slices.Sort(attrs)
			t.attrs = strings.Join(attrs, "\x01")
		}
	}
	return t
}

// tagName is the name of the tag whose raw bytes are raw, read as the
// tokenizer reads it, when it is plain lower-case ASCII (no copy needed);
// nil otherwise. hasAttr may be true where the tag has none.
func tagName(raw []byte, end bool) (name []byte, hasAttr bool) {
	i := 1
	if end {
		i = 2
	}
	for j := i; j < len(raw); j++ {
		switch c := raw[j]; {
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-':
		case c == '>' || c == '/' || c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f':
			if j == i {
				return nil, false
			}
			return raw[i:j], c != '>'
		default:
			return nil, false
		}
	}
	return nil, false
}

// process runs t through the insertion modes until one consumes it.
func (s *htmlStream) process(t *htmlToken) {
	for !s.bad {
		var consumed bool
		if s.foreign(t) {
			consumed = s.inForeign(t)
		} else {
			consumed = s.step(t)
		}
		if consumed {
			return
		}
	}
}

// implied processes a token the page leaves out.
func (s *htmlStream) implied(tt html.TokenType, a atom.Atom) {
	s.process(&htmlToken{tt: tt, a: a, kind: atomKinds[a]})
}

func (s *htmlStream) step(t *htmlToken) bool {
	switch s.im {
	case modeInitial:
		return s.initial(t)
	case modeBeforeHTML:
		return s.beforeHTML(t)
	case modeBeforeHead:
		return s.beforeHead(t)
	case modeInHead:
		return s.inHead(t)
	case modeAfterHead:
		return s.afterHead(t)
	case modeText:
		return s.inText(t)
	case modeAfterBody:
		return s.afterBody(t, modeAfterBody)
	case modeAfterAfterBody:
		return s.afterBody(t, modeAfterAfterBody)
	case modeInTable:
		return s.inTable(t)
	case modeInCaption:
		return s.inCaption(t)
	case modeInColumnGroup:
		return s.inColumnGroup(t)
	case modeInTableBody:
		return s.inTableBody(t)
	case modeInRow:
		return s.inRow(t)
	case modeInCell:
		return s.inCell(t)
	}
	return s.inBody(t)
}

const htmlSpace = " \t\r\n\f"

func trimLeftSpace(b []byte) []byte { return bytes.TrimLeft(b, htmlSpace) }

func (s *htmlStream) initial(t *htmlToken) bool {
	switch t.tt {
	case html.TextToken:
		if t.text = trimLeftSpace(t.text); len(t.text) == 0 {
			return true
		}
	case html.CommentToken:
		return true
	case html.DoctypeToken:
		// <!doctype html> is no-quirks; what other doctypes are takes
		// html.Parse's parseDoctype, unexported: left unknown.
		if string(t.text) == "html" {
			s.quirks = quirksNo
		}
		s.im = modeBeforeHTML
		return true
	}
	s.quirks = quirksYes
	s.im = modeBeforeHTML
	return false
}

func (s *htmlStream) beforeHTML(t *htmlToken) bool {
	switch t.tt {
	case html.DoctypeToken, html.CommentToken:
		return true
	case html.TextToken:
		if t.text = trimLeftSpace(t.text); len(t.text) == 0 {
			return true
		}
	case html.StartTagToken:
		if t.a == atom.Html {
			s.insert(t)
			s.im = modeBeforeHead
			return true
		}
	case html.EndTagToken:
		switch t.a {
		case atom.Head, atom.Body, atom.Html, atom.Br:
		default:
			return true
		}
	}
	s.implied(html.StartTagToken, atom.Html)
	return false
}

func (s *htmlStream) beforeHead(t *htmlToken) bool {
	switch t.tt {
	case html.TextToken:
		if t.text = trimLeftSpace(t.text); len(t.text) == 0 {
			return true
		}
	case html.StartTagToken:
		switch t.a {
		case atom.Head:
			s.insert(t)
			s.head = s.stack[len(s.stack)-1]
			s.im = modeInHead
			return true
		case atom.Html:
			return s.inBody(t)
		}
	case html.EndTagToken:
		switch t.a {
		case atom.Head, atom.Body, atom.Html, atom.Br:
		default:
			return true
		}
	case html.CommentToken:
		s.comment()
		return true
	case html.DoctypeToken:
		return true
	}
	s.implied(html.StartTagToken, atom.Head)
	return false
}

func (s *htmlStream) inHead(t *htmlToken) bool {
	switch t.tt {
	case html.TextToken:
		if s.leadingSpace(t) {
			return true
		}
	case html.StartTagToken:
		switch t.a {
		case atom.Html:
			return s.inBody(t)
		case atom.Base, atom.Basefont, atom.Bgsound, atom.Link, atom.Meta:
			s.insert(t)
			s.pop()
			return true
		case atom.Noscript, atom.Script, atom.Title, atom.Noframes, atom.Style:
			s.rawText(t)
			return true
		case atom.Head:
			return true
		case atom.Template:
			s.insert(t)
			s.skipTemplate()
			return true
		}
	case html.EndTagToken:
		switch t.a {
		case atom.Head:
			s.pop()
			s.im = modeAfterHead
			return true
		case atom.Body, atom.Html, atom.Br:
		default:
			// </template> without an open template is ignored too.
			return true
		}
	case html.CommentToken:
		s.comment()
		return true
	case html.DoctypeToken:
		return true
	}
	s.implied(html.EndTagToken, atom.Head)
	return false
}

func (s *htmlStream) afterHead(t *htmlToken) bool {
	switch t.tt {
	case html.TextToken:
		if s.leadingSpace(t) {
			return true
		}
	case html.StartTagToken:
		switch t.a {
		case atom.Html:
			return s.inBody(t)
		case atom.Body:
			s.insert(t)
			s.im = modeInBody
			s.framesetOK = t.line == 0 // html.Parse turns it on for a body it implies
			return true
		case atom.Frameset:
			s.bad = true
			return true
		case atom.Template:
			// Into the head, which is closed again before the template's
			// content comes.
			s.push(s.head)
			s.insert(t)
			if i := s.index(s.head.id); i >= 0 {
				s.stack = slices.Delete(s.stack, i, i+1)
			}
			s.skipTemplate()
			return true
		case atom.Base, atom.Basefont, atom.Bgsound, atom.Link, atom.Meta, atom.Noframes, atom.Script, atom.Style, atom.Title:
			// The head takes them, though it is closed.
			s.push(s.head)
			consumed := s.inHead(t)
			if i := s.index(s.head.id); i >= 0 {
				s.stack = slices.Delete(s.stack, i, i+1)
			}
			return consumed
		case atom.Head:
			return true
		}
	case html.EndTagToken:
		switch t.a {
		case atom.Body, atom.Html, atom.Br:
		default:
			return true
		}
	case html.CommentToken:
		s.comment()
		return true
	case html.DoctypeToken:
		return true
	}
	s.implied(html.StartTagToken, atom.Body)
	return t.tt == html.ErrorToken
}

func (s *htmlStream) inText(t *htmlToken) bool {
	switch t.tt {
	case html.ErrorToken:
		s.pop()
	case html.TextToken:
		d := t.text
		if top := s.top(); top.a == atom.Textarea && !top.hasChild {
			d = bytes.TrimPrefix(d, []byte{'\r'})
			d = bytes.TrimPrefix(d, []byte{'\n'})
		}
		s.text(d)
		return true
	case html.EndTagToken:
		s.pop()
	}
	s.im = s.orig
	return t.tt == html.EndTagToken
}

func (s *htmlStream) afterBody(t *htmlToken, mode insertionMode) bool {
	switch t.tt {
	case html.ErrorToken:
		return true
	case html.TextToken:
		if len(trimLeftSpace(t.text)) == 0 {
			return s.inBody(t)
		}
	case html.StartTagToken:
		if t.a == atom.Html {
			return s.inBody(t)
		}
	case html.EndTagToken:
		if mode == modeAfterBody && t.a == atom.Html {
			s.im = modeAfterAfterBody
			return true
		}
	case html.CommentToken:
		if mode == modeAfterBody {
			s.stack[0].hasChild = true
		}
		return true
	case html.DoctypeToken:
		if mode == modeAfterAfterBody {
			return true
		}
	}
	s.im = modeInBody
	return false
}

// Kinds of elements, as bits of atomKinds.
const (
	kindBlock = 1 << iota
	kindSkipped
	kindSpecial
	kindFormatting
	kindClosesP
	kindClosedInScope
	kindNeedTree
	kindHeading
)

// atomKinds holds every kind an element has, for one look-up per tag.
var atomKinds = func() map[atom.Atom]uint16 {
	m := map[atom.Atom]uint16{}
	for kind, set := range map[uint16]map[atom.Atom]bool{
		kindBlock: blocks, kindSkipped: skipped, kindSpecial: special, kindFormatting: formatting,
		kindClosesP: closesP, kindClosedInScope: closedInScope, kindNeedTree: needTree,
	} {
		for a := range set {
			m[a] |= kind
		}
	}
	for a := range headingLevel {
		m[a] |= kindHeading
	}
	return m
}()

// closesP are the start tags that close an open <p> and open an element.
var closesP = atomSet(atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Center, atom.Details,
	atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer,
	atom.Header, atom.Hgroup, atom.Main, atom.Menu, atom.Nav, atom.Ol, atom.P, atom.Search, atom.Section,
	atom.Summary, atom.Ul)

// closedInScope are the end tags that close their element when it is in
// scope, after the implied end tags.
var closedInScope = atomSet(atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Button,
	atom.Center, atom.Details, atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Fieldset, atom.Figcaption,
	atom.Figure, atom.Footer, atom.Header, atom.Hgroup, atom.Listing, atom.Main, atom.Menu, atom.Nav,
	atom.Ol, atom.Pre, atom.Search, atom.Section, atom.Select, atom.Summary, atom.Ul)

var formatting = atomSet(atom.A, atom.B, atom.Big, atom.Code, atom.Em, atom.Font, atom.I, atom.Nobr,
	atom.S, atom.Small, atom.Strike, atom.Strong, atom.Tt, atom.U)

// special are html.Parse's special elements (those of the HTML namespace).
var special = atomSet(atom.Address, atom.Applet, atom.Area, atom.Article, atom.Aside, atom.Base,
	atom.Basefont, atom.Bgsound, atom.Blockquote, atom.Body, atom.Br, atom.Button, atom.Caption,
	atom.Center, atom.Col, atom.Colgroup, atom.Dd, atom.Details, atom.Dir, atom.Div, atom.Dl, atom.Dt,
	atom.Embed, atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer, atom.Form, atom.Frame,
	atom.Frameset, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Head, atom.Header,
	atom.Hgroup, atom.Hr, atom.Html, atom.Iframe, atom.Img, atom.Input, atom.Keygen, atom.Li, atom.Link,
	atom.Listing, atom.Main, atom.Marquee, atom.Menu, atom.Meta, atom.Nav, atom.Noembed, atom.Noframes,
	atom.Noscript, atom.Object, atom.Ol, atom.P, atom.Param, atom.Plaintext, atom.Pre, atom.Script,
	atom.Section, atom.Select, atom.Source, atom.Style, atom.Summary, atom.Table, atom.Tbody, atom.Td,
	atom.Template, atom.Textarea, atom.Tfoot, atom.Th, atom.Thead, atom.Title, atom.Tr, atom.Track,
	atom.Ul, atom.Wbr, atom.Xmp)

// needTree are the start tags that switch to modes streamHTML does not
// follow.
var needTree = atomSet(atom.Frameset)

// framesetOff are the start tags after which <body> can no longer become a
// frameset: html.Parse's "frameset-ok" flag goes off.
var framesetOff = atomSet(atom.Pre, atom.Listing, atom.Li, atom.Dd, atom.Dt, atom.Button, atom.Applet,
	atom.Marquee, atom.Object, atom.Table, atom.Area, atom.Br, atom.Embed, atom.Img, atom.Image, atom.Keygen,
	atom.Wbr, atom.Hr, atom.Textarea, atom.Xmp, atom.Iframe)

func atomSet(as ...atom.Atom) map[atom.Atom]bool {
	m := make(map[atom.Atom]bool, len(as))
	for _, a := range as {
		m[a] = true
	}
	return m
}

func (s *htmlStream) inBody(t *htmlToken) bool {
	switch t.tt {
	case html.TextToken:
		d := t.text
		if top := s.top(); (top.a == atom.Pre || top.a == atom.Listing) && !top.hasChild {
			d = bytes.TrimPrefix(d, []byte{'\r'})
			d = bytes.TrimPrefix(d, []byte{'\n'})
		}
		if bytes.IndexByte(d, 0) >= 0 {
			d = bytes.ReplaceAll(d, []byte{0}, nil)
		}
		if len(d) > 0 {
			s.reconstruct()
		}
		s.text(d)
		if len(bytes.TrimLeft(d, htmlSpace)) > 0 {
			s.framesetOK = false
		}
	case html.StartTagToken:
		s.startInBody(t)
	case html.EndTagToken:
		return s.endInBody(t)
	case html.CommentToken:
		s.comment()
	}
	return true
}

func (s *htmlStream) startInBody(t *htmlToken) {
	a := t.a
	if framesetOff[a] {
		s.framesetOK = false
	}
	switch {
	case a == atom.Frameset:
		// Ignored once the page has content; before, it replaces the body.
		if s.framesetOK && len(s.stack) >= 2 && s.stack[1].a == atom.Body {
			s.bad = true
		}
	case a == atom.Applet || a == atom.Marquee || a == atom.Object:
		s.reconstruct()
		s.insert(t)
		s.afe = append(s.afe, afeEntry{marker: true})
	case a == atom.Select:
		// A <select> open in scope is closed by another.
		if i := s.inScope(scopeDefault, atom.Select); i >= 0 {
			s.popTo(i)
			return
		}
		s.reconstruct()
		s.insert(t)
		s.framesetOK = false
	case a == atom.Table:
		switch s.quirks {
		case quirksUnknown:
			s.bad = true
			return
		case quirksNo:
			s.popUntil(scopeButton, atom.P)
		}
		s.insert(t)
		s.im = modeInTable
	case a == atom.Svg || a == atom.Math:
		ns := nsSVG
		if a == atom.Math {
			ns = nsMathML
		}
		s.reconstruct()
		s.insert(t)
		s.top().ns, s.top().name = ns, foreignName(t)
		if t.self {
			s.pop()
		}
	case a == atom.Html:
		// Its attributes, the line among them, would go to the root.
		if s.stack[0].ownLine == 0 {
			s.bad = true
		}
	case a == atom.Body:
		if len(s.stack) >= 2 && s.stack[1].a == atom.Body {
			s.framesetOK = false
			if s.stack[1].ownLine == 0 {
				s.bad = true
			}
		}
	case a == atom.Base || a == atom.Basefont || a == atom.Bgsound || a == atom.Link || a == atom.Meta ||
		a == atom.Noframes || a == atom.Script || a == atom.Style || a == atom.Title || a == atom.Template:
		s.inHead(t)
	case t.kind&kindClosesP != 0:
		s.popUntil(scopeButton, atom.P)
		s.insert(t)
	case t.kind&kindHeading != 0:
		s.popUntil(scopeButton, atom.P)
		if s.top().kind&kindHeading != 0 {
			s.pop()
		}
		s.insert(t)
	case a == atom.Pre || a == atom.Listing || a == atom.Plaintext:
		s.popUntil(scopeButton, atom.P)
		s.insert(t)
	case a == atom.Form:
		if s.form != 0 {
			return
		}
		s.popUntil(scopeButton, atom.P)
		s.insert(t)
		s.form = s.top().id
	case a == atom.Li || a == atom.Dd || a == atom.Dt:
		for i := len(s.stack) - 1; i >= 0; i-- {
			n := s.stack[i].a
			if n == a || (a != atom.Li && (n == atom.Dd || n == atom.Dt)) {
				s.popTo(i)
				break
			}
			if n != atom.Address && n != atom.Div && n != atom.P && s.stack[i].kind&kindSpecial != 0 {
				break
			}
		}
		s.popUntil(scopeButton, atom.P)
		s.insert(t)
	case a == atom.Button:
		if s.inScope(scopeDefault, atom.Button) >= 0 {
			s.impliedEndTags(0)
			s.popUntil(scopeDefault, atom.Button)
		}
		s.reconstruct()
		s.insert(t)
	case t.kind&kindFormatting != 0:
		if a == atom.A {
			// An <a> still active is closed first.
			for i := len(s.afe) - 1; i >= 0 && !s.afe[i].marker; i-- {
				if s.afe[i].a == atom.A {
					id := s.afe[i].id
					s.endFormatting(atom.A)
					if s.index(id) >= 0 {
						// Taken out of the stack with what is open in
						// it left open.
						s.bad = true
						return
					}
					s.afeRemove(id)
					break
				}
			}
		}
		s.reconstruct()
		if a == atom.Nobr && s.inScope(scopeDefault, atom.Nobr) >= 0 {
			s.endFormatting(atom.Nobr)
			s.reconstruct()
		}
		s.insert(t)
		s.addFormatting(t)
	case a == atom.Image:
		img := *t
		img.a, img.kind = atom.Img, atomKinds[atom.Img]
		s.reconstruct()
		s.insert(&img)
		s.pop()
	case a == atom.Area || a == atom.Br || a == atom.Embed || a == atom.Img || a == atom.Keygen || a == atom.Wbr ||
		a == atom.Input:
		if a == atom.Input {
			s.popUntil(scopeDefault, atom.Select)
		}
		s.reconstruct()
		s.insert(t)
		s.pop()
	case a == atom.Param || a == atom.Source || a == atom.Track:
		s.insert(t)
		s.pop()
	case a == atom.Hr:
		if s.inScope(scopeButton, atom.P) >= 0 {
			s.impliedEndTags(atom.P)
			s.popUntil(scopeDefault, atom.P)
		}
		if s.inScope(scopeDefault, atom.Select) >= 0 {
			s.impliedEndTags(0)
		}
		s.insert(t)
		s.pop()
	case a == atom.Textarea || a == atom.Iframe || a == atom.Noembed || a == atom.Noscript:
		s.rawText(t)
	case a == atom.Xmp:
		s.popUntil(scopeButton, atom.P)
		s.reconstruct()
		s.rawText(t)
	case a == atom.Option || a == atom.Optgroup:
		switch {
		case s.inScope(scopeDefault, atom.Select) < 0:
			if s.top().a == atom.Option {
				s.pop()
			}
		case a == atom.Option:
			s.impliedEndTags(atom.Optgroup)
		default:
			s.impliedEndTags(0)
		}
		s.reconstruct()
		s.insert(t)
	case a == atom.Rb || a == atom.Rtc || a == atom.Rp || a == atom.Rt:
		if s.inScope(scopeDefault, atom.Ruby) >= 0 {
			if a == atom.Rp || a == atom.Rt {
				s.impliedEndTags(atom.Rtc)
			} else {
				s.impliedEndTags(0)
			}
		}
		s.insert(t)
	case a == atom.Caption || a == atom.Col || a == atom.Colgroup || a == atom.Frame || a == atom.Head ||
		a == atom.Tbody || a == atom.Td || a == atom.Tfoot || a == atom.Th || a == atom.Thead || a == atom.Tr:
		// Ignored.
	default:
		s.reconstruct()
		s.insert(t)
	}
}

func (s *htmlStream) endInBody(t *htmlToken) bool {
	a := t.a
	switch {
	case a == atom.Body:
		if s.inScope(scopeDefault, atom.Body) >= 0 {
			s.im = modeAfterBody
		}
	case a == atom.Html:
		if s.inScope(scopeDefault, atom.Body) >= 0 {
			s.implied(html.EndTagToken, atom.Body)
			return false
		}
	case t.kind&kindClosedInScope != 0:
		if s.inScope(scopeDefault, a) >= 0 {
			s.impliedEndTags(0)
			s.popUntil(scopeDefault, a)
		}
	case a == atom.Form:
		id := s.form
		s.form = 0
		i := s.inScope(scopeDefault, atom.Form)
		if id == 0 || i < 0 || s.stack[i].id != id {
			return true
		}
		s.impliedEndTags(0)
		// The form leaves the stack; what is open inside it stays open.
		s.stack = slices.Delete(s.stack, s.index(id), s.index(id)+1)
	case a == atom.P:
		if s.inScope(scopeButton, atom.P) < 0 {
			s.implied(html.StartTagToken, atom.P)
		}
		s.popUntil(scopeButton, atom.P)
	case a == atom.Li:
		s.popUntil(scopeListItem, atom.Li)
	case a == atom.Dd || a == atom.Dt:
		s.popUntil(scopeDefault, a)
	case t.kind&kindHeading != 0:
		s.popUntil(scopeDefault, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6)
	case t.kind&kindFormatting != 0:
		s.endFormatting(a)
	case a == atom.Applet || a == atom.Marquee || a == atom.Object:
		if i := s.inScope(scopeDefault, a); i >= 0 {
			s.popTo(i)
			s.clearFormatting()
		}
	case a == atom.Template:
		// Never open here (skipTemplate reads templates whole): ignored.
	case a == atom.Br:
		s.process(&htmlToken{tt: html.StartTagToken, a: atom.Br, kind: atomKinds[atom.Br]})
	default:
		s.endOther(a, t.name)
	}
	return true
}

// endFormatting is html.Parse's adoption agency algorithm, run on the
// stack of open elements and the list of active formatting elements. The
// nodes it moves keep their document order, so the walk's lines stay as
// they were, but for two things the tree builder is left to: a node moved
// out of a table (foster parenting), and text that took its line from the
// furthest block after a line was emitted from it (the formatting
// element's copy gives that text its own line, see adoptLines). An <a>
// is split in two links (splitLink).
func (s *htmlStream) endFormatting(a atom.Atom) {
	if top := s.top(); top.a == a && s.afeIndex(top.id) < 0 {
		s.pop()
		return
	}
	for range 8 {
		fe := -1
		for i := len(s.afe) - 1; i >= 0 && !s.afe[i].marker; i-- {
			if s.afe[i].a == a {
				fe = i
				break
			}
		}
		if fe < 0 {
			s.endOther(a, "")
			return
		}
		id := s.afe[fe].id
		k := s.index(id)
		if k < 0 {
			s.afe = slices.Delete(s.afe, fe, fe+1)
			return
		}
		if s.inScope(scopeDefault, a) < 0 {
			return
		}
		fb := -1
		for i := k + 1; i < len(s.stack); i++ {
			if s.stack[i].kind&kindSpecial != 0 {
				fb = i
				break
			}
		}
		if fb < 0 {
			s.popTo(k)
			s.afeRemove(id)
			return
		}
		if !s.adoptable(k, fb) {
			s.bad = true
			return
		}
		s.adopt(fe, k, fb)
	}
}

// adoptable tells whether the adoption agency moving stack[fb] out of
// stack[k] leaves the walk's lines as the stream has them.
func (s *htmlStream) adoptable(k, fb int) bool {
	switch ca := s.stack[k-1]; {
	case ca.ns == nsHTML && (ca.a == atom.Table || ca.a == atom.Tbody || ca.a == atom.Tfoot ||
		ca.a == atom.Thead || ca.a == atom.Tr):
		return false // foster parenting
	}
	ca := s.stack[k-1]
	for x := k; x < fb; x++ {
		e := s.stack[x]
		if e.ns != nsHTML || e.hidden || e.skip != ca.skip || e.content != ca.content {
			return false
		}
		// An <a> splits in two around the furthest block: its copy must
		// be made (an intermediate one past the third, or off the list
		// of active formatting elements, is not), and the block must know
		// where the first part goes.
		if e.a == atom.A && !e.skip && (s.stack[fb].linkAt == linkUntracked ||
			x > k && (fb-x > 3 || s.afeIndex(e.id) < 0)) {
			return false
		}
	}
	// The furthest block goes into the common ancestor: its flags must be
	// what they would have been there (an element the stack no longer
	// holds, such as a <form> closed early, may have set them).
	f, b := s.stack[k], s.stack[fb]
	skip := ca.skip || b.kind&kindSkipped != 0 || (!ca.content && (b.a == atom.Header || b.a == atom.Footer))
	content := ca.content || b.a == atom.Main || b.a == atom.Article || b.a == atom.Section
	if b.ns != nsHTML || b.a == atom.A || b.a == atom.Table || b.hidden != ca.hidden || b.skip != skip || (!skip && b.content != content) {
		return false
	}
	if f.ownLine == 0 || b.ownLine == 0 {
		return false
	}
	// The furthest block's children move into a copy of the formatting
	// element, whose line attribute is the formatting element's: text
	// that took the block's line now takes that one.
	return f.ownLine == b.ownLine || !b.lineUsed
}

// adopt is one round of the adoption agency's outer loop: stack[k] is the
// formatting element, afe[fe] its entry, stack[fb] the furthest block.
func (s *htmlStream) adopt(fe, k, fb int) {
	f, fbID := s.stack[k], s.stack[fb].id
	for _, e := range s.stack[k:fb] {
		if e.a == atom.A && !e.skip {
			s.splitLink(s.stack[fb])
			break
		}
	}
	bookmark := fe
	lastNode := fbID
	for x, j := fb, 0; ; {
		j++
		x--
		node := s.stack[x]
		if x == k {
			break
		}
		ni := s.afeIndex(node.id)
		if j > 3 && ni >= 0 {
			// html.Parse leaves the node on the stack here.
			s.afe = slices.Delete(s.afe, ni, ni+1)
			if ni <= bookmark {
				bookmark--
			}
			continue
		}
		if ni < 0 {
			s.stack = slices.Delete(s.stack, x, x+1)
			continue
		}
		s.ids++
		if node.id == s.linkID {
			s.linkID = s.ids
		}
		s.afe[ni].id = s.ids
		s.stack[x].id, s.stack[x].lineFrom, s.stack[x].hasChild = s.ids, s.ids, true
		if lastNode == fbID {
			bookmark = ni + 1
		}
		lastNode = s.ids
	}
	// The copy of the formatting element takes the furthest block's
	// children and goes just above it.
	fbi := s.index(fbID)
	b := &s.stack[fbi]
	s.ids++
	clone := f
	clone.id, clone.lineFrom, clone.line = s.ids, s.ids, f.ownLine
	clone.skip, clone.content, clone.hidden, clone.level, clone.outer = b.skip, b.content, b.hidden, b.level, b.level
	clone.hasChild, clone.lineUsed = b.hasChild, false
	b.hasChild = true
	if f.id == s.linkID {
		s.linkID = clone.id
	}
	s.adoptLines(fbID, clone)
	entry := s.afe[s.afeIndex(f.id)]
	entry.id = clone.id
	if old := s.afeIndex(f.id); old >= 0 && old < bookmark {
		bookmark--
	}
	s.afeRemove(f.id)
	s.afe = slices.Insert(s.afe, bookmark, entry)
	s.stack = slices.Delete(s.stack, k, k+1)
	s.stack = slices.Insert(s.stack, s.index(fbID)+1, clone)
}

// splitLink ends the open <a> where the furthest block b opened: the walk
// leaves the <a> there (its copy takes what follows) and adds its link to
// the line it flushes next, which may have been emitted and held.
func (s *htmlStream) splitLink(b openElem) {
	l := link{text: cleanSpace(collapse(string(s.linkText[s.linkBase:b.linkMark]))), href: s.linkHref}
	switch b.linkAt {
	case linkWaiting:
		lv := s.levels[b.outer]
		lv.c.links = append(lv.c.links, l)
	case linkEmitted:
		held := &s.levels[b.linkLevel].lines[b.linkIdx]
		held.links = append(held.links, l)
	}
	s.linkBase = b.linkMark
}

// adoptLines gives the copy of the formatting element the lines that came
// from the furthest block, whose children it takes: the pending text's and
// those of the open elements inside that have no line of their own.
func (s *htmlStream) adoptLines(fbID int, clone openElem) {
	if lv := s.levels[clone.level]; lv.c.bufLine != 0 && lv.bufFrom == fbID {
		lv.c.bufLine, lv.bufFrom = clone.line, clone.id
	}
	for i := s.index(fbID) + 1; i < len(s.stack); i++ {
		if e := &s.stack[i]; e.lineFrom == fbID {
			e.line, e.lineFrom = clone.line, clone.id
		}
	}
}

// addFormatting puts the element t just opened on the list of active
// formatting elements, dropping the earliest of three like it (the
// Noah's Ark clause).
func (s *htmlStream) addFormatting(t *htmlToken) {
	n := 0
	for i := len(s.afe) - 1; i >= 0 && !s.afe[i].marker; i-- {
		if e := s.afe[i]; e.a == t.a && e.attrs == t.attrs {
			if n++; n >= 3 {
				s.afe = slices.Delete(s.afe, i, i+1)
			}
		}
	}
	s.afe = append(s.afe, afeEntry{id: s.top().id, a: t.a, line: t.line, href: t.href, attrs: t.attrs})
}

// reconstruct opens copies of the active formatting elements closed since
// the last marker, inside the current element, in order.
func (s *htmlStream) reconstruct() {
	i := len(s.afe) - 1
	for i >= 0 && !s.afe[i].marker && s.index(s.afe[i].id) < 0 {
		i--
	}
	for i++; i < len(s.afe) && !s.bad; i++ {
		e := s.afe[i]
		s.insert(&htmlToken{tt: html.StartTagToken, a: e.a, kind: atomKinds[e.a], line: e.line, href: e.href})
		s.afe[i].id = s.top().id
	}
}

func (s *htmlStream) afeIndex(id int) int {
	for i := len(s.afe) - 1; i >= 0; i-- {
		if !s.afe[i].marker && s.afe[i].id == id {
			return i
		}
	}
	return -1
}

func (s *htmlStream) afeRemove(id int) {
	if i := s.afeIndex(id); i >= 0 {
		s.afe = slices.Delete(s.afe, i, i+1)
	}
}

// clearFormatting empties the list of active formatting elements back to
// its last marker, the marker included.
func (s *htmlStream) clearFormatting() {
	for len(s.afe) > 0 {
		e := s.afe[len(s.afe)-1]
		s.afe = s.afe[:len(s.afe)-1]
		if e.marker {
			return
		}
	}
}

// endOther closes the innermost element named by an end tag, unless a
// special element is open inside it.
func (s *htmlStream) endOther(a atom.Atom, name string) {
	for i := len(s.stack) - 1; i >= 0; i-- {
		e := &s.stack[i]
		// As html.Parse matches it: by name, in any namespace.
		if e.a == a && (a != 0 || e.name == name) {
			s.popTo(i)
			return
		}
		if e.kind&kindSpecial != 0 {
			return
		}
	}
}

type scope int

const (
	scopeDefault scope = iota
	scopeListItem
	scopeButton
	scopeTable
)

// inScope is the index of the innermost element named in match that is in
// scope, or -1.
func (s *htmlStream) inScope(sc scope, match ...atom.Atom) int {
	for i := len(s.stack) - 1; i >= 0; i-- {
		a := s.stack[i].a
		if s.stack[i].ns != nsHTML {
			// SVG's and MathML's special elements bound every scope but
			// the table's.
			if s.stack[i].kind&kindSpecial != 0 && sc != scopeTable {
				return -1
			}
			continue
		}
		if slices.Contains(match, a) {
			return i
		}
		if sc == scopeTable {
			if a == atom.Html || a == atom.Table || a == atom.Template {
				return -1
			}
			continue
		}
		switch a {
		case atom.Applet, atom.Caption, atom.Html, atom.Table, atom.Td, atom.Th, atom.Marquee, atom.Object,
			atom.Template, atom.Select:
			return -1
		case atom.Ol, atom.Ul:
			if sc == scopeListItem {
				return -1
			}
		case atom.Button:
			if sc == scopeButton {
				return -1
			}
		}
	}
	return -1
}

func (s *htmlStream) popUntil(sc scope, match ...atom.Atom) {
	if i := s.inScope(sc, match...); i >= 0 {
		s.popTo(i)
	}
}

// impliedEndTags closes the elements whose end tags may be left out,
// except the one named.
func (s *htmlStream) impliedEndTags(except atom.Atom) {
	for len(s.stack) > 0 {
		switch a := s.top().a; a {
		case atom.Dd, atom.Dt, atom.Li, atom.Optgroup, atom.Option, atom.P, atom.Rb, atom.Rp, atom.Rt, atom.Rtc:
			if a == except {
				return
			}
			s.pop()
			continue
		}
		return
	}
}

func (s *htmlStream) top() *openElem { return &s.stack[len(s.stack)-1] }

func (s *htmlStream) index(id int) int {
	for i := len(s.stack) - 1; i >= 0; i-- {
		if s.stack[i].id == id {
			return i
		}
	}
	return -1
}

// rawText opens an element whose content the tokenizer reads as text.
func (s *htmlStream) rawText(t *htmlToken) {
	s.insert(t)
	s.orig, s.im = s.im, modeText
}

func (s *htmlStream) comment() {
	if len(s.stack) > 0 {
		s.top().hasChild = true
	}
}

// push puts e on the stack of open elements.
func (s *htmlStream) push(e openElem) {
	s.stack = append(s.stack, e)
	if len(s.stack) > maxOpenElements {
		s.bad = true
	}
}

// insert opens the element of a start tag inside the current one: what the
// tree walk does on entering it, and what readHead takes from it.
func (s *htmlStream) insert(t *htmlToken) {
	a, kind := t.a, t.kind
	s.ids++
	e := openElem{a: a, kind: kind, name: t.name, id: s.ids, ownLine: t.line, line: t.line, lineFrom: s.ids}
	var parent openElem
	if len(s.stack) > 0 {
		p := s.top()
		if s.fosterTarget() {
			p = s.fosterParent()
			e.fostered = true
		}
		parent = *p
		p.hasChild = true
		e.fostered = e.fostered || parent.fostered
	}
	e.level, e.outer = parent.level, parent.level
	lv := s.levels[e.level]
	if e.line == 0 {
		e.line, e.lineFrom = parent.line, parent.lineFrom
	}
	e.hidden = parent.hidden || a == atom.Script || a == atom.Style || a == atom.Template
	switch {
	case parent.hidden:
	case a == atom.Title:
		// A <title/> stays open and takes what follows, another title too:
		// readHead would read the outer one's whole text first.
		if s.title != 0 {
			s.bad = true
		}
		s.title, s.titleText = e.id, s.titleText[:0]
	case a == atom.Link:
		if s.meta.canonical == "" && hasToken(t.rel, "canonical") {
			s.meta.canonical = strings.TrimSpace(t.href)
		}
	case a == atom.Base:
		if s.meta.base == "" {
			s.meta.base = strings.TrimSpace(t.href)
		}
	}
	switch {
	case parent.skip:
		e.skip = true
	case kind&kindSkipped != 0 || (!parent.content && (a == atom.Header || a == atom.Footer)):
		s.markLink(&e)
		e.linkAt, e.linkIdx = s.flush(e.outer)
		e.linkLevel = e.outer
		e.skip = true
	case a == atom.Table:
		// The walk flushes on entering the table, after what the table
		// moves before itself: when the table closes.
		e.content = parent.content
		e.level = len(s.levels)
		s.levels = append(s.levels, &streamLevel{heading: lv.c.heading, item: lv.c.item,
			c: htmlCollector{heading: lv.c.heading, item: lv.c.item}})
		nl := s.levels[e.level]
		nl.c.emit = func(l line) { nl.lines = append(nl.lines, l) }
	default:
		e.content = parent.content || a == atom.Main || a == atom.Article || a == atom.Section
		if s.markLink(&e) {
			if kind&kindBlock != 0 {
				e.linkAt, e.linkIdx = s.flush(e.outer)
				e.linkLevel = e.outer
			} else {
				e.linkAt = linkWaiting
				s.levels[e.outer].waiting = append(s.levels[e.outer].waiting, e.id)
			}
		} else if kind&kindBlock != 0 {
			s.flush(e.outer)
		}
		if kind&kindHeading != 0 {
			lv.c.heading, lv.ownHeading = headingLevel[a], true
		}
		if a == atom.Li {
			lv.c.item++
		}
		if a == atom.A {
			if s.link {
				// An <a> in a table cell inside another.
				s.bad = true
			}
			s.link, s.linkHref, s.linkText, s.linkFostered, s.linkBase = true, t.href, s.linkText[:0], e.fostered, 0
			s.linkID = e.id
		}
	}
	s.push(e)
}

// markLink notes, for a special element e opened inside an <a>, where the
// link's text stands: the adoption agency may split the link there.
func (s *htmlStream) markLink(e *openElem) bool {
	if !s.link || e.kind&kindSpecial == 0 {
		return false
	}
	e.linkMark, s.linkHold = len(s.linkText), true
	return true
}

// fosterTarget tells whether what is inserted now goes before the table:
// html.Parse's shouldFosterParent.
func (s *htmlStream) fosterTarget() bool {
	if !s.fostering {
		return false
	}
	switch top := s.top(); top.a {
	case atom.Table, atom.Tbody, atom.Tfoot, atom.Thead, atom.Tr:
		return top.ns == nsHTML
	}
	return false
}

// lastTable is the index of the innermost open table, -1 when none.
func (s *htmlStream) lastTable() int {
	for i := len(s.stack) - 1; i >= 0; i-- {
		if s.stack[i].a == atom.Table && s.stack[i].ns == nsHTML {
			return i
		}
	}
	return -1
}

// fosterParent is the element foster-parented nodes go into, before the
// innermost table: the one the table was opened in.
func (s *htmlStream) fosterParent() *openElem {
	return &s.stack[s.lastTable()-1]
}

// fostered processes t, which the table modes leave to <body>'s rules with
// what they insert placed before the innermost table: at the level the
// table is in, whose lines come before the table's. An <a> open around
// the table would take this text after the table's in its link text: the
// tree builder reads that.
func (s *htmlStream) fostered(t *htmlToken) bool {
	if s.lastTable() < 1 || (s.link && !s.linkFostered) {
		s.bad = true
		return true
	}
	s.fostering = true
	consumed := s.inBody(t)
	s.fostering = false
	return consumed
}

// text appends text to the current element.
func (s *htmlStream) text(d []byte) {
	if len(d) == 0 {
		return
	}
	top := s.top()
	if s.fosterTarget() {
		top = s.fosterParent()
	}
	top.hasChild = true
	if s.link {
		s.linkText = append(s.linkText, d...)
	}
	if s.title != 0 {
		s.titleText = append(s.titleText, d...)
	}
	if top.skip {
		return
	}
	lv := s.levels[top.level]
	if lv.c.bufLine == 0 && hasNonSpace(d) {
		lv.c.bufLine, lv.bufFrom = top.line, top.lineFrom
	}
	lv.c.buf = append(lv.c.buf, d...)
}

// pop closes the current element: what the tree walk does on leaving it.
// An element left on the list of active formatting elements would be
// copied into what follows: that needs the tree builder.
func (s *htmlStream) pop() {
	e := s.stack[len(s.stack)-1]
	s.stack = s.stack[:len(s.stack)-1]
	if e.id == s.title {
		if s.meta.title == "" {
			s.meta.title = cleanSpace(collapse(string(s.titleText)))
		}
		s.title = 0
	}
	lv := s.levels[e.outer]
	if e.id == s.linkID {
		// The walk adds the link on leaving the <a>, unless it skips it
		// (a copy the adoption agency put inside a skipped block).
		if !e.skip {
			lv.c.links = append(lv.c.links, link{text: cleanSpace(collapse(string(s.linkText[s.linkBase:]))), href: s.linkHref})
		}
		s.link, s.linkBase, s.linkID = false, 0, 0
		s.releaseHold()
	}
	if e.skip {
		return
	}
	a := e.a
	if a == atom.Table {
		s.closeTable(e)
		return
	}
	if e.kind&kindBlock != 0 {
		s.flush(e.outer)
	}
	if e.kind&kindHeading != 0 {
		lv.c.heading, lv.ownHeading = 0, true
	}
	if a == atom.Li {
		lv.c.item--
	}
}

// closeTable is what the walk does around table e: it flushes on entering
// it, after what the table moved before itself, then reads the table's
// lines, and flushes on leaving it.
func (s *htmlStream) closeTable(e openElem) {
	in, out := s.levels[e.level], s.levels[e.outer]
	if e.level != len(s.levels)-1 || out.c.item != in.item {
		// A list item moved before the table changed what the walk is in
		// when it reads the table's lines.
		s.bad = true
		return
	}
	s.flush(e.outer)
	// A heading moved before the table (opened and closed there) changed
	// the heading the walk reads the table's first lines in.
	if !in.ownHeading {
		in.c.heading = out.c.heading
	}
	s.flush(e.level)
	for i := range in.lines[:in.inherited] {
		in.lines[i].heading = out.c.heading
	}
	n := len(out.lines)
	for _, l := range in.lines {
		out.c.emit(l)
	}
	if !out.ownHeading {
		switch {
		case len(out.lines) == n: // the page's lines, delivered
		case in.ownHeading:
			out.inherited = n + in.inherited
		default:
			out.inherited = len(out.lines)
		}
	}
	out.c.heading, out.c.item = in.c.heading, in.c.item
	out.ownHeading = out.ownHeading || in.ownHeading
	s.levels = s.levels[:e.level]
}

// skipTemplate reads the content of the <template> just opened. The walk
// skips a template and readHead does not look inside, so its content is
// read only to find where it ends: at its own end tag (counting the
// templates inside it) or at the end of the page, where html.Parse closes
// it with all it holds, leaving the rest of the page as it was. SVG or
// MathML inside would change how the tokenizer reads CDATA: the tree
// builder reads those pages.
func (s *htmlStream) skipTemplate() {
	for depth := 1; depth > 0 && !s.bad; {
		t := s.next()
		s.checkLineMarks(t)
		switch {
		case t.tt == html.ErrorToken:
			depth = 0 // run reads the end of the page again
		case t.a == atom.Template:
			if t.tt == html.StartTagToken {
				depth++
			} else if t.tt == html.EndTagToken {
				depth--
			}
		case t.tt == html.StartTagToken && (t.a == atom.Svg || t.a == atom.Math):
			s.bad = true
		}
	}
	if s.bad {
		return
	}
	s.pop()
	s.resetMode()
}

// popTo closes the elements from the current one down to stack[i].
func (s *htmlStream) popTo(i int) {
	for len(s.stack) > i && !s.bad {
		s.pop()
	}
}

// namespace is an element's: HTML, SVG or MathML.
type namespace uint8

const (
	nsHTML namespace = iota
	nsSVG
	nsMathML
)

// breakout are the start tags that leave SVG or MathML (and <font> with
// some attributes): streamHTML leaves them to the tree builder.
var breakout = atomSet(atom.B, atom.Big, atom.Blockquote, atom.Body, atom.Br, atom.Center, atom.Code,
	atom.Dd, atom.Div, atom.Dl, atom.Dt, atom.Em, atom.Embed, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5,
	atom.H6, atom.Head, atom.Hr, atom.I, atom.Img, atom.Li, atom.Listing, atom.Menu, atom.Meta, atom.Nobr,
	atom.Ol, atom.P, atom.Pre, atom.Ruby, atom.S, atom.Small, atom.Span, atom.Strong, atom.Strike, atom.Sub,
	atom.Sup, atom.Table, atom.Tt, atom.U, atom.Ul, atom.Var, atom.Font)

// foreign tells whether t is read by the rules for SVG and MathML content:
// html.Parse's inForeignContent. Integration points, whose text is read as
// HTML's, taking start tags, are left to the tree builder.
func (s *htmlStream) foreign(t *htmlToken) bool {
	if len(s.stack) == 0 || t.tt == html.ErrorToken {
		return false
	}
	top := s.top()
	if top.ns == nsHTML {
		return false
	}
	if s.im != modeInBody && s.im != modeInCell && s.im != modeInCaption {
		s.bad = true
		return false
	}
	if top.kind&kindSpecial != 0 && (t.tt == html.StartTagToken || t.tt == html.TextToken) {
		// An integration point: its text and start tags are HTML's, but
		// for MathML's <mglyph> and <malignmark>.
		return t.tt == html.StartTagToken && top.ns == nsMathML && (t.a == atom.Mglyph || t.a == atom.Malignmark)
	}
	return true
}

// inForeign is html.Parse's parseForeignContent, without breaking out.
func (s *htmlStream) inForeign(t *htmlToken) bool {
	switch t.tt {
	case html.TextToken:
		d := t.text
		if bytes.IndexByte(d, 0) >= 0 {
			d = bytes.ReplaceAll(d, []byte{0}, []byte("\ufffd"))
		}
		if len(bytes.TrimLeft(t.text, htmlSpace+"\x00")) > 0 {
			s.framesetOK = false
		}
		s.text(d)
	case html.CommentToken:
		s.comment()
	case html.StartTagToken:
		// <link>, <base> and annotation-xml would need their attributes as
		// the tree builder adjusts them.
		if t.a == atom.Link || t.a == atom.Base || t.a == atom.AnnotationXml {
			s.bad = true
			return true
		}
		if breakout[t.a] && (t.a != atom.Font || fontBreaksOut(t.attrs)) {
			// HTML content closes the SVG or MathML it is in and is read
			// by the HTML rules; the walk skips what is closed.
			i := len(s.stack) - 1
			for ; i >= 0 && s.stack[i].ns != nsHTML; i-- {
				if s.stack[i].kind&kindSpecial != 0 {
					// An integration point, whose content is HTML's.
					s.bad = true
					return true
				}
			}
			s.popTo(i + 1)
			return s.step(t)
		}
		ns, name := s.top().ns, foreignName(t)
		ft := *t
		ft.name, ft.kind = name, 0
		if ns == nsSVG && (name == "foreignobject" || name == "desc" || name == "title") ||
			ns == nsMathML && (name == "mi" || name == "mo" || name == "mn" || name == "ms" || name == "mtext") {
			ft.kind = kindSpecial
		}
		s.insert(&ft)
		s.top().ns = ns
		s.z.NextIsNotRawText()
		if rawTextNames[name] {
			s.foreignRaw, s.foreignRawText = name, false
		}
		if t.self {
			s.pop()
		}
	case html.EndTagToken:
		name := foreignName(t)
		for i := len(s.stack) - 1; i >= 0; i-- {
			e := &s.stack[i]
			if e.ns == nsHTML {
				// The end tag goes to the HTML rules, inside SVG.
				s.bad = true
				return true
			}
			if e.name == name {
				s.popTo(i)
				return true
			}
		}
	}
	return true
}

// fontBreaksOut tells whether a <font> with these attributes (htmlToken's
// attrs) leaves SVG or MathML: with color, face or size.
func fontBreaksOut(attrs string) bool {
	for kv := range strings.SplitSeq(attrs, "\x01") {
		switch k, _, _ := strings.Cut(kv, "\x00"); k {
		case "color", "face", "size":
			return true
		}
	}
	return false
}

// foreignName is t's lower-case tag name, what SVG and MathML elements are
// matched by.
func foreignName(t *htmlToken) string {
	if t.a == 0 {
		return t.name
	}
	return t.a.String()
}

// quirksMode is the document's, as far as <table> needs it.
type quirksMode uint8

const (
	quirksUnknown quirksMode = iota
	quirksYes
	quirksNo
)

// closeMarked closes the cell or caption stack[i] with what is open in it,
// clearing the list of active formatting elements back to its marker.
func (s *htmlStream) closeMarked(i int) {
	s.popTo(i)
	s.clearFormatting()
}

// clearToContext closes elements until one named in stop is current.
func (s *htmlStream) clearToContext(stop ...atom.Atom) {
	for i := len(s.stack) - 1; i >= 0; i-- {
		if slices.Contains(stop, s.stack[i].a) {
			s.popTo(i + 1)
			return
		}
	}
}

func (s *htmlStream) clearToTable() { s.clearToContext(atom.Html, atom.Table, atom.Template) }

func (s *htmlStream) clearToTableBody() {
	s.clearToContext(atom.Html, atom.Tbody, atom.Tfoot, atom.Thead, atom.Template)
}

func (s *htmlStream) clearToRow() { s.clearToContext(atom.Html, atom.Tr, atom.Template) }

// resetMode is html.Parse's resetInsertionMode.
func (s *htmlStream) resetMode() {
	for i := len(s.stack) - 1; i >= 0; i-- {
		e := s.stack[i]
		switch e.a {
		case atom.Td, atom.Th:
			s.im = modeInCell
		case atom.Tr:
			s.im = modeInRow
		case atom.Tbody, atom.Thead, atom.Tfoot:
			s.im = modeInTableBody
		case atom.Caption:
			s.im = modeInCaption
		case atom.Colgroup:
			s.im = modeInColumnGroup
		case atom.Table:
			s.im = modeInTable
		case atom.Template:
			if e.ns != nsHTML {
				continue
			}
			s.bad = true
		case atom.Head:
			s.im = modeInHead
		case atom.Body:
			s.im = modeInBody
		case atom.Frameset:
			s.bad = true
		case atom.Html:
			if s.head.id == 0 {
				s.im = modeBeforeHead
			} else {
				s.im = modeAfterHead
			}
		default:
			if i == 0 {
				s.im = modeInBody
				return
			}
			continue
		}
		return
	}
}

// inTable is html.Parse's inTableIM. What it foster-parents (puts before
// the table) goes to fostered.
func (s *htmlStream) inTable(t *htmlToken) bool {
	switch t.tt {
	case html.TextToken:
		d := t.text
		if bytes.IndexByte(d, 0) >= 0 {
			d = bytes.ReplaceAll(d, []byte{0}, nil)
		}
		switch s.top().a {
		case atom.Table, atom.Tbody, atom.Tfoot, atom.Thead, atom.Tr:
			if len(bytes.Trim(d, htmlSpace)) == 0 {
				s.text(d)
				return true
			}
		}
	case html.StartTagToken:
		switch t.a {
		case atom.Caption:
			s.clearToTable()
			s.insert(t)
			s.afe = append(s.afe, afeEntry{marker: true})
			s.im = modeInCaption
			return true
		case atom.Colgroup:
			s.clearToTable()
			s.insert(t)
			s.im = modeInColumnGroup
			return true
		case atom.Col:
			s.implied(html.StartTagToken, atom.Colgroup)
			return false
		case atom.Tbody, atom.Tfoot, atom.Thead:
			s.clearToTable()
			s.insert(t)
			s.im = modeInTableBody
			return true
		case atom.Td, atom.Th, atom.Tr:
			s.implied(html.StartTagToken, atom.Tbody)
			return false
		case atom.Table:
			if i := s.inScope(scopeTable, atom.Table); i >= 0 {
				s.popTo(i)
				s.resetMode()
				return false
			}
			return true
		case atom.Style, atom.Script, atom.Template:
			return s.inHead(t)
		case atom.Form:
			if s.form != 0 {
				return true
			}
			s.insert(t)
			s.form = s.top().id
			s.pop()
			return true
		}
	case html.EndTagToken:
		switch t.a {
		case atom.Table:
			if i := s.inScope(scopeTable, atom.Table); i >= 0 {
				s.popTo(i)
				s.resetMode()
			}
			return true
		case atom.Body, atom.Caption, atom.Col, atom.Colgroup, atom.Html, atom.Tbody, atom.Td, atom.Tfoot,
			atom.Th, atom.Thead, atom.Tr, atom.Template:
			return true
		}
	case html.CommentToken:
		s.comment()
		return true
	case html.DoctypeToken:
		return true
	case html.ErrorToken:
		return s.inBody(t)
	}
	if t.tt == html.StartTagToken && t.a == atom.Input {
		// type=hidden stays in the table; the stream does not read types.
		s.bad = true
		return true
	}
	return s.fostered(t)
}

func (s *htmlStream) inCaption(t *htmlToken) bool {
	switch t.tt {
	case html.StartTagToken:
		switch t.a {
		case atom.Caption, atom.Col, atom.Colgroup, atom.Tbody, atom.Td, atom.Tfoot, atom.Thead, atom.Tr:
			i := s.inScope(scopeTable, atom.Caption)
			if i < 0 {
				return true
			}
			s.closeMarked(i)
			s.im = modeInTable
			return false
		}
	case html.EndTagToken:
		switch t.a {
		case atom.Caption, atom.Table:
			i := s.inScope(scopeTable, atom.Caption)
			if i < 0 {
				return true
			}
			s.closeMarked(i)
			s.im = modeInTable
			return t.a == atom.Caption
		case atom.Body, atom.Col, atom.Colgroup, atom.Html, atom.Tbody, atom.Td, atom.Tfoot, atom.Th, atom.Thead,
			atom.Tr:
			return true
		}
	}
	return s.inBody(t)
}

func (s *htmlStream) inColumnGroup(t *htmlToken) bool {
	switch t.tt {
	case html.TextToken:
		if s.leadingSpace(t) {
			return true
		}
	case html.CommentToken:
		s.comment()
		return true
	case html.DoctypeToken:
		return true
	case html.StartTagToken:
		switch t.a {
		case atom.Html:
			return s.inBody(t)
		case atom.Col:
			s.insert(t)
			s.pop()
			return true
		case atom.Template:
			return s.inHead(t)
		}
	case html.EndTagToken:
		switch t.a {
		case atom.Colgroup:
			if s.top().a == atom.Colgroup {
				s.pop()
				s.im = modeInTable
			}
			return true
		case atom.Col, atom.Template:
			return true
		}
	case html.ErrorToken:
		return s.inBody(t)
	}
	if s.top().a != atom.Colgroup {
		return true
	}
	s.pop()
	s.im = modeInTable
	return false
}

func (s *htmlStream) inTableBody(t *htmlToken) bool {
	switch t.tt {
	case html.StartTagToken:
		switch t.a {
		case atom.Tr:
			s.clearToTableBody()
			s.insert(t)
			s.im = modeInRow
			return true
		case atom.Td, atom.Th:
			s.implied(html.StartTagToken, atom.Tr)
			return false
		case atom.Caption, atom.Col, atom.Colgroup, atom.Tbody, atom.Tfoot, atom.Thead:
			if i := s.inScope(scopeTable, atom.Tbody, atom.Thead, atom.Tfoot); i >= 0 {
				s.popTo(i)
				s.im = modeInTable
				return false
			}
			return true
		}
	case html.EndTagToken:
		switch t.a {
		case atom.Tbody, atom.Tfoot, atom.Thead:
			if s.inScope(scopeTable, t.a) >= 0 {
				s.clearToTableBody()
				s.pop()
				s.im = modeInTable
			}
			return true
		case atom.Table:
			if i := s.inScope(scopeTable, atom.Tbody, atom.Thead, atom.Tfoot); i >= 0 {
				s.popTo(i)
				s.im = modeInTable
				return false
			}
			return true
		case atom.Body, atom.Caption, atom.Col, atom.Colgroup, atom.Html, atom.Td, atom.Th, atom.Tr:
			return true
		}
	case html.CommentToken:
		s.comment()
		return true
	}
	return s.inTable(t)
}

func (s *htmlStream) inRow(t *htmlToken) bool {
	switch t.tt {
	case html.StartTagToken:
		switch t.a {
		case atom.Td, atom.Th:
			s.clearToRow()
			s.insert(t)
			s.afe = append(s.afe, afeEntry{marker: true})
			s.im = modeInCell
			return true
		case atom.Caption, atom.Col, atom.Colgroup, atom.Tbody, atom.Tfoot, atom.Thead, atom.Tr:
			return s.closeRow(true)
		}
	case html.EndTagToken:
		switch t.a {
		case atom.Tr:
			return s.closeRow(false) || true
		case atom.Table:
			return s.closeRow(true)
		case atom.Tbody, atom.Tfoot, atom.Thead:
			if s.inScope(scopeTable, t.a) < 0 {
				return true
			}
			return s.closeRow(true)
		case atom.Body, atom.Caption, atom.Col, atom.Colgroup, atom.Html, atom.Td, atom.Th:
			return true
		}
	}
	return s.inTable(t)
}

// closeRow closes the open row, if any, for the token to be read again
// (reprocess) or not; it returns whether the token is consumed.
func (s *htmlStream) closeRow(reprocess bool) bool {
	if s.inScope(scopeTable, atom.Tr) < 0 {
		return true
	}
	s.clearToRow()
	s.pop()
	s.im = modeInTableBody
	return !reprocess
}

func (s *htmlStream) inCell(t *htmlToken) bool {
	switch t.tt {
	case html.StartTagToken:
		switch t.a {
		case atom.Caption, atom.Col, atom.Colgroup, atom.Tbody, atom.Td, atom.Tfoot, atom.Th, atom.Thead, atom.Tr:
			i := s.inScope(scopeTable, atom.Td, atom.Th)
			if i < 0 {
				return true
			}
			s.closeMarked(i)
			s.im = modeInRow
			return false
		}
	case html.EndTagToken:
		switch t.a {
		case atom.Td, atom.Th:
			i := s.inScope(scopeTable, t.a)
			if i < 0 {
				return true
			}
			s.closeMarked(i)
			s.im = modeInRow
			return true
		case atom.Body, atom.Caption, atom.Col, atom.Colgroup, atom.Html:
			return true
		case atom.Table, atom.Tbody, atom.Tfoot, atom.Thead, atom.Tr:
			if s.inScope(scopeTable, t.a) < 0 {
				return true
			}
			if i := s.inScope(scopeTable, atom.Td, atom.Th); i >= 0 {
				s.closeMarked(i)
			}
			s.im = modeInRow
			return false
		}
	}
	return s.inBody(t)
}

// rawTextNames are the tags after which the tokenizer reads raw text,
// unless told otherwise.
var rawTextNames = map[string]bool{"iframe": true, "noembed": true, "noframes": true, "noscript": true,
	"plaintext": true, "script": true, "style": true, "textarea": true, "title": true, "xmp": true}

// checkLineMarks leaves to the tree builder the pages where the tree
// builder's line numbers come from another reading of the page:
// annotateLines tokenizes without knowing about SVG and MathML, so it
// reads an SVG <title> or <style> as raw text and CDATA as a comment. The
// two readings agree when such an element holds no more than text and a
// CDATA section holds no '>' but its end (which next checks).
func (s *htmlStream) checkLineMarks(t *htmlToken) {
	if s.foreignRaw != "" {
		switch {
		case t.tt == html.TextToken && !s.foreignRawText:
			s.foreignRawText = true
		case t.tt == html.EndTagToken && foreignName(t) == s.foreignRaw:
			s.foreignRaw = ""
		default:
			s.bad = true
		}
	}
}

// hasNonSpace is len(bytes.TrimSpace(d)) > 0, without looking past the
// first character that is not space.
func hasNonSpace(d []byte) bool {
	for i := 0; i < len(d); {
		if c := d[i]; c < utf8.RuneSelf {
			if c != ' ' && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(d[i:])
		if !unicode.IsSpace(r) {
			return true
		}
		i += size
	}
	return false
}

// leadingSpace inserts the white space t's text starts with, as the modes
// around <head> and after the body keep it in place, and leaves t the
// rest; it reports whether nothing is left.
func (s *htmlStream) leadingSpace(t *htmlToken) bool {
	rest := trimLeftSpace(t.text)
	if len(rest) == len(t.text) {
		return false
	}
	s.text(t.text[:len(t.text)-len(rest)])
	t.text = rest
	return len(rest) == 0
}

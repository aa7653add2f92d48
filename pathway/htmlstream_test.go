package pathway

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"
)

// htmlStreamSeeds are pages that exercise the tree construction rules
// streamHTML follows, and some it leaves to the tree builder.
var htmlStreamSeeds = []string{
	"<h1>A to B</h1><p>Summary.<p>More<h2>Skills to Develop</h2><ul><li>a<li>b</ul>",
	"<h1>A to B<h2>Skills to Develop</h2><ul><li><p>a</p><li>b</li></ul><h2>Unknown<p>x",
	"<title>T</title><title>U</title><h1>A to B</h1>",
	"<title/><h1>A to B</h1><p>x</p>",
	"<script/><h1>A to B</h1>",
	"<html>\n<head>\n<base href=https://h/a/>\n<link rel='Canonical x' href=' https://h/c '>\n</head>\n<body>\n<h1>A to B</h1>\n<a href=r>→ A Archetype</a>",
	"<body><body class=x><h1>A to B</h1>",
	"<h1>A to B</h1><html lang=en><p>x",
	"<html><h1>A to B</h1><html lang=en><p>x",
	"<p><b>A to</p> B<h1>C to D</h1>",
	"<p><b><i>A to</b> B</i><h1>C to D</h1>",
	"<a href=x>one<a href=y>two</a><h1>A to B</h1>",
	"<a href=x><div>A to B</div></a><h2>Role Archetypes</h2><a href=https://h/a>→ A Archetype<nav>n</nav></a>",
	"<b><b><b><b>A to B</b></b></b></b>",
	"<p><b>x<b>\n<b><b><b>y</p>z\n<p><i class=a><i class=b><i class=a><i class=a><i class=a>w</p>v",
	"<h2>Role Archetypes</h2>\n<p><a href=https://h/a>→ A\n</p><p>Archetype</a> x</p><ul><li><a href=/b>→ B</li>\n<li>Archetype</ul>",
	"<a href=x>1<p>2</a>3</p><b>4<div>5</b>6</div>",
	"<nobr>a<nobr>b",
	"<table><tr><td>A to B</td></tr></table>",
	"<!doctype html><p>x<table>\n<caption>c<b>d</caption><colgroup><col></colgroup><thead><tr><th>h<td>d<i>e</table><h1>A to B</h1>",
	"<!doctype html><table><tbody><tr><td><a href=x>A</a><td><table><td>n</table></tbody><tr><th>z</table>",
	"<p>q<table><td>x</td>y</table><h1>A to B</h1>",
	"<a href=x><table><td><a href=y>A to B</a></td></table></a>",
	"<table><form><input type=hidden><td>x</td></table>",
	"<form><p>a<form>b</form>c</form><h1>A to B</h1>",
	"<div><form></div><p>A to B</form>x",
	"<pre>\nA to B</pre><listing>\n\nx</listing><textarea>\nt</textarea>",
	"<div>A to<listing>\nB</listing> x<listing><!-- c -->\ny</listing></div>",
	"<header><h1>Site</h1></header><main><header><h1>A to B</h1></header><footer>f</footer></main>",
	"<dl><dt>a<dd>b<dt>c</dl><h1>A to B</h1>",
	"<ruby>a<rb>b<rt>c<rp>d</ruby><h1>A to B</h1>",
	"<option>a<option>b<optgroup>c<h1>A to B</h1>",
	"<button>a<button>b</button><h1>A to B</h1>",
	"</p></br><p>x</p></li></h3></custom><custom>y</custom><h1>A to B</h1>",
	"<h1>A to B</h1></body>after<!-- c --></html>more<p>x",
	"<svg><title>A to B</title></svg><math>x</math>",
	"<a href=https://h/a><svg viewBox='0 0 1 1'><title>Icon</title><path d=M0/><image/><g><style>t{}</style></g></svg> A Archetype</a><svg/><h1>A to B</h1>",
	"<svg><title>T<p>x</svg><svg><desc>d</desc><foreignObject>f</foreignobject><![CDATA[c]]>\x00</svg><math><mi>m</mi><mtext>t</mtext></math>",
	"<svg><g></p><h1>A to B</h1>",
	"<math>&amp;<iframe></math><option>\n<xmp></a><option>",
	"<svg><style/>x</style><title>a<b</title><![CDATA[a>b]]>\n<p>x",
	"<svg><title>T</title><style>s</style><![CDATA[ok]]></svg>\n<p>x",
	"<svg><script><title>S</title></script><style><title>T</title></style></svg><h1>A to B</h1>",
	"<template><h1>A to B</h1></template>",
	"<frameset><frame></frameset>",
	"<object>x</object><marquee>y</marquee><select><option>z</select>",
	"<h1>A \x00to B</h1><plaintext><h2>x",
	"<!doctype html><!-- x --><html><!-- y --><head><!-- z --></head>  <title>A to B</title><body>x",
	"<head></head>\n<link rel=canonical href=https://h/x><script>s</script>\n<p>x",
	"<h1>A to B</h1><p>Summary.</p><h2>Role Archetypes</h2><a href=r>→ A Archetype</a><link rel=canonical href=https://h/x/y><base href=/o/>",
	"<h1>A to B</h1><p>Summary of it in one sentence here.</p><link rel=canonical href=https://h/x>",
	"<p>https://h/y</p><h1>A to B</h1><p>Summary of it in one sentence here.</p><link rel=canonical href=https://h/x>",
	"<p>a<hr>b<img src=x><image>c<input type=hidden><br/>d",
	"<h1>A to <span><h2>B</h2></span></h1><p>x",
	"<ul><li>a<div><li>b</div></ul>",
	"<xmp><p>x</xmp><iframe>y</iframe><noembed>z</noembed><noscript>w</noscript><noframes>v</noframes>",
}

// treeLines is what the tree walk reads from a page: its head and lines.
func treeLines(data []byte) (headInfo, []line, bool) {
	doc, err := html.Parse(bytes.NewReader(annotateLines(data)))
	if err != nil {
		return headInfo{}, nil, false
	}
	var lines []line
	c := &htmlCollector{emit: func(l line) { lines = append(lines, l) }}
	c.walk(doc, false)
	c.flush()
	return readHead(doc), lines, true
}

// FuzzHTMLStream: wherever streamHTML reads a page, it reads what the tree
// walk reads (the head, every line with its number, heading level, links),
// and gives the same pathway, warnings with their lines, and error.
func FuzzHTMLStream(f *testing.F) {
	addSeeds(f, []string{".html"}, htmlStreamSeeds...)
	addScaleSeeds(f, "page.html")
	f.Fuzz(checkStream)
}

// treeShapes are the HTML scale shapes only the parsed tree reads.
var treeShapes = map[string]bool{"table-text-in-link": true, "root-attributes": true}

// TestStreamHTMLCovers: the realistic pages and every HTML scale shape but
// treeShapes are read without building the tree, the fast way; those are
// not.
func TestStreamHTMLCovers(t *testing.T) {
	pages := map[string][]byte{}
	for _, f := range []string{"seed-page.html", "seed-minimal.html"} {
		pages[f] = readTestdata(t, f)
	}
	for _, s := range scaleShapes() {
		if s.file != "page.html" {
			continue
		}
		if treeShapes[s.name] {
			if _, _, _, ok := streamHTML("p.html", s.page(16<<10)); ok {
				t.Errorf("%s: read from the stream; the shape no longer measures the tree", s.name)
			}
			continue
		}
		pages[s.name] = s.page(16 << 10)
	}
	for i, page := range []string{
		"<svg><title>A to B</title></svg><math>x</math>",
		`<p><a href="/a"><svg viewBox="0 0 1 1"><title>Icon</title><path d="M0"/><image/><g><style>t{}</style></g></svg> A Archetype</a>`,
		"<!doctype html><table><caption>c</caption><colgroup><col></colgroup><thead><tr><th>h<tbody><tr><td>d<td><b>e</table>",
		"<table> <tr> <td><table><td>nested</table> </table>",
		"<ul><li><a href=/a>A Archetype</li>\n<li><b>B</p>x</ul>",
	} {
		pages[fmt.Sprint("page ", i)] = []byte(page)
	}
	for name, data := range pages {
		if _, _, _, ok := streamHTML("p.html", data); !ok {
			t.Errorf("%s: left to the tree builder", name)
		}
	}
}

// checkStream is FuzzHTMLStream's property.
func checkStream(t *testing.T, data []byte) {
	t.Helper()
	s := newHTMLStream(data)
	var streamed []line
	s.deliver = func(l line) { streamed = append(streamed, l) }
	if !s.run() {
		return
	}
	meta, lines, ok := treeLines(data)
	if !ok {
		t.Fatal("streamed a page the tree builder refuses")
	}
	if meta != s.meta {
		t.Fatalf("head %+v, the tree's %+v", s.meta, meta)
	}
	if !reflect.DeepEqual(streamed, lines) {
		t.Fatalf("lines differ from the tree's:\n%+v\n%+v", streamed, lines)
	}
	p1, ws1, err1, ok := streamHTML("fuzz.html", data)
	if !ok {
		t.Fatal("streamHTML refused a page its stream read")
	}
	p2, ws2, err2 := parseHTMLTree("fuzz.html", data)
	if !reflect.DeepEqual(p1, p2) {
		t.Fatalf("pathway differs from the tree's:\n%#v\n%#v", p1, p2)
	}
	if !reflect.DeepEqual(ws1, ws2) {
		t.Fatalf("warnings differ from the tree's:\n%v\n%v", ws1, ws2)
	}
	if (err1 == nil) != (err2 == nil) || err1 != nil && err1.Error() != err2.Error() {
		t.Fatalf("error differs from the tree's: %v / %v", err1, err2)
	}
}

// soupSeed seeds TestHTMLStreamTagSoup: -soup-seed=N explores other pages.
var soupSeed = uint64(*flag.Int("soup-seed", 1, "seed of TestHTMLStreamTagSoup's pages"))

// TestHTMLStreamTagSoup checks FuzzHTMLStream's property on random tag
// soup: the tokens whose tree construction rules streamHTML follows, and
// those it leaves to the tree builder, in any order; and soup of table
// markup after a no-quirks doctype, where the table modes are followed.
func TestHTMLStreamTagSoup(t *testing.T) {
	vocab := strings.Fields(`<html> </html> <head> </head> <body> </body> <title> </title> <title/>
		<script> </script> <script/> <style> </style> <p> </p> <b> </b> <i> </i> <em> </em> <nobr> </nobr>
		</a> <h1> </h1> <h2> </h2> <h3> </h3> <li> </li> <ul> </ul> <ol> </ol> <dl> <dt> <dd> </dd> <form>
		</form> <div> </div> <span> </span> <main> </main> <article> <section> </section> <header> </header>
		<footer> </footer> <nav> </nav> </br> <br> <br/> <hr> <img> <image> <input> <pre> </pre> <listing>
		<textarea> </textarea> <noscript> </noscript> <xmp> <iframe> <plaintext> <option> <optgroup> <ruby>
		<rt> <rp> <rb> </ruby> <button> </button> <meta> <custom> </custom> <table> </table> <td> </td> <th>
		<tr> </tr> <tbody> </tbody> <thead> <caption> </caption> <colgroup> <col> </colgroup> <select>
		<svg> </svg> <svg/> <math> </math> <g> </g> <path/> <desc> <foreignObject> </foreignobject> <mi> <mtext>
		<![CDATA[c]]> <template> <object> <frameset> <!--c--> x y &amp; &nbsp;`)
	vocab = append(vocab, " ", "\n", "\r\n", "\n\n", "\x00", "A to B", "Skills to Develop", "Role Archetypes",
		"→ A Archetype", `<a href=x>`, `<a href="https://h/y">`, `<link rel=canonical href=h>`,
		`<base href="https://b/">`, "<!doctype html>")
	tables := strings.Fields(`<table> </table> <caption> </caption> <colgroup> </colgroup> <col> <tbody>
		</tbody> <thead> </thead> <tfoot> </tfoot> <tr> </tr> <td> </td> <th> </th> <b> </b> <p> </p> <div>
		</div> <li> <h2> </h2> <!--c--> <script>s</script> <form> </form> </body> </html> <svg> </svg> x`)
	tables = append(tables, " ", "\n", "A to B", "Skills to Develop")
	// Formatting elements closed around blocks and stray table content:
	// the nodes html.Parse moves (adoption agency, foster parenting),
	// spread over lines.
	moved := strings.Fields(`<b> </b> <i> </i> <em> </em> <nobr> </nobr> <s> </s> <a href=x> </a> <p> </p>
		<div> </div> <h2> </h2> <li> <ul> </ul> <span> </span> <section> </section> <header> </header> <nav>
		</nav> <form> </form> <pre> </pre> <table> </table> <tr> <td> </td> <caption> <tbody> <!--c--> x y`)
	moved = append(moved, " ", "\n", "\n", "A to B", "Skills to Develop", "Role Archetypes", "→ A Archetype")
	// SVG and MathML with HTML inside, at integration points and breaking
	// out.
	foreign := strings.Fields(`<svg> </svg> <math> </math> <desc> </desc> <foreignObject> </foreignObject>
		<title> </title> <mi> </mi> <mtext> <mglyph> <malignmark> <p> </p> <b> </b> <div> </div> <a href=x> </a>
		<g> </g> <path/> <font color=red> <font> </font> <span> </span> <table> <td> <li> <h2> </h2> <![CDATA[c]]>
		<style> </style> <select> <option> <template> </template> <!--c--> x`)
	foreign = append(foreign, " ", "\n", "A to B", "Skills to Develop")
	soups := []struct {
		name   string
		head   string
		vocab  []string
		length int
	}{{"any", "", vocab, 24}, {"tables", "<!doctype html>", tables, 32}, {"moved", "<!doctype html>", moved, 28},
		{"foreign", "<!doctype html>", foreign, 28}}
	for _, soup := range soups {
		r := rand.New(rand.NewPCG(soupSeed, 2))
		streamed := 0
		for range 20000 {
			var b strings.Builder
			b.WriteString(soup.head)
			for range r.IntN(soup.length) {
				b.WriteString(soup.vocab[r.IntN(len(soup.vocab))])
			}
			data := []byte(b.String())
			if _, _, _, ok := streamHTML("p.html", data); ok {
				streamed++
			}
			t.Run(soup.name, func(t *testing.T) { checkStream(t, data) })
			if t.Failed() {
				t.Fatalf("page %q", data)
			}
		}
		t.Logf("%s: %d of 20000 pages streamed", soup.name, streamed)
		if streamed < 5000 {
			t.Errorf("%s: %d of 20000 pages streamed, want most", soup.name, streamed)
		}
	}
}

// FuzzCollapseClean: the one-pass fold is cleanSpace(collapse(s)),
// wordCount is len(strings.Fields(s)), hasNonSpace is a non-empty
// bytes.TrimSpace.
func FuzzCollapseClean(f *testing.F) {
	for _, s := range []string{"", " ", " a  b\t\nc ", "a\u00a0b", "a \x01 b", "\u2028x\u200by", "é  ü", "\xc2", "a\x7fb", "🕑 6 months",
		"• a\u2000b → c", "\u1680\u3000\ufeff\u205f\u202f\u2029\u200a", "\xe2\x80", "\xe2\x80\x8b", "x\u0085y\u00a9"} {
		f.Add(s)
	}
	f.Fuzz(checkFolds)
}

// checkFolds: collapseClean, wordCount and hasNonSpace agree on s with
// what they stand for.
func checkFolds(t *testing.T, s string) {
	if got, want := collapseClean([]byte(s)), cleanSpace(collapse(s)); got != want {
		t.Fatalf("collapseClean(%q) = %q, want %q", s, got, want)
	}
	if got, want := wordCount(s), len(strings.Fields(s)); got != want {
		t.Fatalf("wordCount(%q) = %d, want %d", s, got, want)
	}
	if got, want := hasNonSpace([]byte(s)), len(bytes.TrimSpace([]byte(s))) > 0; got != want {
		t.Fatalf("hasNonSpace(%q) = %v, want %v", s, got, want)
	}
}

// TestCollapseCleanEveryRune: the one-pass fold, wordCount, hasNonSpace
// and trimMarker agree with what they stand for on every character, alone and between
// words.
func TestCollapseCleanEveryRune(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		for _, s := range []string{string(r), "a" + string(r) + "b", "a " + string(r) + " b"} {
			checkFolds(t, s)
			marker := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
			if got, want := trimMarker(s), strings.TrimLeftFunc(s, marker); got != want {
				t.Fatalf("trimMarker(%q) = %q, want %q", s, got, want)
			}
		}
	}
}

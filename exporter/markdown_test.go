package exporter

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

func TestEscapeInline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, with commas.", "plain text, with commas."},
		{"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"[x](javascript:alert(1))", `\[x\](javascript&#58;alert(1))`},
		{"# heading", `\# heading`},
		{"1. x", `1\. x`},
		{"12) x", `12\) x`},
		{"- x", `\- x`},
		{"+ x", `\+ x`},
		{"* x", `\* x`},
		{"**b**", `\*\*b\*\*`},
		{"use `code` here", "use \\`code\\` here"},
		{"a | b", `a \| b`},
		{"<!-- hidden -->", "&lt;!-- hidden --&gt;"},
		{"Title\nwith\r\nnewlines", "Title with newlines"},
		{"  spaced \t out  ", "spaced out"},
		{"> quote", "&gt; quote"},
		{"AT&T", "AT&amp;T"},
		{"&amp; stays text", "&amp;amp; stays text"},
		{"snake_case", `snake\_case`},
		{`back\slash`, `back\\slash`},
		{"~~del~~ ^^ins^^ ==mark==", "&#126;&#126;del&#126;&#126; &#94;&#94;ins&#94;&#94; &#61;&#61;mark&#61;&#61;"},
		{"a = b", "a = b"},
		{":smile: 12:30 note: x", "&#58;smile: 12&#58;30 note: x"},
		{"{: .class}", `\{: .class\}`},
		{"![img](x)", `\!\[img\](x)`},
		{"mid-line - dash and 1. dot", "mid-line - dash and 1. dot"},
		{"Solo.io Academy", "Solo.io Academy"},
		{"nul\x00byte", "nulbyte"},
		{"---", `\---`},
	}
	for _, tt := range tests {
		if got := escapeInline(tt.in); got != tt.want {
			t.Errorf("escapeInline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestEscapeInlineRendersAsText renders each escaped input as a list item
// with goldmark: one item, one paragraph of plain text reading like the
// input, no raw HTML, no link, no emphasis, no code.
func TestEscapeInlineRendersAsText(t *testing.T) {
	inputs := []string{
		"<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[click](javascript:alert(1))",
		"# heading", "1. x", "- x", "**b**", "_i_", "`code`", "a | b", "<!-- c -->", "line\n- item\n# h",
		"&lt; literal", "https://example.com/a_b", "<https://example.com>", "\\*", "[a]: http://x",
	}
	md := goldmark.New()
	for _, in := range inputs {
		src := []byte("- " + escapeInline(in) + "\n")
		doc := md.Parser().Parse(text.NewReader(src))
		list := doc.FirstChild()
		if list == nil || list.Kind() != ast.KindList || list.ChildCount() != 1 || list.NextSibling() != nil {
			t.Errorf("%q: not one list with one item", in)
			continue
		}
		var plain bytes.Buffer
		_ = ast.Walk(list, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			switch n.Kind() {
			case ast.KindRawHTML, ast.KindHTMLBlock, ast.KindLink, ast.KindAutoLink, ast.KindEmphasis,
				ast.KindCodeSpan, ast.KindHeading, ast.KindImage:
				t.Errorf("%q: renders a %s node", in, n.Kind())
			case ast.KindText:
				plain.Write(n.(*ast.Text).Segment.Value(src))
			case ast.KindString:
				plain.Write(n.(*ast.String).Value)
			}
			return ast.WalkContinue, nil
		})
		var html bytes.Buffer
		if err := md.Convert(src, &html); err != nil {
			t.Fatal(err)
		}
		if got, want := htmlText(t, html.String()), oneLine(in); got != want {
			t.Errorf("%q renders as text %q, want %q", in, got, want)
		}
		if strings.Count(html.String(), "<li>") != 1 {
			t.Errorf("%q: %s", in, html.String())
		}
	}
}

func TestSafeURL(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"https://www.raganmcgill.co.uk/learn/pathway-x", "https://www.raganmcgill.co.uk/learn/pathway-x", true},
		{"javascript:alert(1)", "", false},
		{"JavaScript:alert(1)", "", false},
		{"data:text/html,x", "", false},
		{"/relative", "", false},
		{"https://x.com/a(b)", "https://x.com/a%28b%29", true},
		{"https://user:pw@x.com/", "", false},
	}
	for _, tt := range tests {
		got, ok := safeURL(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("safeURL(%q) = %q %v, want %q %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestOneLineFastPath: returning the text untouched is only a shortcut;
// the result is always collapseLine's.
func TestOneLineFastPath(t *testing.T) {
	for r := rune(0x100); r <= unicode.MaxRune; r++ {
		if unicode.IsControl(r) || unicode.IsSpace(r) != (isWideSpace(r) && r != '\u200b' && r != '\ufeff') {
			t.Fatalf("isWideSpace(%U) disagrees with unicode.IsSpace", r)
		}
	}
	pieces := []string{"a", "Zé", " ", "  ", "\t", "\n", "\r", "\x00", "\x7f", "\u0085", "\u00a0", "\u2028",
		"\u3000", "\u200b", "\ufeff", "\ufffd", "\xff", "\xc3", "’", "–", "😀", "x y", ".", "\u1680", "\u2000",
		"\u200a", "\u200c", "\u2029", "\u202f", "\u205f", "\u0099", "\u00ff", "\u0100", "\u180e"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 50000 {
		var b strings.Builder
		for range rng.IntN(6) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		if got, want := oneLine(s), collapseLine(s); got != want {
			t.Fatalf("oneLine(%q) = %q, want %q", s, got, want)
		}
	}
}

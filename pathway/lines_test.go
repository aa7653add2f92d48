package pathway

import (
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// The hand-written line readers replace regular expressions and allocating
// string pipelines on the importer's hot path; these are the definitions
// they must agree with.
var (
	bulletRE     = regexp.MustCompile(`^(?:[•‣◦▪●·*+\-–—]|\d{1,3}[.)])\s+`)
	numberRE     = regexp.MustCompile(`^(\d{1,3})[.)]?\s+(\S.*)$`)
	numberOnlyRE = regexp.MustCompile(`^(\d{1,3})[.)]?$`)
)

func stripBulletRE(s string) (string, bool) {
	if m := bulletRE.FindString(s); m != "" {
		return strings.TrimSpace(s[len(m):]), true
	}
	return s, false
}

func itemNumberRE(s string) (int, string, bool) {
	if m := numberOnlyRE.FindStringSubmatch(s); m != nil {
		return atoiTest(m[1]), "", true
	}
	if m := numberRE.FindStringSubmatch(s); m != nil {
		return atoiTest(m[1]), m[2], true
	}
	return 0, "", false
}

func atoiTest(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func headingKeyGeneral(s string) string {
	h := strings.ToLower(trimMarker(s))
	h = strings.TrimSuffix(h, ":")
	h = strings.ReplaceAll(h, "&", " and ")
	h = strings.ReplaceAll(h, "-", " ")
	h = strings.ReplaceAll(h, "behaviors", "behaviours")
	return strings.Join(strings.Fields(h), " ")
}

func textLinesSplit(data []byte) []line {
	s := strings.TrimPrefix(string(data), "\uFEFF")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var out []line
	for i, raw := range strings.Split(s, "\n") {
		if t := cleanSpaceRunes(raw); t != "" {
			out = append(out, line{n: i + 1, text: t})
		}
	}
	return out
}

func cleanSpaceRunes(s string) string {
	for _, r := range s {
		if r == '\u00a0' || r == '\u200b' || r == '\ufeff' || (unicode.IsControl(r) && r != ' ') {
			return strings.TrimSpace(strings.Map(cleanRune, s))
		}
	}
	return strings.TrimSpace(s)
}

// lineCorpus is every line of the examples plus random lines built from
// the characters the readers treat specially.
func lineCorpus(t *testing.T) []string {
	var lines []string
	for _, f := range exampleFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, strings.Split(string(data), "\n")...)
	}
	for h := range headings {
		lines = append(lines, h, strings.ToUpper(h), "🎯 "+h+":", strings.ReplaceAll(h, " and ", " & "),
			strings.ReplaceAll(h, "behaviours", "BEHAVIORS"), strings.ReplaceAll(h, " ", "  -\t"))
	}
	pieces := []string{
		"1", "12", "123", "1234", "0", ".", ")", " ", "  ", "\t", "\n", "\r", "\v", "\f", "\x00", "\x7f",
		"•", "‣", "◦", "▪", "●", "·", "*", "+", "-", "–", "—", "→", "🎯", "&", ":", "é", "\u00a0",
		"\u200b", "\ufeff", "\u0085", "\xff", "K", "behaviors", "Skills", "focus", "areas", "to", "develop",
		"Hands", "On", "projects", "ai literacy", "role archetypes", "a", "Z",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(8) + 1 {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		lines = append(lines, b.String())
	}
	return lines
}

func TestLineReadersAgree(t *testing.T) {
	for _, s := range lineCorpus(t) {
		if got, want := cleanSpace(s), cleanSpaceRunes(s); got != want {
			t.Errorf("cleanSpace(%q) = %q, want %q", s, got, want)
		}
		gotText, gotOK := stripBullet(s)
		wantText, wantOK := stripBulletRE(s)
		if gotText != wantText || gotOK != wantOK {
			t.Errorf("stripBullet(%q) = %q, %v; want %q, %v", s, gotText, gotOK, wantText, wantOK)
		}
		gn, gt, gok := itemNumber(s)
		wn, wt, wok := itemNumberRE(s)
		if gn != wn || gt != wt || gok != wok {
			t.Errorf("itemNumber(%q) = %d, %q, %v; want %d, %q, %v", s, gn, gt, gok, wn, wt, wok)
		}
		if len(s) <= 100 {
			gs, gok := headingSection(s)
			ws, wok := headings[headingKeyGeneral(s)]
			if gs != ws || gok != wok {
				t.Errorf("headingSection(%q) = %v, %v; want %v, %v", s, gs, gok, ws, wok)
			}
		}
	}
	// Every heading is found by the fast path too.
	for h, want := range headings {
		if got, ok := headingSection("🎯 " + strings.ToUpper(h)); !ok || got != want {
			t.Errorf("headingSection(%q) = %v, %v", h, got, ok)
		}
	}
}

func TestTextLinesAgree(t *testing.T) {
	docs := [][]byte{}
	for _, f := range exampleFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, data, []byte(strings.ReplaceAll(string(data), "\n", "\r\n")),
			[]byte("\uFEFF"+strings.ReplaceAll(string(data), "\n", "\r")))
	}
	corpus := lineCorpus(t)
	for i := 0; i+5 < len(corpus); i += 5 {
		docs = append(docs, []byte(strings.Join(corpus[i:i+5], "\n")))
	}
	docs = append(docs, nil, []byte("\n"), []byte("a\n"), []byte("\r\n\r\n"))
	for _, d := range docs {
		got, want := slices.Collect(textLines(d)), textLinesSplit(d)
		if len(got) != len(want) {
			t.Fatalf("textLines(%.40q): %d lines, want %d", d, len(got), len(want))
		}
		for i := range got {
			if got[i].n != want[i].n || got[i].text != want[i].text {
				t.Fatalf("textLines(%.40q) line %d = %d %q, want %d %q", d, i, got[i].n, got[i].text, want[i].n, want[i].text)
			}
		}
	}
}

package pathway

import (
	"bytes"
	"fmt"
	"html"
	"runtime"
	"strings"
	"testing"
)

// shape builds a page of about size bytes: a whole head and tail around a
// body that makes the page large in one particular way.
type shape struct {
	name string
	file string // the name given to Parse: picks the format
	page func(size int) []byte
}

// repeatTo repeats unit (formatted with its index) after head until the
// page holds about size bytes, then appends tail.
func repeatTo(size int, head, tail string, unit func(i int) string) []byte {
	var b bytes.Buffer
	b.Grow(size + len(tail) + 256)
	b.WriteString(head)
	for i := 0; b.Len() < size; i++ {
		b.WriteString(unit(i))
	}
	b.WriteString(tail)
	return b.Bytes()
}

// longLine is a single line of about size bytes of words.
func longLine(size int) string {
	return strings.Repeat("word ", size/5) + "end."
}

const (
	scaleHead = "A Role to B Role\n🕑 6-12 months Engineering\nOne summary sentence of several plain words.\n"
	scaleTail = "\n📋 Role Archetypes\nReview both roles.\n→ A Role Archetype → B Role Archetype\n"
)

// textSection is a page whose one section holds size bytes of lines.
func textSection(heading string, unit func(i int) string) func(int) []byte {
	return func(size int) []byte {
		return repeatTo(size, scaleHead+heading+"\n", scaleTail, unit)
	}
}

// htmlPage wraps page-text lines as HTML: headings as <h2>, the rest as <p>.
func htmlPage(text func(int) []byte) func(int) []byte {
	return func(size int) []byte {
		var b bytes.Buffer
		b.WriteString("<!doctype html><html><head><title>A Role to B Role</title></head><body><main>\n")
		for _, l := range strings.Split(string(text(size)), "\n") {
			if l == "" {
				continue
			}
			tag := "p"
			if _, ok := headingSection(l); ok {
				tag = "h2"
			}
			fmt.Fprintf(&b, "<%s>%s</%s>\n", tag, html.EscapeString(l), tag)
		}
		b.WriteString("</main></body></html>\n")
		return b.Bytes()
	}
}

// scaleShapes are the adversarial page shapes: each section grown to the
// whole page, one enormous line, and many tiny sections, as text and HTML,
// plus dense HTML of many tiny elements and the same volume in canonical
// YAML.
func scaleShapes() []shape {
	bullet := func(i int) string {
		return fmt.Sprintf("  • Extra bullet line %d that says something about platforms.\n", i)
	}
	para := func(i int) string {
		return fmt.Sprintf("Paragraph %d says something about platforms, at some length.\n", i)
	}
	text := []shape{
		{"summary", "", func(size int) []byte { return repeatTo(size, scaleHead, scaleTail, para) }},
		{"focus", "", textSection("🎯 Focus Areas\nOne Focus Title", para)},
		{"skills", "", textSection("Skills to Develop", bullet)},
		{"behaviours", "", textSection("Behaviours to Demonstrate", bullet)},
		{"projects", "", textSection("🛠 Hands-On Projects", func(i int) string { return fmt.Sprintf("%d\n%s", i%999+1, para(i)) })},
		{"ai", "", textSection("AI Literacy for This Transition\nTheme", func(i int) string { return fmt.Sprintf("%d %s", i%999+1, para(i)) })},
		{"reading", "", textSection("Recommended Reading", func(i int) string { return "Title\nAuthor\n" + para(i) })},
		{"courses", "", textSection("Courses & Resources", func(i int) string { return "Course\nProvider\n" + para(i) })},
		{"archetypes", "", func(size int) []byte {
			return repeatTo(size, scaleHead+"📋 Role Archetypes\n", "→ A Role Archetype → B Role Archetype\n", bullet)
		}},
		{"unknown-section", "", textSection("🧪 Something Else", bullet)},
		{"arrows", "", func(size int) []byte {
			return repeatTo(size, scaleHead+"📋 Role Archetypes\n", "\n", func(i int) string { return fmt.Sprintf("→ Role %d Archetype ", i) })
		}},
		{"long-summary-line", "", func(size int) []byte { return []byte(scaleHead + longLine(size) + scaleTail) }},
		{"long-skill-line", "", func(size int) []byte {
			return []byte(scaleHead + "Skills to Develop\n• " + longLine(size) + scaleTail)
		}},
		{"long-intro-line", "", func(size int) []byte {
			return []byte(scaleHead + "📋 Role Archetypes\n" + longLine(size) + "\n→ A Role Archetype → B Role Archetype\n")
		}},
		{"tiny-archetype-sections", "", func(size int) []byte {
			return repeatTo(size, scaleHead, scaleTail, func(i int) string { return "📋 Role Archetypes\nIntro line.\n" })
		}},
		{"tiny-mixed-sections", "", func(size int) []byte {
			return repeatTo(size, scaleHead, scaleTail, func(i int) string {
				return "Skills to Develop\n• a skill\n🎯 Focus Areas\nTitle\nText of it.\n🧪 Unknown\nx\n"
			})
		}},
	}
	var out []shape
	for _, s := range text {
		out = append(out, shape{s.name, "page.txt", s.page}, shape{s.name, "page.html", htmlPage(s.page)})
	}
	yamlBody := func(field string, unit func(int) string) shape {
		return shape{field, "page.yaml", func(size int) []byte {
			return repeatTo(size, yamlOK+field+":\n", "", unit)
		}}
	}
	// Dense HTML: many small elements rather than much text, the shape
	// where the HTML parser's work per element dominates.
	denseHTML := func(sep string) func(int) []byte {
		return func(size int) []byte {
			head := "<!doctype html><html><head><title>A Role to B Role</title></head><body><main>\n" +
				"<h1>A Role to B Role</h1><p>🕑 6-12 months Engineering</p><p>One summary sentence of several plain words.</p>\n"
			tail := "\n<h2>📋 Role Archetypes</h2><p>Review both roles.</p>\n" +
				`<p><a href="https://h.example/a">A Role Archetype</a> <a href="https://h.example/b">B Role Archetype</a></p></main></body></html>` + "\n"
			return repeatTo(size, head, tail, func(i int) string {
				return strings.Join([]string{"<h2>Skills to Develop</h2>", "<ul>", fmt.Sprintf("<li>a skill %d</li>", i),
					"</ul>", "<h2>Unknown</h2>", "<p>x</p>", ""}, sep)
			})
		}
	}
	out = append(out,
		shape{"dense-elements", "page.html", denseHTML("")},
		shape{"dense-element-lines", "page.html", denseHTML("\n")},
		shape{"dense-table-icons", "page.html", func(size int) []byte {
			return repeatTo(size, "<!doctype html><title>A Role to B Role</title><h2>Skills to Develop</h2><table>\n", "</table>\n",
				func(i int) string {
					return fmt.Sprintf(`<tr><td>a skill %d</td><td><svg viewBox="0 0 1 1"><path d="M0"/></svg></td></tr>`+"\n", i)
				})
		}},
		// Markup whose nodes html.Parse moves: formatting closed around a
		// block (the adoption agency moves the block), and text a table
		// moves out of itself (foster parenting).
		shape{"misnested-blocks", "page.html", func(size int) []byte {
			return repeatTo(size, "<!doctype html><title>A Role to B Role</title><h2>Skills to Develop</h2>\n", "",
				func(i int) string { return fmt.Sprintf("<b><p>a skill %d</b></p>\n", i) })
		}},
		shape{"table-text", "page.html", func(size int) []byte {
			return repeatTo(size, "<!doctype html><title>A Role to B Role</title><h2>Skills to Develop</h2>\n", "",
				func(i int) string { return fmt.Sprintf("<table>a skill %d<tr><td>x</td></tr></table>\n", i) })
		}},
		shape{"table-text-late", "page.html", func(size int) []byte {
			return repeatTo(size, "<!doctype html><title>A Role to B Role</title><h2>Skills to Develop</h2>\n", "",
				func(i int) string { return fmt.Sprintf("<table><tr><td>x</td></tr>a skill %d</table>\n", i) })
		}},
		shape{"templates-selects", "page.html", func(size int) []byte {
			return repeatTo(size, "<!doctype html><title>A Role to B Role</title><h2>Skills to Develop</h2>\n", "",
				func(i int) string {
					return fmt.Sprintf("<template><p>t</template><select><option>o</select><p>a skill %d\n", i)
				})
		}},
		shape{"misnested-links", "page.html", func(size int) []byte {
			return repeatTo(size, "<!doctype html><title>A Role to B Role</title><h2>Skills to Develop</h2>\n", "",
				func(i int) string { return fmt.Sprintf("<a href=\"/r%d\"><p>a skill %d</a></p>\n", i, i) })
		}},
		shape{"svg-breakout", "page.html", func(size int) []byte {
			return repeatTo(size, "<!doctype html><title>A Role to B Role</title><h2>Skills to Develop</h2>\n", "",
				func(i int) string { return fmt.Sprintf("<svg><p>a skill %d</p></svg>\n", i) })
		}},
		shape{"table-heading-moved", "page.html", func(size int) []byte {
			return repeatTo(size, "<!doctype html><title>A Role to B Role</title>\n", "",
				func(i int) string {
					return fmt.Sprintf("<h2><table><tr><td>a skill %d</td></tr><h3>x</h3></table></h2>\n", i)
				})
		}},
		shape{"svg-font", "page.html", func(size int) []byte {
			return repeatTo(size, "<!doctype html><title>A Role to B Role</title><h2>Skills to Develop</h2>\n", "",
				func(i int) string { return fmt.Sprintf("<svg><font color=red>a skill %d</font></svg>\n", i) })
		}},
		shape{"svg-html-inside", "page.html", func(size int) []byte {
			return repeatTo(size, "<!doctype html><title>A Role to B Role</title><h2>Skills to Develop</h2>\n", "",
				func(i int) string { return fmt.Sprintf("<svg><desc><p>a skill %d</p></desc></svg>\n", i) })
		}},
		// Where the stream cannot follow and the parsed tree reads the
		// page: text a table moves out of itself inside a link (the link's
		// text would change order), attributes for the root element from a
		// tag in the body.
		shape{"table-text-in-link", "page.html", func(size int) []byte {
			return repeatTo(size, "<!doctype html><title>A Role to B Role</title><h2>Skills to Develop</h2>\n", "",
				func(i int) string {
					return fmt.Sprintf("<a href=\"/r%d\"><table><tr><td>x</td></tr>a skill %d</table></a>\n", i, i)
				})
		}},
		shape{"root-attributes", "page.html", func(size int) []byte {
			return repeatTo(size, "<!doctype html><title>A Role to B Role</title><h2>Skills to Develop</h2>\n", "",
				func(i int) string { return fmt.Sprintf("<p>a skill %d<html lang=en>\n", i) })
		}},
	)
	return append(out,
		yamlBody("skills", func(i int) string { return fmt.Sprintf("  - skill %d about platforms\n", i) }),
		yamlBody("summary", func(i int) string {
			if i == 0 {
				return "  |\n"
			}
			return "  " + strings.TrimSuffix(para(i), "\n") + "\n\n"
		}),
	)
}

// allocatedBytes is the heap the import of data allocates: the work it does
// in proportion, independent of the machine's speed.
func allocatedBytes(t *testing.T, name string, data []byte) uint64 {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if _, _, err := Parse(name, data); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestParseScalesLinearly imports every adversarial shape at 256 KiB and
// 1 MiB: four times the page may cost about four times the work, never
// the sixteen a quadratic step gives.
func TestParseScalesLinearly(t *testing.T) {
	const small, large = 256 << 10, 1 << 20
	for _, s := range scaleShapes() {
		t.Run(s.file+"/"+s.name, func(t *testing.T) {
			a := allocatedBytes(t, s.file, s.page(small))
			b := allocatedBytes(t, s.file, s.page(large))
			if ratio := float64(b) / float64(a); ratio > 5 {
				t.Errorf("%d bytes allocated at 256 KiB, %d at 1 MiB: ratio %.1f, want at most 5 (linear)", a, b, ratio)
			}
		})
	}
}

// TestLineWarningsCapped: a page of many unknown sections reports a few of
// them and a count, and still says whether the page is whole.
func TestLineWarningsCapped(t *testing.T) {
	page := repeatTo(64<<10, scaleHead, "", func(i int) string { return "Skills to Develop\n• a skill\n🧪 Unknown\nx\n" })
	_, warns, err := Parse("page.txt", page)
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != maxLineWarnings+2 {
		t.Fatalf("%d warnings, want %d examples, a count and the cut-off note", len(warns), maxLineWarnings)
	}
	if got := warns[maxLineWarnings].Msg; !strings.Contains(got, "more warnings like those above not shown") {
		t.Errorf("warning %d = %q, want the count of the rest", maxLineWarnings, got)
	}
	if got := warns[len(warns)-1].Msg; !strings.Contains(got, "cut off") {
		t.Errorf("last warning = %q, want the cut-off note", got)
	}
}

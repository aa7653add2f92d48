package pathway

import "testing"

func benchParse(b *testing.B, name string, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Parse(name, data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseText parses the seed page text.
func BenchmarkParseText(b *testing.B) { benchParse(b, seedName, readSeed(b)) }

// BenchmarkParseHTML parses the realistic HTML rendering of the seed.
func BenchmarkParseHTML(b *testing.B) {
	benchParse(b, "seed-page.html", readTestdataB(b, "seed-page.html"))
}

// BenchmarkParseYAML parses the seed's canonical YAML.
func BenchmarkParseYAML(b *testing.B) {
	benchParse(b, "seed.yaml", readTestdataB(b, "seed.golden.yaml"))
}

// BenchmarkMarshalYAML writes the seed as canonical YAML.
func BenchmarkMarshalYAML(b *testing.B) {
	ps, _, err := Parse(seedName, readSeed(b))
	if err != nil {
		b.Fatal(err)
	}
	out, _ := MarshalYAML(&ps[0])
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := MarshalYAML(&ps[0]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAdversarial parses 1 MiB pages of the adversarial shapes of
// TestParseScalesLinearly: one huge section, one enormous line, many tiny
// sections, dense HTML elements, markup only the HTML tree puts in order.
func BenchmarkParseAdversarial(b *testing.B) {
	for _, s := range scaleShapes() {
		switch s.name {
		case "archetypes", "summary", "long-intro-line", "tiny-mixed-sections", "skills",
			"dense-elements", "dense-element-lines", "dense-table-icons", "misnested-blocks", "table-text",
			"table-text-late", "templates-selects", "misnested-links", "svg-breakout", "table-heading-moved", "svg-font", "svg-html-inside", "table-text-in-link", "root-attributes":
			b.Run(s.file+"/"+s.name, func(b *testing.B) { benchParse(b, s.file, s.page(1<<20)) })
		}
	}
}

// BenchmarkParseHTMLTree imports the HTML adversarial shapes of 1 MiB by
// way of the parsed tree, as pages the stream leaves to it (tables that
// move text, misnested formatting) are: the cost of those pages.
func BenchmarkParseHTMLTree(b *testing.B) {
	for _, s := range scaleShapes() {
		switch s.name {
		case "summary", "tiny-mixed-sections", "dense-elements", "dense-table-icons", "table-text-in-link", "root-attributes":
		default:
			continue
		}
		if s.file != "page.html" {
			continue
		}
		data := s.page(1 << 20)
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := parseHTMLTree(s.file, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

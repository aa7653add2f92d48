package pathway

import "testing"

func BenchmarkTreeAdversarial(b *testing.B) {
	for _, s := range scaleShapes() {
		if s.file != "page.html" {
			continue
		}
		data := s.page(1 << 20)
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				parseHTMLTree(s.file, data)
			}
		})
	}
}

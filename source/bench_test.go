package source

import (
	"fmt"
	"net/http"
	"testing"
)

// benchFolder writes n pathway files into a temporary folder.
func benchFolder(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	files := map[string]string{}
	for i := range n {
		files[fmt.Sprintf("d%02d/p%04d.yaml", i%10, i)] = doc(fmt.Sprintf("Junior Role%04d", i), fmt.Sprintf("Senior Role%04d", i)) +
			"skills:\n  - Write clear design notes\n  - Review pull requests promptly\n"
	}
	writeFiles(b, dir, files)
	return dir
}

func BenchmarkLoadExamples(b *testing.B) {
	for b.Loop() {
		if _, _, err := Load(b.Context(), []string{"../examples/pathways"}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadFolder200(b *testing.B) {
	dir := benchFolder(b, 200)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Load(b.Context(), []string{dir}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCacheUnchangedFolder200 is the daemon's steady state: every file
// is read and compared, none is re-imported.
func BenchmarkCacheUnchangedFolder200(b *testing.B) {
	dir := benchFolder(b, 200)
	c := NewCache(Options{})
	if _, _, _, err := c.Load(b.Context(), []string{dir}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := c.Load(b.Context(), []string{dir}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCacheNotModifiedURL is one conditional GET answered 304 over loopback.
func BenchmarkCacheNotModifiedURL(b *testing.B) {
	srv := newServer(b, map[string]page{"/p.yaml": {body: doc("Junior Tester", "Senior Tester"), etag: `"v1"`}})
	c := NewCache(Options{HTTPClient: &http.Client{}})
	spec := []string{srv.URL + "/p.yaml"}
	if _, _, _, err := c.Load(b.Context(), spec); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := c.Load(b.Context(), spec); err != nil {
			b.Fatal(err)
		}
		srv.takeHits()
	}
}

// benchGitHub returns a fake GitHub folder of n pathway files at version t1.
func benchGitHub(n int) *fakeGitHub {
	gh := newFakeGitHub()
	files := map[string]string{}
	for i := range n {
		files[fmt.Sprintf("d%02d/p%04d.yaml", i%10, i)] = doc(fmt.Sprintf("Junior Role%04d", i), fmt.Sprintf("Senior Role%04d", i)) +
			"skills:\n  - Write clear design notes\n  - Review pull requests promptly\n"
	}
	gh.set("acme/pathways@main:catalog", "t1", files)
	return gh
}

// BenchmarkCacheGitHubUnchanged200 is the daemon's steady state for a
// GitHub folder: the tree SHA is unchanged, so nothing is hashed or parsed
// (the fake's read, which copies the files, dominates).
func BenchmarkCacheGitHubUnchanged200(b *testing.B) {
	gh := benchGitHub(200)
	c := NewCache(Options{ReadGitHubFolder: gh.Read})
	spec := []string{"github://acme/pathways/catalog@main"}
	if _, _, _, err := c.Load(b.Context(), spec); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := c.Load(b.Context(), spec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCacheGitHubNewVersion200 is a new tree SHA with unchanged files:
// every file is hashed, none is re-imported.
func BenchmarkCacheGitHubNewVersion200(b *testing.B) {
	gh := benchGitHub(200)
	c := NewCache(Options{ReadGitHubFolder: gh.Read})
	spec := []string{"github://acme/pathways/catalog@main"}
	if _, _, _, err := c.Load(b.Context(), spec); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c.github["github://acme/pathways/catalog@main"].version = "old"
		if _, _, _, err := c.Load(b.Context(), spec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadGitHub200 imports a GitHub folder of 200 files from scratch.
func BenchmarkLoadGitHub200(b *testing.B) {
	gh := benchGitHub(200)
	spec := []string{"github://acme/pathways/catalog@main"}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Load(b.Context(), spec, Options{ReadGitHubFolder: gh.Read}); err != nil {
			b.Fatal(err)
		}
	}
}

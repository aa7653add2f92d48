package daemon

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/pathwaysync/pathwaysync/catalog"
)

// manyEntities builds n exporter-like entities: one Location, systems,
// role Resources and learning-pathway Components depending on two roles.
func manyEntities(n int) []catalog.Entity {
	out := []catalog.Entity{{APIVersion: catalog.APIVersion, Kind: catalog.KindLocation,
		Metadata: catalog.Metadata{Name: "pathwaysync", Namespace: "pathways"},
		Spec:     map[string]any{"targets": []any{"./systems/s0.yaml"}}}}
	const systems, roles = 10, 500
	for i := 0; i < systems && len(out) < n; i++ {
		out = append(out, catalog.Entity{APIVersion: catalog.APIVersion, Kind: catalog.KindSystem,
			Metadata: catalog.Metadata{Name: fmt.Sprintf("discipline-%d", i), Namespace: "pathways", Title: fmt.Sprintf("Discipline %d", i), Tags: []string{"learning-pathway"}},
			Spec:     map[string]any{"owner": "platform-guild"}})
	}
	for i := 0; i < roles && len(out) < n; i++ {
		out = append(out, catalog.Entity{APIVersion: catalog.APIVersion, Kind: catalog.KindResource,
			Metadata: catalog.Metadata{Name: fmt.Sprintf("role-%d", i), Namespace: "pathways", Title: fmt.Sprintf("Role %d", i),
				Links: []catalog.Link{{URL: fmt.Sprintf("https://www.raganmcgill.co.uk/org/role-archetypes/role-archetype-role-%d", i), Title: "Role archetype"}}},
			Spec: map[string]any{"type": "role-archetype", "owner": "group:pathways/platform-guild", "system": fmt.Sprintf("discipline-%d", i%systems)}})
	}
	for i := 0; len(out) < n; i++ {
		out = append(out, catalog.Entity{APIVersion: catalog.APIVersion, Kind: catalog.KindComponent,
			Metadata: catalog.Metadata{Name: fmt.Sprintf("pathway-%d-to-%d", i, i+1), Namespace: "pathways",
				Title:       fmt.Sprintf("Role %d to Role %d", i%roles, (i+1)%roles),
				Description: "Grow from running platform services to shaping the platform: strategy, reliability, developer experience and the people who build it.",
				Annotations: map[string]string{"backstage.io/techdocs-ref": "dir:.", "pathwaysync.dev/duration": "18-36 months"},
				Labels:      map[string]string{"pathwaysync.dev/discipline": fmt.Sprintf("discipline-%d", i%systems)},
				Tags:        []string{"learning-pathway", "platform"},
				Links:       []catalog.Link{{URL: fmt.Sprintf("https://www.raganmcgill.co.uk/learn/pathway-%d", i), Title: "Pathway page"}}},
			Spec: map[string]any{"type": "learning-pathway", "lifecycle": "production", "owner": "platform-guild",
				"system":    fmt.Sprintf("discipline-%d", i%systems),
				"dependsOn": []any{fmt.Sprintf("resource:pathways/role-%d", i%roles), fmt.Sprintf("resource:pathways/role-%d", (i+1)%roles)}}})
	}
	return out
}

// BenchmarkEntities10k measures GET /api/catalog/entities over 10,000
// entities through a loopback HTTP server, two clients in parallel.
func BenchmarkEntities10k(b *testing.B) {
	srv := serveSnapshot(b, &Outcome{Entities: manyEntities(10000)}, Options{PublicURL: "https://pathwaysync.example.com"})
	base, _ := startBenchServer(b, srv)
	for _, c := range []struct{ name, query string }{
		{"page100", "/api/catalog/entities?limit=100"},
		{"filter_kind_page20", "/api/catalog/entities?filter=kind=resource&limit=20"},
		{"filter_name", "/api/catalog/entities?filter=kind=component,metadata.name=pathway-4242-to-4243"},
		{"by_name", "/api/catalog/entities/by-name/component/pathways/pathway-4242-to-4243"},
		{"by_query_page20", "/api/catalog/entities/by-query?limit=20&orderField=metadata.name,asc"},
		{"all_10k", "/api/catalog/entities"},
	} {
		b.Run(c.name, func(b *testing.B) {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
			var bytes int64
			b.SetParallelism(1)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := client.Get(base + c.query)
					if err != nil {
						b.Error(err)
						return
					}
					n, _ := io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
					bytes = n
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			b.SetBytes(bytes)
		})
	}
}

// startBenchServer serves srv's handler on loopback without running syncs.
func startBenchServer(b *testing.B, srv *Server) (string, func()) {
	b.Helper()
	hs := &http.Server{Handler: srv.Handler()}
	ln, err := newLoopbackListener()
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = hs.Serve(ln) }()
	stop := func() { _ = hs.Close() }
	b.Cleanup(stop)
	return "http://" + ln.Addr().String(), stop
}

// BenchmarkIdleMemory10k starts a daemon whose sync yields 10,000
// entities and reports the live heap once it is idle (target < 50 MiB).
func BenchmarkIdleMemory10k(b *testing.B) {
	for range b.N {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		srv, err := New(Options{Schedule: "1h", PublicURL: "https://pathwaysync.example.com"}, &fakeSyncer{SyncFunc: func(context.Context, Trigger) (*Outcome, error) {
			return &Outcome{Entities: manyEntities(10000)}, nil // not retained by the fake
		}})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		ln, err := newLoopbackListener()
		if err != nil {
			b.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ctx, ln) }()
		deadline := time.Now().Add(time.Minute)
		for srv.readiness() != "" {
			if time.Now().After(deadline) {
				b.Fatal("daemon not ready")
			}
			time.Sleep(10 * time.Millisecond)
		}
		runtime.GC()
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc)/(1<<20), "heap-MiB")
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "daemon-heap-MiB")
		b.ReportMetric(float64(after.HeapSys-after.HeapReleased)/(1<<20), "heap-held-MiB")
		runtime.KeepAlive(srv)
		cancel()
		<-done
	}
}

// BenchmarkHandler10k measures the handlers alone (no network) over 10,000
// entities: the CPU cost per request.
func BenchmarkHandler10k(b *testing.B) {
	srv := serveSnapshot(b, &Outcome{Entities: manyEntities(10000)}, Options{PublicURL: "https://pathwaysync.example.com"})
	h := srv.Handler()
	for _, c := range []struct{ name, query string }{
		{"page100", "/api/catalog/entities?limit=100"},
		{"filter_kind_page20", "/api/catalog/entities?filter=kind=resource&limit=20"},
		{"filter_name", "/api/catalog/entities?filter=kind=component,metadata.name=pathway-4242-to-4243"},
		{"by_query_page20", "/api/catalog/entities/by-query?limit=20&orderField=metadata.name,asc"},
		{"facets_kind", "/api/catalog/entity-facets?facet=kind"},
		{"all_10k", "/api/catalog/entities"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rec := do(h, "GET", c.query, "", nil)
				if rec.Code != 200 {
					b.Fatalf("status %d", rec.Code)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

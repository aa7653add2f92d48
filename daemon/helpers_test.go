package daemon

import (
	"context"
	"flag"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/pathway"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fakeSyncer is a hand-written Syncer made of a function field.
type fakeSyncer struct {
	SyncFunc func(ctx context.Context, t Trigger) (*Outcome, error)
}

func (f *fakeSyncer) Sync(ctx context.Context, t Trigger) (*Outcome, error) {
	return f.SyncFunc(ctx, t)
}

// eventually polls cond until it holds or 5 s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// startServer runs srv.Serve on a loopback listener; the returned stop
// cancels it and returns Serve's error.
func startServer(t *testing.T, srv *Server) (base string, stop func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	var once sync.Once
	var serveErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case serveErr = <-done:
			case <-time.After(10 * time.Second):
				t.Error("Serve did not return after cancel")
			}
		})
		return serveErr
	}
	t.Cleanup(func() { _ = stop() })
	return "http://" + ln.Addr().String(), stop
}

// loadTree reads every entity of the YAML files under dir, in path order.
func loadTree(t testing.TB, dir string) []catalog.Entity {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yaml") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var out []catalog.Entity
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(b), -1) {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			var e catalog.Entity
			if err := yaml.UnmarshalStrict([]byte(doc), &e); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out = append(out, e)
		}
	}
	return out
}

// seedPathway is a small pathway matching the testdata Component.
func seedPathway() pathway.Pathway {
	return pathway.Pathway{
		APIVersion: pathway.APIVersion, Kind: pathway.Kind,
		Title:      "Intermediate Platform Engineer to Senior Platform Engineer",
		From:       pathway.Role{Title: "Intermediate Platform Engineer"},
		To:         pathway.Role{Title: "Senior Platform Engineer"},
		Duration:   pathway.Duration{MinMonths: 18, MaxMonths: 36, Text: "18-36 months"},
		Discipline: "Platform Engineering",
		Summary:    "Grow from running platform services to shaping the platform.",
		FocusAreas: []pathway.FocusArea{{Title: "Platform strategy", Text: "Shape the roadmap."}, {Title: "Reliability", Text: "Own SLOs."}},
		Skills:     []string{"Kubernetes", "Terraform"},
		Source:     "https://www.raganmcgill.co.uk/learn/pathway-platform-intermediate-to-senior",
	}
}

// testOutcome is a successful outcome over the testdata tree.
func testOutcome(t testing.TB) *Outcome {
	return &Outcome{Entities: loadTree(t, "testdata/catalog"), Pathways: []pathway.Pathway{seedPathway()},
		Action: "created", PRNumber: 7, PRURL: "https://github.com/o/r/pull/7"}
}

// serveSnapshot returns a handler serving the given outcome's entities.
func serveSnapshot(t testing.TB, out *Outcome, o Options) *Server {
	t.Helper()
	srv, err := New(o, &fakeSyncer{SyncFunc: func(context.Context, Trigger) (*Outcome, error) { return out, nil }})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := buildSnapshot(out.Entities, out.Pathways, srv.opts)
	if err != nil {
		t.Fatal(err)
	}
	srv.snap.Store(snap)
	return srv
}

// do runs one request against h.
func do(h http.Handler, method, target string, body string, hdr map[string]string) *httptest.ResponseRecorder {
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func newLoopbackListener() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

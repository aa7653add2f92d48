package githubsync

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pathwaysync/pathwaysync/internal/ghemu"
	"github.com/pathwaysync/pathwaysync/internal/syncbuf"
	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
	"sigs.k8s.io/yaml"
)

const (
	testRepo  = "acme/platform"
	testPath  = "catalog/pathways"
	testToken = "ghp_SECRETtoken1234567890"
)

type env struct {
	t    *testing.T
	e    *ghemu.Emulator
	logs *syncbuf.Buffer
}

// outside are the base files no sync may touch.
var outside = map[string][]byte{
	"README.md":                        []byte("# platform\n"),
	"catalog/other/catalog-info.yaml":  []byte("kind: Component\n"),
	"catalog/pathways-archive/keep.md": []byte("similar prefix, outside the folder\n"),
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := ghemu.New()
	t.Cleanup(e.Close)
	e.CreateRepo(testRepo, "main")
	e.AddToken(testToken, true)
	if _, err := e.Commit(testRepo, "main", outside, "Initial commit\n"); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, e: e, logs: &syncbuf.Buffer{}}
}

// seedBase commits files into the managed folder of main, as if an earlier
// pull request had been merged.
func (v *env) seedBase(files map[string][]byte) {
	v.t.Helper()
	in := map[string][]byte{}
	for p, d := range files {
		in[testPath+"/"+p] = d
	}
	if _, err := v.e.Commit(testRepo, "main", in, "Earlier pathways\n"); err != nil {
		v.t.Fatal(err)
	}
}

func (v *env) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(v.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// fast makes waits short for tests.
func fast(o *ClientOptions) {
	o.retryWaitMin, o.retryWaitMax = 5*time.Millisecond, 20*time.Millisecond
	o.secondaryFloor = 30 * time.Millisecond
	o.attemptTimeout = 2 * time.Second
	o.writePause = -1
	o.serverTimeout = 50 * time.Millisecond
}

// patient is a client whose requests may take long: the large-catalog
// tests count requests, and on a busy machine a 10,000-pathway request
// may outlast fast's attempt timeout and be sent again.
func (v *env) patient() *Client {
	return v.client(func(o *ClientOptions) { o.attemptTimeout = 2 * time.Minute })
}

func (v *env) client(mod ...func(*ClientOptions)) *Client {
	v.t.Helper()
	o := ClientOptions{APIURL: v.e.URL(), Token: testToken, Logger: v.logger()}
	fast(&o)
	for _, m := range mod {
		m(&o)
	}
	c, err := NewClient(o)
	if err != nil {
		v.t.Fatal(err)
	}
	return c
}

func (v *env) publisher(c *Client, mod ...func(*Options)) *Publisher {
	v.t.Helper()
	if c == nil {
		c = v.client()
	}
	o := Options{Repository: testRepo, BaseBranch: "main", Path: testPath, MaxDeletions: -1, Logger: v.logger(),
		PullRequest: PullRequestOptions{Labels: []string{"pathways"}},
		Commit:      CommitOptions{AuthorName: "pathwaysync", AuthorEmail: "pathwaysync@example.com"}}
	for _, m := range mod {
		m(&o)
	}
	p, err := NewPublisher(c, o)
	if err != nil {
		v.t.Fatal(err)
	}
	return p
}

func (v *env) publish(p *Publisher, files map[string][]byte) *Result {
	v.t.Helper()
	res, err := p.Publish(context.Background(), files)
	if err != nil {
		v.t.Fatalf("publish: %v", err)
	}
	return res
}

// tree generates an exported tree of n pathways; version changes the
// skills of pathway 0 (and, when > 1, of every pathway). Its Component
// files do not carry the content, as releases before the content diffs
// wrote them, with the manifest of those releases (version 2): changes are
// described by the manifests' counts.
func tree(n, version int) map[string][]byte {
	m := &manifest.Manifest{Generator: manifest.Generator, Version: 2}
	files := map[string][]byte{}
	add := func(p string, data string) {
		files[p] = []byte(data)
		m.Files = append(m.Files, p)
	}
	add("catalog-info.yaml", fmt.Sprintf("apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: pathways\nspec:\n  targets: [%d]\n", n))
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("pathway-%04d", i)
		skills := []string{manifest.Fingerprint("skill a"), manifest.Fingerprint("skill b")}
		if (i == 0 && version > 0) || version > 1 {
			skills = append(skills, manifest.Fingerprint("skill new", fmt.Sprint(version)), manifest.Fingerprint("skill newer", fmt.Sprint(version)))
		}
		m.Pathways = append(m.Pathways, manifest.Pathway{Name: name, Title: fmt.Sprintf("Pathway %d", i),
			Summary: manifest.Fingerprint("summary"), Sections: map[string][]string{"Skills": skills}})
		add("pathways/"+name+"/catalog-info.yaml", fmt.Sprintf("kind: Component\nmetadata:\n  name: %s\n", name))
		add("pathways/"+name+"/docs/index.md", fmt.Sprintf("# Pathway %d\n\nskills: %d\n", i, len(skills)))
	}
	putManifest(files, m)
	return files
}

// without drops pathways by index from a tree of n.
func without(n, version int, drop ...int) map[string][]byte {
	files := tree(n, version)
	m, err := manifest.ParseTree(files[manifest.FileName], func(p string) ([]byte, error) { return files[p], nil })
	if err != nil {
		panic(err)
	}
	skip := map[string]bool{}
	for _, i := range drop {
		skip[fmt.Sprintf("pathway-%04d", i)] = true
	}
	var keep []manifest.Pathway
	for _, p := range m.Pathways {
		if !skip[p.Name] {
			keep = append(keep, p)
		}
	}
	m.Pathways = keep
	for p := range files {
		for name := range skip {
			if strings.HasPrefix(p, "pathways/"+name+"/") {
				delete(files, p)
			}
		}
	}
	m.Files = nil
	for p := range files {
		if p != manifest.FileName {
			m.Files = append(m.Files, p)
		}
	}
	putManifest(files, m)
	return files
}

// putManifest puts the manifest m into files: the root and, since
// version 3, each pathway's part (listed in m.Files or not).
func putManifest(files map[string][]byte, m *manifest.Manifest) {
	parts, err := m.MarshalTree()
	if err != nil {
		panic(err)
	}
	maps.Copy(files, parts)
}

// checkBranch asserts that branch holds exactly files under testPath and
// exactly base's files elsewhere.
func (v *env) checkBranch(branch, base string, files map[string][]byte) {
	v.t.Helper()
	got := v.e.Files(testRepo, branch)
	ref := v.e.Files(testRepo, base)
	for p, data := range got {
		if rel, ok := strings.CutPrefix(p, testPath+"/"); ok {
			if want, ok := files[rel]; !ok || string(want) != data {
				v.t.Errorf("%s: %s differs from the generated tree", branch, p)
			}
			continue
		}
		if ref[p] != data {
			v.t.Errorf("%s: %s outside %s changed", branch, p, testPath)
		}
	}
	for rel := range files {
		if _, ok := got[testPath+"/"+rel]; !ok {
			v.t.Errorf("%s: %s missing", branch, rel)
		}
	}
	for p := range ref {
		if _, ok := got[p]; !ok && !strings.HasPrefix(p, testPath+"/") {
			v.t.Errorf("%s: %s outside %s deleted", branch, p, testPath)
		}
	}
	v.checkOutside(base)
}

// checkOutside asserts that the original files outside testPath are intact.
func (v *env) checkOutside(branch string) {
	v.t.Helper()
	got := v.e.Files(testRepo, branch)
	for p, data := range outside {
		if got[p] != string(data) {
			v.t.Errorf("%s: %s changed or deleted", branch, p)
		}
	}
}

func (v *env) pulls() []ghemu.PullRequest { return v.e.PullRequests(testRepo) }

func (v *env) openPulls() []ghemu.PullRequest {
	var out []ghemu.PullRequest
	for _, pr := range v.pulls() {
		if pr.State == "open" {
			out = append(out, pr)
		}
	}
	return out
}

func keys(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// samplePathway is pathway i with every section filled, as a source
// would give it; tests change it and render it with renderTree.
func samplePathway(i int) pathway.Pathway {
	from, to := fmt.Sprintf("Intermediate Engineer %d", i), fmt.Sprintf("Senior Engineer %d", i)
	return pathway.Pathway{APIVersion: pathway.APIVersion, Kind: pathway.Kind,
		Title: from + " to " + to, From: pathway.Role{Title: from, URL: fmt.Sprintf("https://example.com/roles/int-%d", i)},
		To:       pathway.Role{Title: to, URL: fmt.Sprintf("https://example.com/roles/sen-%d", i)},
		Duration: pathway.Duration{MinMonths: 18, MaxMonths: 36, Text: "18-36 months"}, Discipline: "Platform Engineering",
		Summary:    "Lead platform technical direction and own reliability end-to-end.",
		FocusAreas: []pathway.FocusArea{{Title: "Platform Architecture", Text: "Shape the platform."}, {Title: "Mentoring", Text: "Grow others."}},
		Skills:     []string{"Kubernetes operators", "Service level objectives", fmt.Sprintf("Terraform modules %d", i)},
		Behaviours: []string{fmt.Sprintf("Leads incident reviews %d", i)},
		Projects:   []string{fmt.Sprintf("Build golden path %d", i)},
		AILiteracy: &pathway.AILiteracy{Theme: "Using assistants safely", Items: []string{"Review generated code"}},
		Reading: []pathway.Book{{Title: "Cloud FinOps", Authors: "J.R. Storment, Mike Fuller", Description: "Cost."},
			{Title: "Team Topologies", Authors: "Matthew Skelton, Manuel Pais"}},
		Courses:    []pathway.Course{{Title: "CKA", Provider: "Linux Foundation"}},
		Archetypes: &pathway.Archetypes{Intro: "The roles.", Roles: []pathway.Role{{Title: from}, {Title: to}}},
		Source:     fmt.Sprintf("https://example.com/pathways/%d", i)}
}

// slug is the entity name of a title, as the exporter makes it.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(b.String(), "-")
}

// renderTree renders pathways as the exporter does for githubsync: per
// pathway a Component file carrying the full content under
// spec.pathway and its docs, a Resource per role, and the manifest.
func renderTree(ps []pathway.Pathway) map[string][]byte {
	m := &manifest.Manifest{Generator: manifest.Generator, Version: manifest.Version}
	files := map[string][]byte{}
	put := func(p string, v any) {
		raw, err := yaml.Marshal(v)
		if err != nil {
			panic(err)
		}
		files[p] = raw
		m.Files = append(m.Files, p)
	}
	put("catalog-info.yaml", map[string]any{"apiVersion": "backstage.io/v1alpha1", "kind": "Location",
		"metadata": map[string]any{"name": "pathways"}, "spec": map[string]any{"targets": []string{"./pathways/*/catalog-info.yaml"}}})
	for i := range ps {
		p := &ps[i]
		name := slug(p.Title)
		spec := map[string]any{"from": p.From.Title, "to": p.To.Title, "discipline": p.Discipline, "duration": p.Duration,
			"counts": map[string]int{"skills": len(p.Skills), "reading": len(p.Reading)}, "summary": p.Summary,
			"focusAreas": p.FocusAreas, "skills": p.Skills, "behaviours": p.Behaviours, "projects": p.Projects,
			"aiLiteracy": p.AILiteracy, "reading": p.Reading, "courses": p.Courses, "roleArchetypes": p.Archetypes, "source": p.Source}
		put("pathways/"+name+"/catalog-info.yaml", map[string]any{"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
			"metadata": map[string]any{"name": name, "namespace": "pathways", "title": p.Title},
			"spec":     map[string]any{"type": "learning-pathway", "owner": "group:default/x", "lifecycle": "production", "pathway": spec}})
		files["pathways/"+name+"/docs/index.md"] = []byte("# " + p.Title + "\n\n" + p.Summary + "\n")
		m.Files = append(m.Files, "pathways/"+name+"/docs/index.md")
		for _, r := range []pathway.Role{p.From, p.To} {
			put("roles/"+slug(r.Title)+".yaml", map[string]any{"apiVersion": "backstage.io/v1alpha1", "kind": "Resource",
				"metadata": map[string]any{"name": slug(r.Title), "namespace": "pathways", "title": r.Title,
					"links": []map[string]string{{"url": r.URL, "title": "Role archetype page"}}},
				"spec": map[string]any{"type": "role-archetype", "owner": "group:default/x"}})
		}
		m.Pathways = append(m.Pathways, manifest.ForPathway(name, p))
	}
	putManifest(files, m)
	return files
}

// samples returns n sample pathways.
func samples(n int) []pathway.Pathway {
	out := make([]pathway.Pathway, n)
	for i := range out {
		out[i] = samplePathway(i)
	}
	return out
}

// olderRelease rewrites the pathway files of a rendered tree as a
// release before the full content wrote them: spec.pathway carries
// counts, roles and focus area titles only.
func olderRelease(files map[string][]byte) map[string][]byte {
	out := map[string][]byte{}
	for p, d := range files {
		out[p] = d
		if kind, _, ok := entityKey(p); !ok || kind != kindPathway {
			continue
		}
		var doc map[string]any
		if err := yaml.Unmarshal(d, &doc); err != nil {
			panic(err)
		}
		spec := doc["spec"].(map[string]any)
		full := spec["pathway"].(map[string]any)
		var titles []string
		for _, f := range full["focusAreas"].([]any) {
			titles = append(titles, f.(map[string]any)["title"].(string))
		}
		spec["pathway"] = map[string]any{"from": full["from"], "to": full["to"], "counts": full["counts"], "focusAreas": titles}
		out[p], _ = yaml.Marshal(doc)
	}
	// Those releases wrote the whole manifest at the root (version 2).
	m, err := manifest.ParseTree(out[manifest.FileName], func(p string) ([]byte, error) { return out[p], nil })
	if err != nil {
		panic(err)
	}
	for _, pw := range m.Pathways {
		delete(out, manifest.PathwayFile(pw.Name))
	}
	m.Files = slices.DeleteFunc(m.Files, func(p string) bool { return path.Base(p) == manifest.PathwayFileName })
	m.Version = 2
	putManifest(out, m)
	return out
}

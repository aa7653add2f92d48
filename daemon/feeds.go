package daemon

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// OwnerYAMLPath is the route serving the owner Group(s).
const OwnerYAMLPath = "/catalog-owner.yaml"

// splitOwner splits a sync's entities into what /catalog-info.yaml holds
// and the Groups /catalog-owner.yaml serves. A Backstage whose rules do not
// allow Group rejects every entity of a Location that emits one, so the
// Groups are read through a Location document of their own, named
// locationName (targeting ./catalog-owner.yaml, resolved against the URL):
// under such rules only that Location fails and every other entity is kept.
func splitOwner(in []catalog.Entity, locationName string) (main, owner []catalog.Entity, err error) {
	main = make([]catalog.Entity, 0, len(in)+1)
	for _, e := range in {
		if strings.EqualFold(e.Kind, catalog.KindGroup) {
			owner = append(owner, e)
			continue
		}
		main = append(main, e)
	}
	if len(owner) > 0 {
		if locationName == "" {
			return nil, nil, fmt.Errorf("the entities hold a Group but Options.OwnerLocationName is not set")
		}
		main = append(main, catalog.Entity{APIVersion: catalog.APIVersion, Kind: catalog.KindLocation,
			Metadata: catalog.Metadata{Name: locationName, Namespace: owner[0].Metadata.Namespace,
				Description: "The Group that owns the learning pathways, in a Location of its own: a catalog that does not allow Group rejects only this Location."},
			Spec: map[string]any{"targets": []string{"." + OwnerYAMLPath}}})
	}
	return main, owner, nil
}

// catalogYAML renders, gzip-compressed (kept small in memory), the entities as files hold them (no uid, etag or
// relations), sorted by ref, as one multi-document YAML. The tree's own
// Location entities are left out: their relative targets name files this
// server does not serve, and every entity they point at is already in the
// document; only the owner Location splitOwner adds (named locationName)
// is kept.
func catalogYAML(in []catalog.Entity, locationName string) ([]byte, string, error) {
	ents := make([]catalog.Entity, 0, len(in))
	seen := map[string]bool{}
	for _, e := range in {
		own := e.Metadata.Name == locationName && len(e.Spec) == 1 && slices.Equal(asStrings(e.Spec["targets"]), []string{"." + OwnerYAMLPath})
		if (strings.EqualFold(e.Kind, catalog.KindLocation) && !own) || seen[e.Ref()] {
			continue
		}
		seen[e.Ref()] = true
		e.Relations = nil
		e.Metadata.UID, e.Metadata.Etag = "", ""
		ents = append(ents, e)
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Ref() < ents[j].Ref() })
	var buf bytes.Buffer
	for i := range ents {
		b, err := yaml.Marshal(&ents[i])
		if err != nil {
			return nil, "", fmt.Errorf("marshal %s: %w", ents[i].Ref(), err)
		}
		buf.WriteString("---\n")
		buf.Write(b)
	}
	sum := sha256.Sum256(buf.Bytes())
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return nil, "", fmt.Errorf("compress catalog-info.yaml: %w", err)
	}
	if _, err := zw.Write(buf.Bytes()); err != nil {
		return nil, "", fmt.Errorf("compress catalog-info.yaml: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, "", fmt.Errorf("compress catalog-info.yaml: %w", err)
	}
	return gz.Bytes(), `"` + hex.EncodeToString(sum[:16]) + `"`, nil
}

func asStrings(v any) []string {
	ss, _ := v.([]string)
	return ss
}

// handleCatalogYAML is GET /catalog-info.yaml with ETag / If-None-Match,
// sent gzip-encoded to clients that accept it.
func (s *Server) handleCatalogYAML(w http.ResponseWriter, r *http.Request) {
	snap := s.snap.Load()
	serveYAML(w, r, snap.catalogYAML, snap.yamlETag)
}

// handleOwnerYAML is GET /catalog-owner.yaml: the owner Group, which
// /catalog-info.yaml reads through its own Location; 404 when the tree
// has none (an owner of the user's).
func (s *Server) handleOwnerYAML(w http.ResponseWriter, r *http.Request) {
	snap := s.snap.Load()
	if snap.ownerYAML == nil {
		http.NotFound(w, r)
		return
	}
	serveYAML(w, r, snap.ownerYAML, snap.ownerETag)
}

// serveYAML serves a gzip-compressed YAML document with its ETag.
func serveYAML(w http.ResponseWriter, r *http.Request, doc []byte, docETag string) {
	gz := acceptsGzip(r.Header.Get("Accept-Encoding"))
	etag := docETag
	if gz {
		etag = "W/" + etag
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Vary", "Accept-Encoding")
	if etagMatches(r.Header.Get("If-None-Match"), docETag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	if gz {
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(doc)
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(doc))
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	_, _ = io.Copy(w, zr)
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip.
func acceptsGzip(h string) bool {
	for _, part := range strings.Split(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			return strings.ReplaceAll(strings.TrimSpace(params), " ", "") != "q=0"
		}
	}
	return false
}

// etagMatches applies If-None-Match (weak comparison, lists and "*").
func etagMatches(header, etag string) bool {
	if header == "" || etag == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// LearningPath is one entry of Red Hat Developer Hub's learning-paths
// feed (its LearningPathLink type).
type LearningPath struct {
	Label       string `json:"label"`
	URL         string `json:"url"`
	Description string `json:"description,omitempty"`
	// Hours and Minutes are the time to read the pathway's pages at
	// readingWPM words per minute.
	Hours   int `json:"hours,omitempty"`
	Minutes int `json:"minutes,omitempty"`
	// Paths is the number of the pathway's focus areas (its tracks).
	Paths int `json:"paths,omitempty"`
}

// readingWPM is the reading speed behind LearningPath hours and minutes.
const readingWPM = 200

// learningPathType is the spec.type of pathway Components.
const learningPathType = "learning-pathway"

// learningPaths builds the /api/learning-paths body: one entry per
// learning-pathway Component, sorted by label, linking to its TechDocs
// (techDocsBase/<namespace>/component/<name>, or the Backstage-relative
// /docs/... when no base is configured).
// The first of two entities with the same ref wins, as in the catalog.
func learningPaths(ents []catalog.Entity, pathways []pathway.Pathway, techDocsBase string) ([]byte, error) {
	byTitle := map[string]*pathway.Pathway{}
	for i := range pathways {
		byTitle[strings.ToLower(pathways[i].Title)] = &pathways[i]
	}
	base := techDocsBase
	if base == "" {
		base = "/docs"
	}
	out := []LearningPath{}
	seen := map[string]bool{}
	for i := range ents {
		e := &ents[i]
		ref := e.Ref()
		if seen[ref] {
			continue
		}
		seen[ref] = true
		if !strings.EqualFold(e.Kind, catalog.KindComponent) {
			continue
		}
		if t, _ := e.Spec["type"].(string); t != learningPathType {
			continue
		}
		ns := e.Metadata.Namespace
		if ns == "" {
			ns = "default"
		}
		label := e.Metadata.Title
		if label == "" {
			label = e.Metadata.Name
		}
		lp := LearningPath{
			Label:       label,
			URL:         base + "/" + url.PathEscape(strings.ToLower(ns)) + "/component/" + url.PathEscape(strings.ToLower(e.Metadata.Name)),
			Description: e.Metadata.Description,
		}
		if p := byTitle[strings.ToLower(e.Metadata.Title)]; p != nil {
			if lp.Description == "" {
				lp.Description = p.Summary
			}
			words := len(strings.Fields(pathwayText(p)))
			mins := (words + readingWPM - 1) / readingWPM
			lp.Hours, lp.Minutes = mins/60, mins%60
			lp.Paths = len(p.FocusAreas)
		}
		out = append(out, lp)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Label != out[j].Label {
			return out[i].Label < out[j].Label
		}
		return out[i].URL < out[j].URL
	})
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("marshal learning paths: %w", err)
	}
	return append(b, '\n'), nil
}

// handleLearningPaths is GET /api/learning-paths.
func (s *Server) handleLearningPaths(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(s.snap.Load().learning)
}

package catalogapi

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pathwaysync/pathwaysync/catalog"
)

// API serves one immutable set of entities through the Backstage catalog
// read API (see the package comment); create it with New.
type API struct {
	entities []*served // sorted by ref (the /entities paging order)
	byUID    []*served // sorted by uid (the unpaged and by-query order)
	byRef    map[string]*served
	uids     map[string]*served
	table    *strTable
	handler  http.Handler

	sortMu    sync.Mutex
	sortCache map[string][]sortedRow // by-query orders, by sort key
	uidRows   []sortedRow
}

// Options configure New.
type Options struct {
	// PublicURL is the base URL the entities are served from; when set,
	// every entity's managed-by annotations point at
	// PublicURL/catalog-info.yaml.
	PublicURL string
}

// served is one entity as the read API returns it.
type served struct {
	ref  string
	uid  string
	raw  []byte // JSON with uid, etag and relations
	rows []row  // search rows, as the catalog's search table holds them
}

// row is one search row, as interned string ids: the lowercased key and
// value, and orig, the value as written when it differs (0 = same as val).
// val is nullID when the catalog would store NULL (e.g. values over 200
// characters).
type row struct {
	key, val, orig uint32
}

// nullID marks a NULL search value.
const nullID = ^uint32(0)

// strTable interns the strings of search rows: ids index strs (id 0 unused).
type strTable struct {
	strs []string
	ids  map[string]uint32
}

func newStrTable() *strTable { return &strTable{strs: []string{""}, ids: map[string]uint32{}} }

func (t *strTable) id(s string) uint32 {
	if id, ok := t.ids[s]; ok {
		return id
	}
	id := uint32(len(t.strs))
	t.strs = append(t.strs, s)
	t.ids[s] = id
	return id
}

// lookup returns the id of s, or false when no row holds it.
func (t *strTable) lookup(s string) (uint32, bool) {
	id, ok := t.ids[s]
	return id, ok
}

func (t *strTable) str(id uint32) string { return t.strs[id] }

// servedEntity is the JSON shape of a served entity: relations always present.
type servedEntity struct {
	APIVersion string             `json:"apiVersion"`
	Kind       string             `json:"kind"`
	Metadata   catalog.Metadata   `json:"metadata"`
	Spec       map[string]any     `json:"spec,omitempty"`
	Relations  []catalog.Relation `json:"relations"`
}

// ManagedByAnnotation and OriginAnnotation are set on served entities when
// PublicURL is known, pointing at the served catalog-info.yaml.
const (
	ManagedByAnnotation = "backstage.io/managed-by-location"
	OriginAnnotation    = "backstage.io/managed-by-origin-location"
)

// New prepares entities for serving: default namespace, sorted relation
// arrays, managed-by annotations, relations, uid, etag, JSON and search
// rows. The first of two entities with the same ref wins, as in the
// catalog. in is not modified.
func New(in []catalog.Entity, o Options) (*API, error) {
	publicURL := strings.TrimRight(o.PublicURL, "/")
	var ents []*catalog.Entity
	seen := map[string]bool{}
	for i := range in {
		e, err := normalize(&in[i], publicURL)
		if err != nil {
			return nil, err
		}
		ref := e.Ref()
		if seen[ref] {
			continue
		}
		seen[ref] = true
		ents = append(ents, e)
	}
	rels := computeRelations(ents)
	s := &API{table: newStrTable(), byRef: make(map[string]*served, len(ents)), uids: make(map[string]*served, len(ents))}
	for _, e := range ents {
		ref := e.Ref()
		se := servedEntity{APIVersion: e.APIVersion, Kind: e.Kind, Metadata: e.Metadata, Spec: e.Spec, Relations: rels[ref]}
		se.Metadata.UID = UID(ref)
		se.Metadata.Etag = ""
		body, err := json.Marshal(se)
		if err != nil {
			return nil, fmt.Errorf("marshal %s: %w", ref, err)
		}
		sum := sha1.Sum(body)
		se.Metadata.Etag = hex.EncodeToString(sum[:])
		if body, err = json.Marshal(se); err != nil {
			return nil, fmt.Errorf("marshal %s: %w", ref, err)
		}
		rows, err := searchRows(body, s.table)
		if err != nil {
			return nil, fmt.Errorf("index %s: %w", ref, err)
		}
		sv := &served{ref: ref, uid: se.Metadata.UID, raw: body, rows: rows}
		s.entities = append(s.entities, sv)
		s.byRef[ref] = sv
		s.uids[sv.uid] = sv
	}
	sort.Slice(s.entities, func(i, j int) bool { return s.entities[i].ref < s.entities[j].ref })
	s.byUID = append([]*served(nil), s.entities...)
	sort.Slice(s.byUID, func(i, j int) bool { return s.byUID[i].uid < s.byUID[j].uid })
	s.handler = s.routes()
	return s, nil
}

// normalize returns a deep copy of e as the catalog would store it.
func normalize(e *catalog.Entity, publicURL string) (*catalog.Entity, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("copy entity %s: %w", e.Ref(), err)
	}
	var c catalog.Entity
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("copy entity %s: %w", e.Ref(), err)
	}
	c.Relations = nil
	c.Metadata.UID, c.Metadata.Etag = "", ""
	if c.Metadata.Namespace == "" {
		c.Metadata.Namespace = "default"
	}
	for _, f := range sortedSpecFields {
		if list, ok := c.Spec[f].([]any); ok {
			strs := stringsOf(list)
			if len(strs) == len(list) {
				sort.Strings(strs)
				for i := range list {
					list[i] = strs[i]
				}
			}
		}
	}
	if publicURL != "" {
		if c.Metadata.Annotations == nil {
			c.Metadata.Annotations = map[string]string{}
		}
		loc := "url:" + publicURL + "/catalog-info.yaml"
		c.Metadata.Annotations[ManagedByAnnotation] = loc
		c.Metadata.Annotations[OriginAnnotation] = loc
	}
	return &c, nil
}

// UID derives a stable UUID (version 5 layout, SHA-1 of the ref) from an
// entity ref, so an entity keeps its uid across syncs and restarts.
func UID(ref string) string {
	h := sha1.Sum([]byte("pathwaysync.dev/entity-uid:" + ref))
	h[6] = (h[6] & 0x0f) | 0x50
	h[8] = (h[8] & 0x3f) | 0x80
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// searchSkip are the paths the catalog leaves out of its generic traversal.
var searchSkip = map[string]bool{
	"attachments": true, "relations": true, "status": true, "metadata.name": true,
	"metadata.namespace": true, "metadata.uid": true, "metadata.etag": true,
}

const maxSearchLen = 200

// searchRows flattens a served entity the way the catalog's search table
// does (buildEntitySearch): lowercased dotted keys, string-array members as
// "key.item" = true, relations as "relations.<type>" = targetRef.
func searchRows(body []byte, table *strTable) ([]row, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return nil, err
	}
	type kv struct {
		key string
		val any
	}
	var raw []kv
	seenPathKeys := map[string]bool{}
	var visit func(path string, cur any)
	visit = func(path string, cur any) {
		if searchSkip[path] {
			return
		}
		switch t := cur.(type) {
		case nil, string, bool, json.Number:
			raw = append(raw, kv{path, t})
		case []any:
			for _, item := range t {
				visit(path, item)
				if s, ok := item.(string); ok {
					pk := path + "." + s
					if lk := strings.ToLower(pk); !seenPathKeys[lk] {
						seenPathKeys[lk] = true
						raw = append(raw, kv{pk, true})
					}
				}
			}
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(t)) {
				p := k
				if path != "" {
					p = path + "." + k
				}
				visit(p, t[k])
			}
		}
	}
	visit("", root)
	md, _ := root["metadata"].(map[string]any)
	raw = append(raw, kv{"metadata.name", md["name"]}, kv{"metadata.namespace", md["namespace"]}, kv{"metadata.uid", md["uid"]})
	if rels, ok := root["relations"].([]any); ok {
		for _, r := range rels {
			if m, ok := r.(map[string]any); ok {
				typ, _ := m["type"].(string)
				raw = append(raw, kv{"relations." + typ, m["targetRef"]})
			}
		}
	}
	out := make([]row, 0, len(raw))
	seen := make(map[[2]uint32]bool, len(raw))
	for _, r := range raw {
		key := strings.ToLower(r.key)
		if len(key) > maxSearchLen {
			continue
		}
		var orig string
		null := false
		switch v := r.val.(type) {
		case nil:
			null = true
		case string:
			orig = v
		case bool:
			orig = fmt.Sprint(v)
		case json.Number:
			orig = v.String()
		}
		rw := row{key: table.id(key), val: nullID}
		if lower := strings.ToLower(orig); !null && len(lower) <= maxSearchLen {
			rw.val = table.id(lower)
			if orig != lower {
				rw.orig = table.id(orig)
			}
		}
		k := [2]uint32{rw.key, rw.val}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, rw)
	}
	return out, nil
}

// Package catalogapi serves a set of catalog entities through the read
// endpoints of the Backstage catalog API, answering as the stock catalog
// backend does (bodies, errors, ordering, paging, cursors):
//
//	GET  /api/catalog/entities     filter, fields, order, limit/offset/after
//	GET  /api/catalog/entities/by-query
//	GET  /api/catalog/entities/by-uid/{uid}
//	GET  /api/catalog/entities/by-name/{kind}/{namespace}/{name}
//	POST /api/catalog/entities/by-refs
//	GET  /api/catalog/entity-facets
//
// New takes the entities as exported (no uid, etag or relations) and
// computes what the catalog would: the default namespace, a uid derived
// from the ref (stable across calls and processes), an etag hashing the
// content, and relations in both directions. An API is immutable; to serve
// new entities, build a new one.
package catalogapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// catalogPrefix is where the Backstage-compatible read API is mounted.
const catalogPrefix = "/api/catalog"

// defaultQueryLimit is the catalog's page size for by-query.
const defaultQueryLimit = 200

// Prefix is where the read API is mounted: its handler serves every path
// under it.
const Prefix = catalogPrefix + "/"

// routes builds the API's handler.
func (s *API) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+catalogPrefix+"/entities", s.handleEntities)
	mux.HandleFunc("GET "+catalogPrefix+"/entities/by-query", s.handleByQuery)
	mux.HandleFunc("GET "+catalogPrefix+"/entities/by-uid/{uid}", s.handleByUID)
	mux.HandleFunc("GET "+catalogPrefix+"/entities/by-name/{kind}/{namespace}/{name}", s.handleByName)
	mux.HandleFunc("POST "+catalogPrefix+"/entities/by-refs", s.handleByRefs)
	mux.HandleFunc("GET "+catalogPrefix+"/entity-facets", s.handleFacets)
	mux.HandleFunc(catalogPrefix+"/", func(w http.ResponseWriter, r *http.Request) {
		writeCatalogError(w, r, http.StatusNotFound, "NotFoundError", "Not found")
	})
	return mux
}

// ServeHTTP serves the read API under Prefix.
func (s *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// writeCatalogError writes the catalog backend's error body; request.url is
// relative to the plugin mount, as Backstage reports it.
func writeCatalogError(w http.ResponseWriter, r *http.Request, status int, name, msg string) {
	body := map[string]any{
		"error":    map[string]string{"name": name, "message": msg},
		"request":  map[string]string{"method": r.Method, "url": strings.TrimPrefix(r.URL.RequestURI(), catalogPrefix)},
		"response": map[string]int{"statusCode": status},
	}
	writeJSON(w, status, body)
}

// writeErr maps err to the catalog's status codes.
func writeErr(w http.ResponseWriter, r *http.Request, err error) {
	var ie *inputError
	if errors.As(err, &ie) {
		writeCatalogError(w, r, http.StatusBadRequest, "InputError", ie.msg)
		return
	}
	writeCatalogError(w, r, http.StatusInternalServerError, "Error", "internal error")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// entityJSON is the entity body, projected when fields are given.
func entityJSON(e *served, fields []string) ([]byte, error) {
	if len(fields) == 0 {
		return e.raw, nil
	}
	return project(e.raw, fields)
}

// writeEntityArray writes entities as a JSON array, wrapped as
// prefix[...]suffix.
func writeEntityArray(w http.ResponseWriter, ents []*served, fields []string, prefix, suffix string) error {
	var buf bytes.Buffer
	size := len(prefix) + len(suffix) + 2
	if len(fields) == 0 {
		for _, e := range ents {
			if e != nil {
				size += len(e.raw) + 1
			}
		}
	}
	buf.Grow(size)
	buf.WriteString(prefix)
	buf.WriteByte('[')
	for i, e := range ents {
		if i > 0 {
			buf.WriteByte(',')
		}
		if e == nil {
			buf.WriteString("null")
			continue
		}
		b, err := entityJSON(e, fields)
		if err != nil {
			return err
		}
		buf.Write(b)
	}
	buf.WriteByte(']')
	buf.WriteString(suffix)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(buf.Bytes())
	if err != nil {
		return nil // client went away
	}
	return nil
}

// orderSpec is one "asc:field" order parameter of /entities.
type orderSpec struct {
	field string
	desc  bool
}

func parseOrder(params []string) ([]orderSpec, error) {
	var out []orderSpec
	for _, p := range params {
		dir, field, ok := strings.Cut(p, ":")
		if !ok || (dir != "asc" && dir != "desc") || field == "" {
			return nil, inputErrorf("Invalid order parameter \"%s\", expected \"<asc or desc>:<field name>\"", p)
		}
		out = append(out, orderSpec{field: strings.ToLower(field), desc: dir == "desc"})
	}
	return out, nil
}

// sortByOrder sorts ents by the order specs (missing values last), then uid.
func sortByOrder(snap *API, ents []*served, order []orderSpec) {
	type keyed struct {
		e    *served
		vals []string
		has  []bool
	}
	ks := make([]keyed, len(ents))
	for i, e := range ents {
		k := keyed{e: e, vals: make([]string, len(order)), has: make([]bool, len(order))}
		for j, o := range order {
			k.vals[j], k.has[j] = snap.value(e, o.field)
		}
		ks[i] = k
	}
	sort.SliceStable(ks, func(a, b int) bool {
		for j, o := range order {
			ha, hb := ks[a].has[j], ks[b].has[j]
			if ha != hb {
				return ha
			}
			va, vb := ks[a].vals[j], ks[b].vals[j]
			if va != vb {
				if o.desc {
					return va > vb
				}
				return va < vb
			}
		}
		return ks[a].e.uid < ks[b].e.uid
	})
	for i := range ks {
		ents[i] = ks[i].e
	}
}

// handleEntities is GET /entities: a bare array; with limit/offset/after it
// pages in entity-ref order and links the next page.
func (s *API) handleEntities(w http.ResponseWriter, r *http.Request) {
	snap := s
	q := r.URL.Query()
	f, err := parseFilter(q["filter"])
	if err != nil {
		writeErr(w, r, err)
		return
	}
	fields, err := parseFields(q["fields"], nil)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	order, err := parseOrder(q["order"])
	if err != nil {
		writeErr(w, r, err)
		return
	}
	_, hasLimit := q["limit"]
	_, hasOffset := q["offset"]
	_, hasAfter := q["after"]
	paged := hasLimit || hasOffset || hasAfter
	limit, offset := -1, 0
	if paged {
		if limit, offset, err = parsePagination(q); err != nil {
			writeErr(w, r, err)
			return
		}
	}
	base := snap.byUID
	if paged {
		base = snap.entities
	}
	var ents []*served
	if len(f) == 0 {
		ents = base
	} else {
		// Without an order, a page needs only its own matches plus one.
		need := -1
		if paged && limit >= 0 && len(order) == 0 {
			need = offset + limit + 1
		}
		cf := f.compile(snap.table)
		ents = make([]*served, 0, 64)
		for _, e := range base {
			if cf.match(e) {
				ents = append(ents, e)
				if len(ents) == need {
					break
				}
			}
		}
	}
	if len(order) > 0 {
		ents = append([]*served(nil), ents...)
		sortByOrder(snap, ents, order)
	}
	if !paged {
		_ = writeEntityArray(w, ents, fields, "", "")
		return
	}
	if offset > len(ents) {
		offset = len(ents)
	}
	ents = ents[offset:]
	if limit >= 0 && len(ents) > limit {
		ents = ents[:limit]
		cur, _ := json.Marshal(map[string]int{"limit": limit, "offset": offset + limit})
		w.Header().Set("Link", "<"+nextLink(r, base64.StdEncoding.EncodeToString(cur))+">; rel=\"next\"")
	}
	_ = writeEntityArray(w, ents, fields, "", "")
}

// parsePagination reads limit, offset and the after cursor; limit -1 means none.
func parsePagination(q url.Values) (limit, offset int, err error) {
	limit = -1
	if v, ok := q["limit"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n <= 0 {
			return 0, 0, inputErrorf("Invalid limit, must be greater than zero")
		}
		limit = n
	}
	if v, ok := q["offset"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 0 {
			return 0, 0, inputErrorf("Invalid offset, must be zero or greater")
		}
		offset = n
	}
	if v, ok := q["after"]; ok {
		if v[0] == "" {
			return 0, 0, inputErrorf("Invalid after, must not be empty")
		}
		b, err := base64.StdEncoding.DecodeString(v[0])
		var cur struct {
			Limit  *json.Number `json:"limit"`
			Offset *json.Number `json:"offset"`
		}
		if err != nil || json.Unmarshal(b, &cur) != nil {
			return 0, 0, inputErrorf("Malformed after cursor, could not be parsed")
		}
		if cur.Limit != nil {
			n, err := strconv.Atoi(cur.Limit.String())
			if err != nil {
				return 0, 0, inputErrorf("Malformed after cursor, limit was not an number")
			}
			limit = n
		}
		if cur.Offset != nil {
			n, err := strconv.Atoi(cur.Offset.String())
			if err != nil || n < 0 {
				return 0, 0, inputErrorf("Malformed after cursor, offset was not a number")
			}
			offset = n
		}
	}
	return limit, offset, nil
}

// nextLink is the request's URL relative to the catalog mount with offset
// removed and after set, serialised as the catalog does (WHATWG
// URLSearchParams: parameters in order, form-encoded).
func nextLink(r *http.Request, after string) string {
	var parts []string
	set := false
	for _, kv := range strings.Split(r.URL.RawQuery, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			val = v
		}
		switch key {
		case "offset":
			continue
		case "after":
			if set {
				continue
			}
			set = true
			val = after
		}
		parts = append(parts, formEscape(key)+"="+formEscape(val))
	}
	if !set {
		parts = append(parts, "after="+formEscape(after))
	}
	return strings.TrimPrefix(r.URL.Path, catalogPrefix) + "?" + strings.Join(parts, "&")
}

// formEscape is the application/x-www-form-urlencoded byte serializer of
// the URL standard: *-._ and alphanumerics kept, space as +, the rest %XX.
func formEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			b.WriteByte('+')
		case c == '*' || c == '-' || c == '.' || c == '_' ||
			('0' <= c && c <= '9') || ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z'):
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

func (s *API) handleByUID(w http.ResponseWriter, r *http.Request) {
	uid := r.PathValue("uid")
	e := s.uids[uid]
	if e == nil {
		writeCatalogError(w, r, http.StatusNotFound, "NotFoundError", "No entity with uid "+uid)
		return
	}
	writeRaw(w, e.raw)
}

func (s *API) handleByName(w http.ResponseWriter, r *http.Request) {
	kind, ns, name := r.PathValue("kind"), r.PathValue("namespace"), r.PathValue("name")
	e := s.byRef[strings.ToLower(kind+":"+ns+"/"+name)]
	if e == nil {
		writeCatalogError(w, r, http.StatusNotFound, "NotFoundError",
			"No entity named '"+name+"' found, with kind '"+kind+"' in namespace '"+ns+"'")
		return
	}
	writeRaw(w, e.raw)
}

func writeRaw(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

// maxBodyBytes bounds request bodies of the read API.
const maxBodyBytes = 1 << 20

// handleByRefs is POST /entities/by-refs: {entityRefs, fields?} → {items}
// in request order with null for misses (and for entities the filter drops).
func (s *API) handleByRefs(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil || len(body) > maxBodyBytes {
		writeCatalogError(w, r, http.StatusBadRequest, "InputError", "Malformed request body, too large or unreadable")
		return
	}
	var req struct {
		EntityRefs *[]string `json:"entityRefs"`
		Fields     []string  `json:"fields"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.EntityRefs == nil {
		msg := "Required at \"entityRefs\""
		if err != nil {
			msg = err.Error()
		}
		writeCatalogError(w, r, http.StatusBadRequest, "InputError",
			"Malformed request body (did you remember to specify an application/json content type?), Validation error: "+msg)
		return
	}
	q := r.URL.Query()
	f, err := parseFilter(q["filter"])
	if err != nil {
		writeErr(w, r, err)
		return
	}
	fields, err := parseFields(q["fields"], req.Fields)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	snap := s
	cf := f.compile(snap.table)
	items := make([]*served, len(*req.EntityRefs))
	for i, ref := range *req.EntityRefs {
		if e := snap.byRef[strings.ToLower(ref)]; e != nil && cf.match(e) {
			items[i] = e
		}
	}
	if err := writeEntityArray(w, items, fields, `{"items":`, "}"); err != nil {
		writeErr(w, r, err)
	}
}

// handleFacets is GET /entity-facets: {facets: {F: [{value, count}]}} over
// the entities matching filter, values as written, sorted.
func (s *API) handleFacets(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var facets []string
	for _, f := range q["facet"] {
		if f != "" {
			facets = append(facets, f)
		}
	}
	if len(facets) == 0 {
		writeCatalogError(w, r, http.StatusBadRequest, "InputError", "Missing facet parameter")
		return
	}
	f, err := parseFilter(q["filter"])
	if err != nil {
		writeErr(w, r, err)
		return
	}
	type fv struct {
		Value string `json:"value"`
		Count int    `json:"count"`
	}
	snap := s
	cf := f.compile(snap.table)
	counts := map[uint32]map[uint32]int{} // key id → original value id → count
	var keyIDs []uint32
	for _, name := range facets {
		if id, ok := snap.table.lookup(strings.ToLower(name)); ok {
			if _, dup := counts[id]; !dup {
				counts[id] = map[uint32]int{}
				keyIDs = append(keyIDs, id)
			}
		}
	}
	for _, e := range snap.entities {
		if len(keyIDs) == 0 {
			break
		}
		if !cf.match(e) {
			continue
		}
		for _, rw := range e.rows {
			if rw.val == nullID || !containsID(keyIDs, rw.key) {
				continue
			}
			orig := rw.orig
			if orig == 0 {
				orig = rw.val
			}
			counts[rw.key][orig]++
		}
	}
	out := map[string][]fv{}
	for _, name := range facets {
		var c map[uint32]int
		if id, ok := snap.table.lookup(strings.ToLower(name)); ok {
			c = counts[id]
		}
		list := make([]fv, 0, len(c))
		for v, n := range c {
			list = append(list, fv{Value: snap.table.str(v), Count: n})
		}
		sort.Slice(list, func(i, j int) bool { return list[i].Value < list[j].Value })
		out[name] = list
	}
	writeJSON(w, http.StatusOK, map[string]any{"facets": out})
}

func containsID(ids []uint32, id uint32) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

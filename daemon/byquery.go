package daemon

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// queryCursor is the opaque by-query cursor (base64 JSON), carrying the
// query so that later pages need only the cursor, as in the catalog.
type queryCursor struct {
	OrderFields          []orderField    `json:"orderFields"`
	FullTextFilter       *fullTextFilter `json:"fullTextFilter,omitempty"`
	OrderFieldValues     []*string       `json:"orderFieldValues"`
	Filter               []string        `json:"filter,omitempty"`
	IsPrevious           bool            `json:"isPrevious"`
	FirstSortFieldValues []*string       `json:"firstSortFieldValues,omitempty"`
	TotalItems           *int            `json:"totalItems,omitempty"`
}

type orderField struct {
	Field string `json:"field"`
	Order string `json:"order"`
}

type fullTextFilter struct {
	Term   string   `json:"term"`
	Fields []string `json:"fields,omitempty"`
}

// sortedRow is an entity with its sort value.
type sortedRow struct {
	e   *served
	val string
}

func (r sortedRow) values(sorted bool) []*string {
	uid := r.e.uid
	if !sorted {
		return []*string{&uid}
	}
	v := r.val
	return []*string{&v, &uid}
}

// handleByQuery is GET /entities/by-query: {items, totalItems, pageInfo}
// with keyset cursors, ordered by orderField (entities without it left
// out) or by uid.
func (s *Server) handleByQuery(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	fields, err := parseFields(q["fields"], nil)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	limit := defaultQueryLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeCatalogError(w, r, http.StatusBadRequest, "InputError", "Invalid limit, must be zero or greater")
			return
		}
		limit = n
	}
	var cur queryCursor
	initial := true
	excludeTotal := false
	offset := 0
	if c := q.Get("cursor"); c != "" {
		b, err := base64.StdEncoding.DecodeString(c)
		if err == nil {
			err = json.Unmarshal(b, &cur)
		}
		if err != nil || cur.OrderFieldValues == nil {
			writeCatalogError(w, r, http.StatusBadRequest, "InputError", "Malformed cursor: could not be parsed")
			return
		}
		initial = false
	} else {
		cur.Filter = q["filter"]
		for _, of := range q["orderField"] {
			field, order, _ := strings.Cut(of, ",")
			if order == "" {
				order = "asc"
			}
			if order != "asc" && order != "desc" {
				writeCatalogError(w, r, http.StatusBadRequest, "InputError", "Invalid order field order, must be asc or desc")
				return
			}
			cur.OrderFields = append(cur.OrderFields, orderField{Field: field, Order: order})
		}
		if term := strings.TrimSpace(q.Get("fullTextFilterTerm")); term != "" {
			ft := &fullTextFilter{Term: term}
			for _, p := range q["fullTextFilterFields"] {
				for _, f := range strings.Split(p, ",") {
					if f = strings.TrimSpace(f); f != "" {
						ft.Fields = append(ft.Fields, f)
					}
				}
			}
			cur.FullTextFilter = ft
		}
		switch tm := q.Get("totalItems"); tm {
		case "", "include":
		case "exclude":
			excludeTotal = true
		default:
			writeCatalogError(w, r, http.StatusBadRequest, "InputError",
				"Invalid totalItems parameter \""+tm+"\", expected one of: include, exclude")
			return
		}
		if v := q.Get("offset"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				writeCatalogError(w, r, http.StatusBadRequest, "InputError", "Invalid offset, must be zero or greater")
				return
			}
			offset = n
		}
	}
	f, err := parseFilter(cur.Filter)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	var sortKey string
	desc := false
	if len(cur.OrderFields) > 0 {
		sortKey = strings.ToLower(cur.OrderFields[0].Field)
		desc = cur.OrderFields[0].Order == "desc"
	}
	var ftTerm string
	var ftFields []string
	if cur.FullTextFilter != nil {
		ftTerm = strings.ToLower(strings.TrimSpace(cur.FullTextFilter.Term))
		for _, fld := range cur.FullTextFilter.Fields {
			ftFields = append(ftFields, strings.ToLower(fld))
		}
		if len(ftFields) == 0 {
			if sortKey != "" {
				ftFields = []string{sortKey}
			} else {
				ftFields = []string{"metadata.uid"}
			}
		}
	}

	snap := s.snap.Load()
	cf := f.compile(snap.table)
	var ftKeys []uint32
	for _, fld := range ftFields {
		if id, ok := snap.table.lookup(fld); ok {
			ftKeys = append(ftKeys, id)
		}
	}
	less := func(a, b sortedRow) bool {
		if sortKey != "" && a.val != b.val {
			return (a.val < b.val) != desc
		}
		return (a.e.uid < b.e.uid) != desc
	}
	var order []sortedRow
	if sortKey != "" {
		order = snap.sortedBy(sortKey)
	} else {
		order = snap.uidOrder()
	}
	// The matching rows in response order, as a view: the cached order
	// itself when nothing is filtered out, else indexes into it.
	n := len(order)
	at := func(i int) sortedRow {
		if desc {
			return order[len(order)-1-i]
		}
		return order[i]
	}
	if !cf.all || ftTerm != "" {
		idx := make([]int32, 0, 64)
		for i := range order {
			j := i
			if desc {
				j = len(order) - 1 - i
			}
			e := order[j].e
			if cf.match(e) && (ftTerm == "" || snap.fullTextMatch(e, ftKeys, ftTerm)) {
				idx = append(idx, int32(j))
			}
		}
		n = len(idx)
		at = func(i int) sortedRow { return order[idx[i]] }
	}

	total := n
	if cur.TotalItems != nil {
		total = *cur.TotalItems
	} else if excludeTotal {
		total = 0
	}
	// pivot is the row the cursor points at.
	pivot := func() (sortedRow, bool) {
		v := cur.OrderFieldValues
		if sortKey != "" && len(v) == 2 && v[0] != nil && v[1] != nil {
			return sortedRow{e: &served{uid: *v[1]}, val: *v[0]}, true
		}
		if len(v) == 1 && v[0] != nil {
			return sortedRow{e: &served{uid: *v[0]}}, true
		}
		return sortedRow{}, false
	}
	var start, end int
	hasMore := false
	switch {
	case initial:
		start = min(offset, n)
		end = min(start+limit, n)
		hasMore = limit > 0 && n > end
	case !cur.IsPrevious:
		if p, ok := pivot(); ok {
			start = sort.Search(n, func(i int) bool { return less(p, at(i)) })
		}
		end = min(start+limit, n)
		hasMore = limit > 0 && n > end
	default:
		end = n
		if p, ok := pivot(); ok {
			end = sort.Search(n, func(i int) bool { return !less(at(i), p) })
		}
		start = max(end-limit, 0)
		hasMore = limit > 0
	}
	page := make([]sortedRow, 0, end-start)
	for i := start; i < end; i++ {
		page = append(page, at(i))
	}

	meta := struct {
		TotalItems int               `json:"totalItems"`
		PageInfo   map[string]string `json:"pageInfo"`
	}{TotalItems: total, PageInfo: map[string]string{}}
	sorted := sortKey != ""
	if len(page) > 0 {
		first := cur.FirstSortFieldValues
		if first == nil {
			first = page[0].values(sorted)
		}
		t := total
		if hasMore {
			next := cur
			next.OrderFieldValues = page[len(page)-1].values(sorted)
			next.FirstSortFieldValues = first
			next.IsPrevious = false
			next.TotalItems = &t
			meta.PageInfo["nextCursor"] = encodeCursor(next)
		}
		if cur.FirstSortFieldValues != nil && !sameValues(page[0].values(sorted), cur.FirstSortFieldValues) {
			prev := cur
			prev.OrderFieldValues = page[0].values(sorted)
			prev.IsPrevious = true
			prev.TotalItems = &t
			meta.PageInfo["prevCursor"] = encodeCursor(prev)
		}
	}
	tail, err := json.Marshal(meta)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	ents := make([]*served, len(page))
	for i := range page {
		ents[i] = page[i].e
	}
	// {"items":[...],"totalItems":N,"pageInfo":{...}}
	if err := writeEntityArray(w, ents, fields, `{"items":`, ","+string(tail[1:])); err != nil {
		writeErr(w, r, err)
	}
}

func (s *snapshot) fullTextMatch(e *served, keys []uint32, term string) bool {
	for _, rw := range e.rows {
		if rw.val == nullID {
			continue
		}
		for _, k := range keys {
			if rw.key == k && strings.Contains(s.table.str(rw.val), term) {
				return true
			}
		}
	}
	return false
}

// maxSortCache bounds how many sort orders a snapshot keeps.
const maxSortCache = 32

// sortedBy returns the entities having key, ascending by (value, uid);
// orders are computed once per snapshot and key.
func (s *snapshot) sortedBy(key string) []sortedRow {
	s.sortMu.Lock()
	defer s.sortMu.Unlock()
	if rows, ok := s.sortCache[key]; ok {
		return rows
	}
	rows := make([]sortedRow, 0, len(s.byUID))
	for _, e := range s.byUID {
		if v, ok := s.value(e, key); ok {
			rows = append(rows, sortedRow{e: e, val: v})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].val != rows[j].val {
			return rows[i].val < rows[j].val
		}
		return rows[i].e.uid < rows[j].e.uid
	})
	if s.sortCache == nil {
		s.sortCache = map[string][]sortedRow{}
	}
	if len(s.sortCache) < maxSortCache {
		s.sortCache[key] = rows
	}
	return rows
}

// uidOrder returns all entities ascending by uid.
func (s *snapshot) uidOrder() []sortedRow {
	return s.sortedByUID()
}

func sameValues(a, b []*string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if (a[i] == nil) != (b[i] == nil) || (a[i] != nil && *a[i] != *b[i]) {
			return false
		}
	}
	return true
}

func encodeCursor(c queryCursor) string {
	b, _ := json.Marshal(c)
	return base64.StdEncoding.EncodeToString(b)
}

func (s *snapshot) sortedByUID() []sortedRow {
	s.sortMu.Lock()
	defer s.sortMu.Unlock()
	if s.uidRows == nil {
		s.uidRows = make([]sortedRow, len(s.byUID))
		for i, e := range s.byUID {
			s.uidRows[i] = sortedRow{e: e}
		}
	}
	return s.uidRows
}

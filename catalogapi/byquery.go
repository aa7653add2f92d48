package catalogapi

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
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
// byQuery is a parsed GET /entities/by-query request: either a first page
// (filter, order, full-text filter, offset) or a cursor carrying them.
type byQuery struct {
	cur          queryCursor
	initial      bool // no cursor: offset applies
	offset       int
	limit        int
	excludeTotal bool
	fields       []string
	filter       filter
	sortKey      string // lowercased first order field; "" orders by uid
	desc         bool
	ftTerm       string   // lowercased full-text term; "" for none
	ftFields     []string // lowercased fields the term is searched in
}

// handleByQuery is GET /entities/by-query: parse, select, page, encode.
func (a *API) handleByQuery(w http.ResponseWriter, r *http.Request) {
	bq, err := parseByQuery(r.URL.Query())
	if err != nil {
		writeErr(w, r, err)
		return
	}
	sel := a.selectRows(bq)
	page, meta := bq.page(sel)
	if err := encodeByQuery(w, page, meta, bq.fields); err != nil {
		writeErr(w, r, err)
	}
}

// parseByQuery reads the query parameters; errors are *inputError with
// the catalog's messages.
func parseByQuery(q url.Values) (*byQuery, error) {
	fields, err := parseFields(q["fields"], nil)
	if err != nil {
		return nil, err
	}
	bq := &byQuery{fields: fields, limit: defaultQueryLimit, initial: true}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, inputErrorf("Invalid limit, must be zero or greater")
		}
		bq.limit = n
	}
	cur := &bq.cur
	if c := q.Get("cursor"); c != "" {
		b, err := base64.StdEncoding.DecodeString(c)
		if err == nil {
			err = json.Unmarshal(b, cur)
		}
		if err != nil || cur.OrderFieldValues == nil {
			return nil, inputErrorf("Malformed cursor: could not be parsed")
		}
		bq.initial = false
	} else {
		cur.Filter = q["filter"]
		for _, of := range q["orderField"] {
			field, order, _ := strings.Cut(of, ",")
			if order == "" {
				order = "asc"
			}
			if order != "asc" && order != "desc" {
				return nil, inputErrorf("Invalid order field order, must be asc or desc")
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
			bq.excludeTotal = true
		default:
			return nil, inputErrorf("%s", "Invalid totalItems parameter \""+tm+"\", expected one of: include, exclude")
		}
		if v := q.Get("offset"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, inputErrorf("Invalid offset, must be zero or greater")
			}
			bq.offset = n
		}
	}
	if bq.filter, err = parseFilter(cur.Filter); err != nil {
		return nil, err
	}
	if len(cur.OrderFields) > 0 {
		bq.sortKey = strings.ToLower(cur.OrderFields[0].Field)
		bq.desc = cur.OrderFields[0].Order == "desc"
	}
	if cur.FullTextFilter != nil {
		bq.ftTerm = strings.ToLower(strings.TrimSpace(cur.FullTextFilter.Term))
		for _, fld := range cur.FullTextFilter.Fields {
			bq.ftFields = append(bq.ftFields, strings.ToLower(fld))
		}
		if len(bq.ftFields) == 0 {
			if bq.sortKey != "" {
				bq.ftFields = []string{bq.sortKey}
			} else {
				bq.ftFields = []string{"metadata.uid"}
			}
		}
	}
	return bq, nil
}

// selection is the rows matching a query in response order, as a view: the
// cached order itself when nothing is filtered out, else indexes into it.
type selection struct {
	n  int
	at func(i int) sortedRow
}

// selectRows applies the query's filter and full-text filter to the
// entities in its order.
func (a *API) selectRows(bq *byQuery) selection {
	cf := bq.filter.compile(a.table)
	var ftKeys []uint32
	for _, fld := range bq.ftFields {
		if id, ok := a.table.lookup(fld); ok {
			ftKeys = append(ftKeys, id)
		}
	}
	var order []sortedRow
	if bq.sortKey != "" {
		order = a.sortedBy(bq.sortKey)
	} else {
		order = a.uidOrder()
	}
	pos := func(i int) int {
		if bq.desc {
			return len(order) - 1 - i
		}
		return i
	}
	if cf.all && bq.ftTerm == "" {
		return selection{n: len(order), at: func(i int) sortedRow { return order[pos(i)] }}
	}
	idx := make([]int32, 0, 64)
	for i := range order {
		j := pos(i)
		e := order[j].e
		if cf.match(e) && (bq.ftTerm == "" || a.fullTextMatch(e, ftKeys, bq.ftTerm)) {
			idx = append(idx, int32(j))
		}
	}
	return selection{n: len(idx), at: func(i int) sortedRow { return order[idx[i]] }}
}

// pageMeta is the by-query response besides its items.
type pageMeta struct {
	TotalItems int               `json:"totalItems"`
	PageInfo   map[string]string `json:"pageInfo"`
}

// page cuts the selection at the offset or cursor and builds the cursors
// of the neighbouring pages.
func (bq *byQuery) page(sel selection) ([]*served, pageMeta) {
	cur, n := bq.cur, sel.n
	less := func(a, b sortedRow) bool {
		if bq.sortKey != "" && a.val != b.val {
			return (a.val < b.val) != bq.desc
		}
		return (a.e.uid < b.e.uid) != bq.desc
	}
	total := n
	if cur.TotalItems != nil {
		total = *cur.TotalItems
	} else if bq.excludeTotal {
		total = 0
	}
	// pivot is the row the cursor points at.
	pivot := func() (sortedRow, bool) {
		v := cur.OrderFieldValues
		if bq.sortKey != "" && len(v) == 2 && v[0] != nil && v[1] != nil {
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
	case bq.initial:
		start = min(bq.offset, n)
		end = min(start+bq.limit, n)
		hasMore = bq.limit > 0 && n > end
	case !cur.IsPrevious:
		if p, ok := pivot(); ok {
			start = sort.Search(n, func(i int) bool { return less(p, sel.at(i)) })
		}
		end = min(start+bq.limit, n)
		hasMore = bq.limit > 0 && n > end
	default:
		end = n
		if p, ok := pivot(); ok {
			end = sort.Search(n, func(i int) bool { return !less(sel.at(i), p) })
		}
		start = max(end-bq.limit, 0)
		hasMore = bq.limit > 0
	}
	meta := pageMeta{TotalItems: total, PageInfo: map[string]string{}}
	if start >= end {
		return nil, meta
	}
	sorted := bq.sortKey != ""
	firstRow, lastRow := sel.at(start), sel.at(end-1)
	first := cur.FirstSortFieldValues
	if first == nil {
		first = firstRow.values(sorted)
	}
	if hasMore {
		next := cur
		next.OrderFieldValues = lastRow.values(sorted)
		next.FirstSortFieldValues = first
		next.IsPrevious = false
		next.TotalItems = &total
		meta.PageInfo["nextCursor"] = encodeCursor(next)
	}
	if cur.FirstSortFieldValues != nil && !sameValues(firstRow.values(sorted), cur.FirstSortFieldValues) {
		prev := cur
		prev.OrderFieldValues = firstRow.values(sorted)
		prev.IsPrevious = true
		prev.TotalItems = &total
		meta.PageInfo["prevCursor"] = encodeCursor(prev)
	}
	page := make([]*served, 0, end-start)
	for i := start; i < end; i++ {
		page = append(page, sel.at(i).e)
	}
	return page, meta
}

// encodeByQuery writes {"items":[...],"totalItems":N,"pageInfo":{...}}.
func encodeByQuery(w http.ResponseWriter, page []*served, meta pageMeta, fields []string) error {
	tail, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("encode page info: %w", err)
	}
	return writeEntityArray(w, page, fields, `{"items":`, ","+string(tail[1:]))
}

func (s *API) fullTextMatch(e *served, keys []uint32, term string) bool {
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
func (s *API) sortedBy(key string) []sortedRow {
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
func (s *API) uidOrder() []sortedRow {
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

func (s *API) sortedByUID() []sortedRow {
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

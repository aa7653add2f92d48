package githubsync

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"unicode/utf8"

	"github.com/google/go-github/v60/github"

	"github.com/pathwaysync/pathwaysync/internal/gitobj"
)

// DefaultTreeRequestBytes is the default Options.TreeRequestBytes: the
// most bytes one POST git/trees body may hold. github.com answers 422
// "too large to process" or 502 from bodies of about 2.5 MB (see
// docs/operations.md), so 1 MiB leaves room for a slow day.
const DefaultTreeRequestBytes = 1 << 20

// minTreeRequestBytes is the smallest budget halving reaches; below it a
// body is cut only to one entry.
const minTreeRequestBytes = 16 << 10

// treeChange is one path of the new tree: its content, or a deletion.
type treeChange struct {
	path string // from the repository root
	rel  string // relative to Options.Path, to read the content
	size int    // the content's size
	del  bool
	sha  string // the uploaded blob, set instead of sending the content inline
}

// treeFrom returns the tree to build the new one on and the changes to
// write on it. That is the base root tree with every change of pl, unless
// those are more than one create-tree body and the open PR's head (ours:
// the branch is force-updated) already holds most of them, as when a
// large first sync is updated before it is merged: then the head's
// managed folder is grafted onto the base root tree (one small request)
// and only the changes from the head are sent. Either way the tree is
// the base's with the desired folder, so the commit is the same.
func (p *Publisher) treeFrom(ctx context.Context, s *state, want *desired, pl *plan) (string, []treeChange, error) {
	budget := p.o.TreeRequestBytes
	if budget <= 0 {
		budget = DefaultTreeRequestBytes
	}
	changes, size := p.changes(want, budget, pl.Added, pl.Modified, pl.Deleted)
	if pl.Writes.Branch != branchForce || s.Open == nil || size <= budget {
		return s.BaseTree, changes, nil
	}
	head := s.HeadFiles
	if head == nil {
		var err error
		if head, err = p.readSubtree(ctx, s.Open.Head, want); err != nil {
			return "", nil, err
		}
	}
	blobs := make(map[string]string, len(head))
	for path, b := range head {
		if b.Mode != "100644" {
			return s.BaseTree, changes, nil // rare: not worth a second path
		}
		blobs[path] = b.SHA
	}
	added, modified, deleted := diffFiles(head, want.blobs)
	fromHead, headSize := p.changes(want, budget, added, modified, deleted)
	if len(head) == 0 || headSize > size/2 {
		return s.BaseTree, changes, nil
	}
	folder := gitobj.Folders(blobs)[""].SHA
	var body bytes.Buffer
	body.WriteString(`{"base_tree":`)
	body.Write(jsonString(s.BaseTree))
	body.WriteString(`,"tree":[{"path":`)
	body.Write(jsonString(p.o.Path))
	body.WriteString(`,"mode":"040000","type":"tree","sha":`)
	body.Write(jsonString(folder))
	body.WriteString(`}]}`)
	grafted, err := p.api.createTreeBody(ctx, body.Bytes(), true)
	if err != nil {
		return "", nil, err
	}
	p.log.Debug("building on the open pull request's folder", "changes", len(fromHead), "instead_of", len(changes))
	return grafted, fromHead, nil
}

// changes lists the tree changes of the given paths and the bytes of
// content they send inline (a file over the budget costs a blob upload
// whatever the tree is built on).
func (p *Publisher) changes(want *desired, budget int, added, modified, deleted []string) ([]treeChange, int) {
	out := make([]treeChange, 0, len(added)+len(modified)+len(deleted))
	size := 0
	for _, list := range [][]string{added, modified} {
		for _, path := range list {
			c := treeChange{path: p.o.Path + "/" + path, rel: path, size: want.sizes[path]}
			if treeEntrySize(&c) <= budget-64 {
				size += c.size
			}
			out = append(out, c)
		}
	}
	for _, path := range deleted {
		out = append(out, treeChange{path: p.o.Path + "/" + path, del: true})
	}
	return out, size
}

// buildTree writes changes on top of tree base and returns the new root
// tree. Changes are sent inline in as few POST git/trees as the budget
// allows, each based on the tree the previous one made, so that only the
// last tree is committed: the requests grow with the bytes that changed,
// never with the folder. A body GitHub refuses as too large (422 "too
// large to process", or a 502/503/504) is not sent again: the budget is
// halved and the same changes are sent in smaller bodies (a single small
// entry refused so is sent again with the usual retries); a single file
// too large for any body, or not valid UTF-8 (JSON strings cannot carry
// it), is uploaded as a blob first and referenced by SHA. Contents are
// read from want one at a time, as they are written into a body.
func (p *Publisher) buildTree(ctx context.Context, base string, want *desired, changes []treeChange) (string, error) {
	budget := p.o.TreeRequestBytes
	if budget <= 0 {
		budget = DefaultTreeRequestBytes
	}
	tree := base
	var body bytes.Buffer
	var entry []byte
	for i := 0; i < len(changes); {
		body.Reset()
		body.WriteString(`{"base_tree":`)
		body.Write(jsonString(tree))
		body.WriteString(`,"tree":[`)
		n := 0
		for i+n < len(changes) {
			c := &changes[i+n]
			var data []byte
			if c.sha == "" && !c.del {
				var err error
				if data, err = want.read(c.rel); err != nil {
					return "", err
				}
				if !utf8.Valid(data) || treeEntrySize(c) > budget-64 {
					if c.sha, err = p.api.createBlobBody(ctx, data); err != nil {
						return "", err
					}
				}
			}
			entry = appendTreeEntry(entry[:0], c, data)
			if n > 0 && body.Len()+1+len(entry)+2 > budget {
				break
			}
			if n > 0 {
				body.WriteByte(',')
			}
			body.Write(entry)
			n++
		}
		body.WriteString("]}")
		sha, err := p.api.createTreeBody(ctx, body.Bytes(), false)
		switch {
		case err == nil:
			tree, i = sha, i+n
		case !treeTooLarge(err):
			return "", err
		case n > 1:
			budget = max(body.Len()/2, minTreeRequestBytes)
			p.log.Info("create-tree body too large, sending smaller ones", "bytes", body.Len(), "budget", budget)
		case changes[i].sha == "" && !changes[i].del:
			// One file alone is too much for a tree body: upload its blob.
			data, err := want.read(changes[i].rel)
			if err != nil {
				return "", err
			}
			if changes[i].sha, err = p.api.createBlobBody(ctx, data); err != nil {
				return "", err
			}
		default:
			// One small entry: not its size, GitHub is unwell. Retry it as
			// any request.
			if tree, err = p.api.createTreeBody(ctx, body.Bytes(), true); err != nil {
				return "", err
			}
			i++
		}
	}
	return tree, nil
}

// treeTooLarge reports whether err is GitHub refusing a create-tree body
// for its size: 422 "too large to process" or a gateway error.
func treeTooLarge(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Status {
	case http.StatusUnprocessableEntity:
		return errMessage(err, "too large to process")
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// appendTreeEntry appends the JSON of c, with content data unless it is
// a deletion or an uploaded blob, as a POST git/trees entry.
func appendTreeEntry(dst []byte, c *treeChange, data []byte) []byte {
	dst = append(dst, `{"path":`...)
	dst = append(dst, jsonString(c.path)...)
	dst = append(dst, `,"mode":"100644","type":"blob",`...)
	switch {
	case c.del:
		dst = append(dst, `"sha":null`...)
	case c.sha != "":
		dst = append(dst, `"sha":"`...)
		dst = append(dst, c.sha...)
		dst = append(dst, '"')
	default:
		dst = append(dst, `"content":`...)
		dst = append(dst, jsonString(string(data))...)
	}
	return append(dst, '}')
}

// treeEntrySize is about the size of c's entry: the content's escapes
// are not counted, so a file near the budget may go alone in a body
// somewhat over it (and be uploaded as a blob if GitHub refuses it).
func treeEntrySize(c *treeChange) int {
	return len(c.path) + c.size + 80
}

// jsonString is s as a JSON string, HTML characters unescaped.
func jsonString(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(fmt.Sprintf("encode string: %v", err)) // a string always encodes
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// createTreeBody sends body, a whole POST git/trees request. Unless
// retry, a 502 or 504 (GitHub's answers to a body too large) is returned
// rather than retried: buildTree answers it with smaller bodies rather
// than the same one again. Other 5xx are retried as any request's.
func (a repoAPI) createTreeBody(ctx context.Context, body []byte, retry bool) (string, error) {
	if !retry {
		ctx = withoutServerRetry(ctx)
	}
	var t github.Tree
	err := a.c.call(ctx, "create tree", true, func() (*github.Response, error) {
		return a.post(ctx, "git/trees", body, &t)
	})
	if err != nil {
		return "", err
	}
	return t.GetSHA(), nil
}

// bodyReader is a request body that retryablehttp rewinds with Seek
// instead of reading it into a copy.
type bodyReader struct{ *bytes.Reader }

func (bodyReader) Close() error { return nil }

// createBlobBody uploads data as a blob, the body written once in base64
// and sent as a rewindable reader: a file too large for a tree body costs
// one copy of itself (4/3 its size), not go-github's several.
func (a repoAPI) createBlobBody(ctx context.Context, data []byte) (string, error) {
	var body bytes.Buffer
	body.Grow(base64.StdEncoding.EncodedLen(len(data)) + 40)
	body.WriteString(`{"encoding":"base64","content":"`)
	enc := base64.NewEncoder(base64.StdEncoding, &body)
	_, _ = enc.Write(data) // a bytes.Buffer does not fail
	_ = enc.Close()
	body.WriteString(`"}`)
	var b github.Blob
	err := a.c.call(ctx, "create blob", true, func() (*github.Response, error) {
		return a.post(ctx, "git/blobs", body.Bytes(), &b)
	})
	if err != nil {
		return "", err
	}
	return b.GetSHA(), nil
}

// post sends body, a whole JSON request, to the repository's route as
// it is: a rewindable reader over the bytes, so a retry sends them again
// without a copy.
func (a repoAPI) post(ctx context.Context, route string, body []byte, v any) (*github.Response, error) {
	req, err := a.c.gh.NewRequest(http.MethodPost, "repos/"+a.owner+"/"+a.name+"/"+route, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Body, req.ContentLength = bodyReader{bytes.NewReader(body)}, int64(len(body))
	req.GetBody = func() (io.ReadCloser, error) { return bodyReader{bytes.NewReader(body)}, nil }
	return a.c.gh.Do(ctx, req, v)
}

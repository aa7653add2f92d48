package ghemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestCommentsPagedAndLostAnswer: PR comments are listed oldest first in
// pages with GitHub's Link header, and FaultLoseAnswer creates the
// comment but drops the connection before the answer.
func TestCommentsPagedAndLostAnswer(t *testing.T) {
	e := New()
	defer e.Close()
	e.CreateRepo("o/r", "main")
	if _, err := e.Commit("o/r", "main", map[string][]byte{"a": []byte("a")}, "seed\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Commit("o/r", "topic", map[string][]byte{"a": []byte("b")}, "topic\n"); err != nil {
		t.Fatal(err)
	}
	do := func(method, path string, body any) (*http.Response, error) {
		raw, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, e.URL()+path, bytes.NewReader(raw))
		return http.DefaultClient.Do(req)
	}
	if resp, err := do("POST", "repos/o/r/pulls", map[string]any{"title": "t", "head": "topic", "base": "main"}); err != nil || resp.StatusCode != 201 {
		t.Fatalf("create PR: %v %v", err, resp)
	}
	for i := range 5 {
		if resp, err := do("POST", "repos/o/r/issues/1/comments", map[string]any{"body": fmt.Sprint("c", i)}); err != nil || resp.StatusCode != 201 {
			t.Fatalf("comment: %v %v", err, resp)
		}
	}
	e.Inject(Fault{Route: "POST /repos/{owner}/{repo}/issues/{number}/comments", Kind: FaultLoseAnswer})
	if resp, err := do("POST", "repos/o/r/issues/1/comments", map[string]any{"body": "lost"}); err == nil {
		t.Fatalf("answer arrived: %v", resp.Status)
	}
	resp, err := do("GET", "repos/o/r/issues/1/comments?per_page=2&page=3", nil)
	if err != nil {
		t.Fatal(err)
	}
	var page []struct {
		ID   int    `json:"id"`
		Body string `json:"body"`
	}
	json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()
	link := resp.Header.Get("Link")
	if len(page) != 2 || page[0].Body != "c4" || page[1].Body != "lost" || page[0].ID >= page[1].ID ||
		!strings.Contains(link, `per_page=2&page=2>; rel="prev"`) || strings.Contains(link, `rel="last"`) {
		t.Errorf("page 3: %+v, Link %q", page, link)
	}
	resp, _ = do("GET", "repos/o/r/issues/1/comments?per_page=2", nil)
	resp.Body.Close()
	if link := resp.Header.Get("Link"); !strings.Contains(link, `page=2>; rel="next"`) || !strings.Contains(link, `page=3>; rel="last"`) {
		t.Errorf("page 1 Link %q", link)
	}
}

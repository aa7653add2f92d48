package daemon

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// readiness returns "" when ready, else the reason.
func (s *Server) readiness() string {
	s.mu.Lock()
	lastOK, lastErr := s.lastOK, s.lastErr
	s.mu.Unlock()
	if lastOK.IsZero() {
		if lastErr != "" {
			return "no successful sync yet; last error: " + lastErr
		}
		return "no successful sync yet"
	}
	if age := s.now().Sub(lastOK); s.opts.ReadyMaxAge > 0 && age > s.opts.ReadyMaxAge {
		reason := fmt.Sprintf("last successful sync %s ago exceeds server.ready_max_age %s", age.Round(time.Second), s.opts.ReadyMaxAge)
		if lastErr != "" {
			reason += "; last error: " + lastErr
		}
		return reason
	}
	return ""
}

// handleReady is GET /readyz: 200 when a sync succeeded within ReadyMaxAge,
// else 503 with the reason.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if reason := s.readiness(); reason != "" {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("not ready: " + reason + "\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

var statusTmpl = template.Must(template.New("status").Funcs(template.FuncMap{
	"ts":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"dur": func(d time.Duration) string { return d.Round(time.Millisecond).String() },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pathwaysync</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}.failure{color:#b00}.success{color:#070}</style>
</head><body>
<h1>pathwaysync</h1>
<p>Status: {{if .Ready}}<span class="success">ready</span>{{else}}<span class="failure">not ready: {{.Reason}}</span>{{end}}
{{- if .Running}} · a sync is running{{end}}</p>
{{with .PR}}{{if .URL}}<p>Pull request: <a href="{{.URL}}">#{{.Number}}</a> ({{.Action}})</p>{{else if .Action}}<p>Last PR action: {{.Action}}</p>{{end}}{{end}}
<h2>Recent syncs</h2>
{{if .History}}<table><tr><th>Sync</th><th>Trigger</th><th>Started</th><th>Duration</th><th>Outcome</th><th>Detail</th></tr>
{{range .History}}<tr><td>{{.ID}}</td><td>{{.Reason}}</td><td>{{ts .Started}}</td><td>{{dur .Duration}}</td><td class="{{.Outcome}}">{{.Outcome}}</td><td>{{if .Error}}{{.Error}}{{else}}{{.Action}}{{if .PRURL}} <a href="{{.PRURL}}">PR</a>{{end}}{{end}}</td></tr>
{{end}}</table>{{else}}<p>No sync has run yet.</p>{{end}}
<h2>Pathways served ({{len .Pathways}})</h2>
{{if .Pathways}}<ul>{{range .Pathways}}<li>{{if .URL}}<a href="{{.URL}}">{{.Title}}</a>{{else}}{{.Title}}{{end}}{{if .Duration}} — {{.Duration}}{{end}}</li>
{{end}}</ul>{{end}}
<p><a href="/api/catalog/entities">entities</a> · <a href="/catalog-info.yaml">catalog-info.yaml</a> · <a href="/api/learning-paths">learning paths</a> · <a href="/metrics">metrics</a></p>
</body></html>
`))

type statusPathway struct {
	Title    string
	URL      string
	Duration string
}

// handleStatus is the HTML status page at /.
func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	reason := s.readiness()
	s.mu.Lock()
	data := struct {
		Ready    bool
		Reason   string
		Running  bool
		PR       prInfo
		History  []syncRecord
		Pathways []statusPathway
	}{Ready: reason == "", Reason: reason, Running: s.running, PR: s.lastPR, History: append([]syncRecord(nil), s.history...)}
	s.mu.Unlock()
	data.Pathways = s.snap.Load().pathways
	var buf bytes.Buffer
	if err := statusTmpl.Execute(&buf, data); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

// safeURL returns u when it is an absolute http(s) URL, else "".
func safeURL(u string) string {
	pu, err := url.Parse(u)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return ""
	}
	return u
}

// pathwayText is the readable text of a pathway (for reading time).
func pathwayText(p *pathway.Pathway) string { return strings.Join(p.Texts(), " ") }

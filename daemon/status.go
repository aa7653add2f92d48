package daemon

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
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
	if age := s.clock.Now().Sub(lastOK); s.opts.ReadyMaxAge > 0 && age > s.opts.ReadyMaxAge {
		reason := fmt.Sprintf("last successful sync %s ago exceeds server.ready_max_age %s", age.Round(time.Second), s.opts.ReadyMaxAge)
		if lastErr != "" {
			reason += "; last error: " + lastErr
		}
		return reason
	}
	return ""
}

// condition describes the last sync's problem for /readyz and the status
// page; "" when the last sync fully succeeded.
func (s *Server) condition() string {
	s.mu.Lock()
	p := s.problem
	s.mu.Unlock()
	switch {
	case p.Reason == "":
		return ""
	case p.Reason == ActionBlocked:
		return "publishing blocked: " + p.Err + "; the entities of the last sync are served"
	case p.Permanent:
		return fmt.Sprintf("last sync failed (%s): %s; no automatic retry: a person must fix this, then the schedule or POST /api/v1/sync syncs again", p.Reason, p.Err)
	default:
		return fmt.Sprintf("last sync failed (%s): %s; retrying at %s", p.Reason, p.Err, timeAttr(p.RetryAt))
	}
}

// handleReady is GET /readyz: 200 while a good sync's entities are served
// (and, with ReadyMaxAge, recent), else 503; the body gives the reason and
// the last sync's problem, which alone never makes the daemon unready.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	cond := s.condition()
	if cond != "" {
		cond += "\n"
	}
	if reason := s.readiness(); reason != "" {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "not ready: "+reason+"\n"+cond)
		return
	}
	_, _ = io.WriteString(w, "ready\n"+cond)
}

var statusTmpl = template.Must(template.New("status").Funcs(template.FuncMap{
	"ts":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"dur": func(d time.Duration) string { return d.Round(time.Millisecond).String() },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pathwaysync</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}.failure,.blocked{color:#b00}.success{color:#070}</style>
</head><body>
<h1>pathwaysync</h1>
<p>Status: {{if .Ready}}<span class="success">ready</span>{{else}}<span class="failure">not ready: {{.Reason}}</span>{{end}}
{{- if .Running}} · a sync is running{{end}}</p>
{{if .Condition}}<p class="failure">{{.Condition}}</p>{{end}}
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
	reason, cond := s.readiness(), s.condition()
	s.mu.Lock()
	data := struct {
		Ready     bool
		Reason    string
		Condition string
		Running   bool
		PR        prInfo
		History   []syncRecord
		Pathways  []statusPathway
	}{Ready: reason == "", Reason: reason, Condition: cond, Running: s.running, PR: s.lastPR, History: append([]syncRecord(nil), s.history...)}
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

package daemon

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/pathwaysync/pathwaysync/catalogapi"
)

// routes builds the server's handler.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{Registry: s.registry}))
	mux.HandleFunc("POST /webhooks/github", s.handleWebhook)
	mux.HandleFunc("POST /api/v1/sync", s.handleManualSync)
	mux.HandleFunc("GET /catalog-info.yaml", s.handleCatalogYAML)
	mux.HandleFunc("GET "+OwnerYAMLPath, s.handleOwnerYAML)
	mux.HandleFunc("GET /api/learning-paths", s.handleLearningPaths)
	mux.Handle(catalogapi.Prefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.snap.Load().api.ServeHTTP(w, r)
	}))
	mux.HandleFunc("GET /{$}", s.handleStatus)
	return mux
}

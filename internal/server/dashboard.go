package server

import (
	"bytes"
	"embed"
	"net/http"
	"path"
)

// web holds the dashboard: hand-written HTML, CSS and JavaScript, no build step.
//
//go:embed web/index.html web/login.html web/app.js web/style.css
var web embed.FS

var assetTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
}

func (s *Server) asset(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { s.serveAsset(w, r, name) }
}

func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	b, err := web.ReadFile("web/" + name)
	if err != nil {
		writeError(w, http.StatusNotFound, "no such file")
		return
	}
	w.Header().Set("Content-Type", assetTypes[path.Ext(name)])
	w.Header().Set("Cache-Control", "no-cache")
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	_, _ = w.Write(b)
}

// serveLoginFailed serves the login form with a fixed notice that the last token was refused;
// nothing from the request is echoed.
func (s *Server) serveLoginFailed(w http.ResponseWriter, r *http.Request) {
	b, err := web.ReadFile("web/login.html")
	if err != nil {
		writeError(w, http.StatusNotFound, "no such file")
		return
	}
	b = bytes.Replace(b, []byte("<!--status-->"), []byte(`<p class="error" id="login-error">That token was not accepted.</p>`), 1)
	w.Header().Set("Content-Type", assetTypes[".html"])
	w.Header().Set("Cache-Control", "no-store")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(b)
}

package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/strata-sec/strata/internal/check"
)

const (
	// maxBodyBytes bounds request bodies: the only body the server reads is the login form.
	maxBodyBytes = 4 << 10
	// maxHeaderBytes bounds request headers.
	maxHeaderBytes = 16 << 10
	// maxURLBytes bounds the request target.
	maxURLBytes = 4 << 10
)

// Options configure a Server.
type Options struct {
	// Source is the live posture; required.
	Source Source
	// Checks are the checks the source runs, for validating the check filter before the first
	// evaluation; the posture's own list is used when nil.
	Checks []*check.Meta
	// History is the posture over time; nil when there is no ledger.
	History History
	// Ledger reports the ledger writer's health; nil when there is no ledger.
	Ledger LedgerHealth
	// Tokens are the accepted bearer tokens; required.
	Tokens *Tokens
	Logger *slog.Logger
	// Heartbeat is the interval of SSE heartbeat comments (default 15s).
	Heartbeat time.Duration
	// RingSize is how many events are kept for reconnecting clients (default 4096).
	RingSize int
	// SessionTTL is how long a dashboard login lasts (default 12h).
	SessionTTL time.Duration
	// SecureCookies marks the session cookie Secure; set it when serving TLS.
	SecureCookies bool
}

// Server serves the API, the event stream, metrics and the dashboard.
type Server struct {
	opts     Options
	log      *slog.Logger
	tokens   *Tokens
	sessions *sessions
	hub      *hub
	metrics  *metrics
	handler  http.Handler

	sortCache sortCache

	subscribed    chan struct{}
	subscribeOnce sync.Once
}

// New builds a server; call Run to feed it the source's changes and Handler or Serve to serve.
func New(opts Options) (*Server, error) {
	if opts.Source == nil {
		return nil, errors.New("server: no posture source")
	}
	if opts.Tokens == nil || len(opts.Tokens.digests) == 0 {
		return nil, errors.New("server: no tokens: every API call must be authenticated")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = 15 * time.Second
	}
	if opts.RingSize <= 0 {
		opts.RingSize = 4096
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	s := &Server{opts: opts, log: opts.Logger, tokens: opts.Tokens, sessions: newSessions(opts.SessionTTL), hub: newHub(opts.RingSize), subscribed: make(chan struct{})}
	s.metrics = newMetrics(s)
	s.handler = s.routes()
	return s, nil
}

// Handler is the server's HTTP handler, with authentication and limits applied.
func (s *Server) Handler() http.Handler { return s.handler }

type route struct {
	h       http.HandlerFunc
	methods []string
	public  bool
	// page routes redirect an unauthenticated browser to the login form instead of a 401.
	page bool
}

func (s *Server) routes() http.Handler {
	get := []string{http.MethodGet, http.MethodHead}
	metricsHandler := promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
	table := map[string]route{
		"/healthz":          {h: s.handleHealthz, methods: get, public: true},
		"/readyz":           {h: s.handleReadyz, methods: get, public: true},
		"/login":            {h: s.handleLogin, methods: []string{http.MethodGet, http.MethodHead, http.MethodPost}, public: true},
		"/logout":           {h: s.handleLogout, methods: []string{http.MethodPost}, public: true},
		"/static/app.js":    {h: s.asset("app.js"), methods: get, public: true},
		"/static/style.css": {h: s.asset("style.css"), methods: get, public: true},
		"/":                 {h: s.asset("index.html"), methods: get, page: true},
		"/metrics":          {h: metricsHandler.ServeHTTP, methods: get},
		"/api/v1/findings":  {h: s.handleFindings, methods: get},
		"/api/v1/posture":   {h: s.handlePosture, methods: get},
		"/api/v1/events":    {h: s.handleEvents, methods: []string{http.MethodGet}},
		"/api/v1/history":   {h: s.handleHistory, methods: get},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			// A handler bug must cost one request, never the process.
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("handler panic", "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				writeError(w, http.StatusInternalServerError, "internal error")
			}
		}()
		securityHeaders(w.Header(), r.TLS != nil)
		if len(r.RequestURI) > maxURLBytes {
			writeError(w, http.StatusRequestURITooLong, "request target too long")
			return
		}
		rt, ok := table[r.URL.Path]
		if !ok {
			writeError(w, http.StatusNotFound, "no such endpoint")
			return
		}
		if !contains(rt.methods, r.Method) {
			methodNotAllowed(w, rt.methods...)
			return
		}
		if r.Method != http.MethodPost {
			// Only the login form has a body; anything else sent is refused unread.
			if r.ContentLength > 0 {
				writeError(w, http.StatusRequestEntityTooLarge, "this endpoint takes no request body")
				return
			}
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		if !rt.public && !s.authenticated(r) {
			if rt.page {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="strata"`)
			writeError(w, http.StatusUnauthorized, "authentication required: send Authorization: Bearer <token> or log in at /login")
			return
		}
		rt.h(w, r)
	})
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// csp allows only the server's own script and style files: no inline script, no third party,
// no framing.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func securityHeaders(h http.Header, tls bool) {
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	// same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts,
	// and the login form's origin check could not tell the dashboard from another site.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if tls {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
}

// TLSFiles are the certificate and key to serve with; both empty serves plain HTTP.
type TLSFiles struct {
	Cert, Key string
}

// CheckListen refuses to serve plain HTTP on anything but a loopback address unless the
// operator said so explicitly: tokens and session cookies would cross the network in clear.
func CheckListen(addr string, tlsOn, insecureHTTP bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--listen %q: %w", addr, err)
	}
	if tlsOn || insecureHTTP || isLoopback(host) {
		return nil
	}
	shown := host
	if shown == "" {
		shown = "every interface"
	}
	return fmt.Errorf("--listen %s: refusing to serve plain HTTP on %s, which is not a loopback address: "+
		"bearer tokens and session cookies would cross the network unencrypted; give --tls-cert and --tls-key, "+
		"or --insecure-http when TLS is terminated in front of strata", addr, shown)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// Serve serves on ln until ctx ends, then shuts down gracefully: event streams are ended and
// in-flight requests get up to ten seconds.
func (s *Server) Serve(ctx context.Context, ln net.Listener, tf TLSFiles) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Event streams extend their own write deadline per write; other responses are small.
		WriteTimeout:   0,
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: maxHeaderBytes,
		ErrorLog:       slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		BaseContext:    func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if tf.Cert != "" || tf.Key != "" {
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	errc := make(chan error, 1)
	go func() {
		if srv.TLSConfig != nil {
			errc <- srv.ServeTLS(ln, tf.Cert, tf.Key)
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.hub.close()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

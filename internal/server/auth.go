package server

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

const (
	// minTokenLen keeps guessable tokens out: 16 characters of a random token are already
	// beyond online guessing.
	minTokenLen = 16
	maxTokenLen = 4096
	// maxTokens and maxTokenFile bound the token file a server reads at start.
	maxTokens    = 1000
	maxTokenFile = 1 << 20
	// maxSessions bounds the session map, so a client logging in in a loop cannot grow it.
	maxSessions = 10000
	// sessionCookie names the dashboard's session cookie.
	sessionCookie = "strata_session"
)

// Tokens are the bearer tokens the server accepts. Only their SHA-256 digests are kept, so
// every comparison is between equal-length values and runs in constant time.
type Tokens struct {
	digests [][sha256.Size]byte
}

// ParseTokens reads one token per line; blank lines and lines starting with # are ignored.
// name is used in errors ("tokens.txt:3: ...").
func ParseTokens(name string, data []byte) (*Tokens, error) {
	if len(data) > maxTokenFile {
		return nil, fmt.Errorf("%s: token file is larger than %d bytes", name, maxTokenFile)
	}
	t := &Tokens{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxTokenLen+2)
	for line := 1; sc.Scan(); line++ {
		tok := strings.TrimSpace(sc.Text())
		if tok == "" || strings.HasPrefix(tok, "#") {
			continue
		}
		switch {
		case len(tok) < minTokenLen:
			return nil, fmt.Errorf("%s:%d: token is shorter than %d characters", name, line, minTokenLen)
		case strings.ContainsFunc(tok, func(r rune) bool { return r <= ' ' || r == 0x7f }):
			return nil, fmt.Errorf("%s:%d: token contains white space or control characters", name, line)
		case len(t.digests) == maxTokens:
			return nil, fmt.Errorf("%s:%d: more than %d tokens", name, line, maxTokens)
		}
		t.digests = append(t.digests, sha256.Sum256([]byte(tok)))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w (a token is at most %d characters)", name, err, maxTokenLen)
	}
	if len(t.digests) == 0 {
		return nil, fmt.Errorf("%s: no tokens (one token per line)", name)
	}
	return t, nil
}

// LoadTokens reads a token file.
func LoadTokens(path string) (*Tokens, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read token file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxTokenFile+1))
	if err != nil {
		return nil, fmt.Errorf("read token file %s: %w", path, err)
	}
	return ParseTokens(path, data)
}

// Valid reports whether tok is one of the tokens. Every token is compared, so the time taken
// does not say which one matched or how far a guess got.
func (t *Tokens) Valid(tok string) bool {
	if t == nil || tok == "" || len(tok) > maxTokenLen {
		return false
	}
	d := sha256.Sum256([]byte(tok))
	ok := 0
	for i := range t.digests {
		ok |= subtle.ConstantTimeCompare(d[:], t.digests[i][:])
	}
	return ok == 1
}

// sessions are the dashboard's logged-in browsers: random IDs with an expiry, kept in memory
// (a restart logs everyone out).
type sessions struct {
	mu  sync.Mutex
	ttl time.Duration
	now func() time.Time
	m   map[string]time.Time
}

func newSessions(ttl time.Duration) *sessions {
	return &sessions{ttl: ttl, now: time.Now, m: map[string]time.Time{}}
}

// create starts a session and returns its ID, or an error when the table is full.
func (s *sessions) create() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("session id: %w", err)
	}
	id := hex.EncodeToString(b)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if len(s.m) >= maxSessions {
		for k, exp := range s.m {
			if now.After(exp) {
				delete(s.m, k)
			}
		}
		if len(s.m) >= maxSessions {
			return "", fmt.Errorf("too many sessions")
		}
	}
	s.m[id] = now.Add(s.ttl)
	return id, nil
}

func (s *sessions) valid(id string) bool {
	if len(id) != 64 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.m[id]
	if ok && s.now().After(exp) {
		delete(s.m, id)
		return false
	}
	return ok
}

func (s *sessions) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}

// authenticated reports whether r carries a valid bearer token or session cookie.
func (s *Server) authenticated(r *http.Request) bool {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		return ok && strings.EqualFold(scheme, "Bearer") && s.tokens.Valid(strings.TrimSpace(tok))
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return s.sessions.valid(c.Value)
	}
	return false
}

// handleLogin serves the login form (GET) and exchanges a token for a session cookie (POST).
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		if _, failed := r.URL.Query()["failed"]; failed {
			s.serveLoginFailed(w, r)
			return
		}
		s.serveAsset(w, r, "login.html")
		return
	}
	if !sameOrigin(r) {
		writeError(w, http.StatusForbidden, "login from another origin")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, "login form: "+err.Error())
		return
	}
	if !s.tokens.Valid(strings.TrimSpace(r.PostForm.Get("token"))) {
		// A short fixed pause makes online guessing slower without a lockout an attacker could
		// use to keep operators out.
		time.Sleep(200 * time.Millisecond)
		http.Redirect(w, r, "/login?failed=1", http.StatusSeeOther)
		return
	}
	id, err := s.sessions.create()
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: s.opts.SecureCookies, MaxAge: int(s.opts.SessionTTL / time.Second),
	})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// handleLogout ends the session of the cookie it is sent with.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, http.MethodPost)
		return
	}
	if !sameOrigin(r) {
		writeError(w, http.StatusForbidden, "logout from another origin")
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.sessions.end(c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.opts.SecureCookies})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// sameOrigin rejects form posts a browser sends from another site; requests without an
// Origin header (curl, old browsers) are let through, as they carry no ambient session.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	host := strings.TrimPrefix(strings.TrimPrefix(o, "https://"), "http://")
	return host == r.Host
}

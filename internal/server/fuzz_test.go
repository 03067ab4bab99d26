package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzRequest feeds arbitrary methods, targets, headers and bodies through the handler: it must
// answer every request without a panic or an internal error, and never serve data to a caller
// without the token.
func FuzzRequest(f *testing.F) {
	src := newFakeSource(examplePosture(), true)
	toks, err := ParseTokens("tokens", []byte(testToken))
	if err != nil {
		f.Fatal(err)
	}
	s, err := New(Options{Source: src, Tokens: toks, History: fakeHistory{examplePoints(time.Now())}, Ledger: fakeLedger{}, Heartbeat: time.Millisecond})
	if err != nil {
		f.Fatal(err)
	}
	h := s.Handler()
	for _, seed := range []struct {
		method, target, hdr, body string
		auth                      bool
	}{
		{"GET", "/api/v1/findings?layer=node&severity=high&limit=5", "", "", true},
		{"GET", "/api/v1/findings?check=%ff%fe&namespace=%00", "", "", true},
		{"GET", "/api/v1/events", "Last-Event-ID: 18446744073709551615", "", true},
		{"GET", "/api/v1/events?lastEventID=-1", "", "", true},
		{"GET", "/api/v1/history?since=1ns", "", "", true},
		{"POST", "/login", "Content-Type: application/x-www-form-urlencoded", "token=%zz&token=x", false},
		{"POST", "/login", "Content-Type: multipart/form-data; boundary=x", "--x\r\n", false},
		{"GET", "/metrics", "Authorization: Basic Zm9vOmJhcg==", "", false},
		{"GET", "/", "Cookie: strata_session=" + strings.Repeat("0", 64), "", false},
		{"OPTIONS", "*", "", "", false},
		{"GET", "/../../etc/passwd", "", "", true},
		{"HEAD", "/static/app.js", "", "", false},
	} {
		f.Add(seed.method, seed.target, seed.hdr, seed.body, seed.auth)
	}
	f.Fuzz(func(t *testing.T, method, target, hdr, body string, auth bool) {
		var raw bytes.Buffer
		raw.WriteString(method + " " + target + " HTTP/1.1\r\nHost: strata.test\r\n")
		if auth {
			raw.WriteString("Authorization: Bearer " + testToken + "\r\n")
		}
		if hdr != "" {
			raw.WriteString(hdr + "\r\n")
		}
		raw.WriteString("Content-Length: " + itoa(len(body)) + "\r\n\r\n" + body)
		req, err := http.ReadRequest(bufio.NewReader(&raw))
		if err != nil {
			return // net/http would have refused it before any handler ran
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		req = req.WithContext(ctx)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		res := rec.Result()
		if res.StatusCode >= 500 && res.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("%q %q: status %d: %s", method, target, res.StatusCode, rec.Body.String())
		}
		if res.StatusCode == http.StatusOK && !auth && !strings.Contains(hdr, testToken) {
			switch req.URL.Path {
			case "/healthz", "/readyz", "/login", "/static/app.js", "/static/style.css":
			default:
				t.Fatalf("%q %q served %d without a token", method, target, res.StatusCode)
			}
		}
		if ct := res.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/json") && rec.Body.Len() > 0 && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%q %q: invalid JSON %q", method, target, rec.Body.String())
		}
	})
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

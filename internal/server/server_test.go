package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/watch"
)

func newTestServer(t *testing.T, src *fakeSource, mod func(*Options)) (*Server, *httptest.Server) {
	t.Helper()
	toks, err := ParseTokens("tokens", []byte("# operators\n"+testToken+"\n\nsecond-token-abcdefghijkl\n"))
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Source: src, Tokens: toks, Heartbeat: 200 * time.Millisecond, RingSize: 16}
	if mod != nil {
		mod(&opts)
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Run(ctx) }()
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { cancel(); <-done; hs.Close() })
	// Run subscribes asynchronously; wait for it so that pushed batches are not missed.
	for src.subscribers() == 0 {
		time.Sleep(time.Millisecond)
	}
	return s, hs
}

func get(t *testing.T, hs *httptest.Server, path, token string, into any) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, hs.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if into != nil {
		if err := json.Unmarshal(body, into); err != nil {
			t.Fatalf("GET %s: %v in %s", path, err, body)
		}
	}
	return resp
}

func TestAuthentication(t *testing.T) {
	_, hs := newTestServer(t, newFakeSource(examplePosture(), true), nil)
	for _, p := range []string{"/api/v1/findings", "/api/v1/posture", "/api/v1/events", "/metrics", "/api/v1/history"} {
		for _, tok := range []string{"", "wrong-token-0123456789", testToken + "x"} {
			var e errorJSON
			if resp := get(t, hs, p, tok, &e); resp.StatusCode != http.StatusUnauthorized || e.Error == "" {
				t.Errorf("GET %s with token %q: %d %q, want 401 with a JSON error", p, tok, resp.StatusCode, e.Error)
			}
		}
	}
	for _, p := range []string{"/healthz", "/readyz", "/login", "/static/app.js"} {
		if resp := get(t, hs, p, "", nil); resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s without token: %d, want 200", p, resp.StatusCode)
		}
	}
	// The dashboard sends a browser to the login form.
	c := hs.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(hs.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Errorf("GET / without session: %d to %q, want 303 to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp := get(t, hs, "/api/v1/posture", "second-token-abcdefghijkl", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("second token: %d", resp.StatusCode)
	}
}

func TestLoginSession(t *testing.T) {
	_, hs := newTestServer(t, newFakeSource(examplePosture(), true), nil)
	c := hs.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.PostForm(hs.URL+"/login", url.Values{"token": {"not-the-token-0000000"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(resp.Cookies()) != 0 || resp.Header.Get("Location") != "/login?failed=1" {
		t.Fatalf("bad token: cookies %v, location %q", resp.Cookies(), resp.Header.Get("Location"))
	}
	resp, err = c.PostForm(hs.URL+"/login", url.Values{"token": {testToken}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cs := resp.Cookies()
	if len(cs) != 1 || cs[0].Name != sessionCookie || !cs[0].HttpOnly || cs[0].SameSite != http.SameSiteStrictMode || len(cs[0].Value) != 64 {
		t.Fatalf("login cookie: %+v", cs)
	}
	req, _ := http.NewRequest(http.MethodGet, hs.URL+"/api/v1/posture", nil)
	req.AddCookie(cs[0])
	if resp, err := c.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("API with session cookie: %v %v", resp, err)
	}
	forged := &http.Cookie{Name: sessionCookie, Value: strings.Repeat("a", 64)}
	req, _ = http.NewRequest(http.MethodGet, hs.URL+"/api/v1/posture", nil)
	req.AddCookie(forged)
	if resp, _ := c.Do(req); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("forged session: %d", resp.StatusCode)
	}
	// A form posted from another site is refused.
	req, _ = http.NewRequest(http.MethodPost, hs.URL+"/login", strings.NewReader("token="+testToken))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if resp, _ := c.Do(req); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin login: %d, want 403", resp.StatusCode)
	}
	// Logout ends the session.
	req, _ = http.NewRequest(http.MethodPost, hs.URL+"/logout", nil)
	req.AddCookie(cs[0])
	if resp, _ := c.Do(req); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("logout: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodGet, hs.URL+"/api/v1/posture", nil)
	req.AddCookie(cs[0])
	if resp, _ := c.Do(req); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("after logout: %d", resp.StatusCode)
	}
}

func TestSessionExpiry(t *testing.T) {
	s := newSessions(time.Minute)
	now := time.Now()
	s.now = func() time.Time { return now }
	id, err := s.create()
	if err != nil || !s.valid(id) {
		t.Fatalf("new session invalid: %v", err)
	}
	now = now.Add(2 * time.Minute)
	if s.valid(id) {
		t.Error("expired session still valid")
	}
}

func TestParseTokens(t *testing.T) {
	for _, tc := range []struct{ in, err string }{
		{"", "no tokens"},
		{"# only a comment\n", "no tokens"},
		{"short\n", "tokens:1: token is shorter"},
		{"ok-token-0123456789\nbad token with spaces\n", "tokens:2: token contains white space"},
		{strings.Repeat("x", maxTokenLen+10), "at most"},
	} {
		if _, err := ParseTokens("tokens", []byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("ParseTokens(%.30q) = %v, want error containing %q", tc.in, err, tc.err)
		}
	}
	toks, err := ParseTokens("tokens", []byte("  spaced-token-0123456789  \r\n"))
	if err != nil || !toks.Valid("spaced-token-0123456789") || toks.Valid("spaced-token-012345678") || toks.Valid("") {
		t.Errorf("trimmed token: %v", err)
	}
}

func TestFindings(t *testing.T) {
	_, hs := newTestServer(t, newFakeSource(examplePosture(), true), nil)
	for _, tc := range []struct {
		query string
		want  []string // check IDs in order
	}{
		{"", []string{"ST-0001", "ST-0002", "ST-0003"}},
		{"?layer=workload", []string{"ST-0001"}},
		{"?severity=high", []string{"ST-0001", "ST-0002"}},
		{"?severity=HIGH&layer=container", []string{"ST-0002"}},
		{"?check=run-as-root", []string{"ST-0002"}},
		{"?check=ST-0001", []string{"ST-0001"}},
		{"?namespace=shop&severity=medium", []string{"ST-0001", "ST-0002", "ST-0003"}},
		{"?namespace=other", nil},
		{"?status=suppressed", []string{"ST-0003"}},
		{"?limit=1&offset=1", []string{"ST-0002"}},
		{"?offset=10", nil},
	} {
		var r findingsResponse
		if resp := get(t, hs, "/api/v1/findings"+tc.query, testToken, &r); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", tc.query, resp.StatusCode)
			continue
		}
		var got []string
		for _, f := range r.Findings {
			got = append(got, f.CheckID)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) || !r.Complete {
			t.Errorf("findings%s = %v (complete %v), want %v", tc.query, got, r.Complete, tc.want)
		}
	}
	var r findingsResponse
	get(t, hs, "/api/v1/findings?check=ST-0001", testToken, &r)
	f := r.Findings[0]
	if f.Status != "open" || f.Layer != "workload" || f.Severity != "critical" || len(f.ID) != 64 || len(f.Fix) != 1 ||
		string(f.Fix[0].Value) != "false" || f.Object.Name != "web" || f.Remediation != "Fix it." {
		t.Errorf("finding = %+v", f)
	}
}

func TestBadFilters(t *testing.T) {
	_, hs := newTestServer(t, newFakeSource(examplePosture(), true), nil)
	for _, tc := range []struct{ query, param string }{
		{"layer=kernal", "layer"},
		{"severity=urgent", "severity"},
		{"check=ST-9999", "check"},
		{"status=closed", "status"},
		{"limit=0", "limit"},
		{"limit=5000", "limit"},
		{"limit=abc", "limit"},
		{"offset=-1", "offset"},
		{"sevrity=high", "sevrity"},
		{"layer=node&layer=kernel", "layer"},
		{"namespace=", "namespace"},
	} {
		var e errorJSON
		resp := get(t, hs, "/api/v1/findings?"+tc.query, testToken, &e)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(e.Error, "parameter "+tc.param) {
			t.Errorf("?%s: %d %q, want 400 naming parameter %s", tc.query, resp.StatusCode, e.Error, tc.param)
		}
	}
	for _, q := range []string{"since=forever", "since=-1h", "since=9000h", "until=1h"} {
		var e errorJSON
		resp := get(t, hs, "/api/v1/history?"+q, testToken, &e)
		// Without a ledger the endpoint is 404 whatever the query; with one, 400.
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("history ?%s without ledger: %d", q, resp.StatusCode)
		}
	}
	_, hs = newTestServer(t, newFakeSource(examplePosture(), true), func(o *Options) { o.History = fakeHistory{} })
	for _, q := range []string{"since=forever", "since=-1h", "since=9000h", "until=1h"} {
		var e errorJSON
		if resp := get(t, hs, "/api/v1/history?"+q, testToken, &e); resp.StatusCode != http.StatusBadRequest || !strings.Contains(e.Error, "parameter") {
			t.Errorf("history ?%s: %d %q", q, resp.StatusCode, e.Error)
		}
	}
}

func TestPostureSummary(t *testing.T) {
	src := newFakeSource(examplePosture(), false)
	_, hs := newTestServer(t, src, nil)
	var p postureJSON
	get(t, hs, "/api/v1/posture", testToken, &p)
	if p.Complete || p.Findings != 3 || p.Suppressed != 1 || len(p.Layers) != 6 || p.Layers[0].Layer != "kernel" {
		t.Fatalf("posture = %+v", p)
	}
	byName := map[string]layerJSON{}
	for _, l := range p.Layers {
		byName[l.Layer] = l
	}
	if l := byName["workload"]; l.Findings.Critical != 1 || l.Score == nil || *l.Score != 0 || l.Coverage.Fail != 1 {
		t.Errorf("workload = %+v", l)
	}
	if l := byName["network"]; l.Score == nil || *l.Score != 100 || l.Coverage.Pass != 1 {
		t.Errorf("network = %+v", l)
	}
	// A layer whose only check could not look has no score: never 100.
	if l := byName["node"]; l.Score != nil || l.Coverage.NotAssessed != 1 || l.Checks != 1 {
		t.Errorf("node = %+v", l)
	}
	if l := byName["kernel"]; l.Score != nil || l.Checks != 0 {
		t.Errorf("kernel = %+v", l)
	}
	var r findingsResponse
	get(t, hs, "/api/v1/findings", testToken, &r)
	if r.Complete {
		t.Error("findings say complete before sync")
	}
}

func TestScoreWeighting(t *testing.T) {
	crit := meta("ST-0010", "crit", check.LayerWorkload, check.SeverityCritical)
	info := meta("ST-0011", "info", check.LayerWorkload, check.SeverityInfo)
	broken := meta("ST-0012", "broken", check.LayerWorkload, check.SeverityHigh)
	unrecorded := meta("ST-0013", "unrecorded", check.LayerWorkload, check.SeverityHigh)
	p := &posture.Posture{
		Checks: []*check.Meta{crit, info, broken, unrecorded},
		Coverage: []posture.Coverage{
			{CheckID: "ST-0010", Status: posture.StatusPass},
			{CheckID: "ST-0011", Status: posture.StatusFail},
			{CheckID: "ST-0012", Status: posture.StatusError},
		},
	}
	l := summarize(p, watch.Status{}).Layers[2]
	// 16 of 17 assessed weight passes; the error and the check without a result are not
	// assessed, and are counted as errors, not as passes.
	if l.Layer != "workload" || l.Score == nil || *l.Score != 94.1 || l.Coverage.Error != 2 || l.Coverage.Pass != 1 || l.Coverage.Fail != 1 {
		t.Errorf("workload = %+v score %v", l, *l.Score)
	}
}

func TestCheckFilterBeforeFirstEvaluation(t *testing.T) {
	src := newFakeSource(posture.Posture{}, false)
	_, hs := newTestServer(t, src, func(o *Options) { o.Checks = []*check.Meta{mPriv} })
	var r findingsResponse
	if resp := get(t, hs, "/api/v1/findings?check=privileged-container", testToken, &r); resp.StatusCode != http.StatusOK || r.Complete || r.Total != 0 {
		t.Errorf("check filter before the first evaluation: %d %+v", resp.StatusCode, r)
	}
	if resp := get(t, hs, "/api/v1/findings?check=run-as-root", testToken, nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("check that does not run: %d", resp.StatusCode)
	}
}

package server

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/watch"
)

type sseMsg struct {
	id, event, data string
}

// readSSE parses an event stream into a channel of events (comments are skipped).
func readSSE(t *testing.T, body io.Reader) <-chan sseMsg {
	out := make(chan sseMsg, 100)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(body)
		var m sseMsg
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if m.event != "" || m.data != "" {
					out <- m
				}
				m = sseMsg{}
			case strings.HasPrefix(line, "id: "):
				m.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				m.event = line[7:]
			case strings.HasPrefix(line, "data: "):
				m.data = line[6:]
			}
		}
	}()
	return out
}

func openStream(t *testing.T, hs *httptest.Server, lastID string) (<-chan sseMsg, func()) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, hs.URL+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return readSSE(t, resp.Body), func() { resp.Body.Close() }
}

func next(t *testing.T, ch <-chan sseMsg) sseMsg {
	t.Helper()
	select {
	case m, ok := <-ch:
		if !ok {
			t.Fatal("stream ended")
		}
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5s")
	}
	return sseMsg{}
}

// waitClients waits until the hub has n streams registered.
func waitClients(t *testing.T, s *Server, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.hub.mu.Lock()
		got := len(s.hub.clients)
		s.hub.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d streams, want %d", got, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestEventStream(t *testing.T) {
	src := newFakeSource(examplePosture(), true)
	s, hs := newTestServer(t, src, nil)
	ch, stop := openStream(t, hs, "")
	defer stop()
	waitClients(t, s, 1)
	added := finding(mPriv, "shop", "api", "container api is privileged <script>x</script>")
	src.push(posture.Event{Type: posture.EventNew, Finding: added, Cause: "update Deployment/shop/api"})
	m := next(t, ch)
	var ev eventJSON
	if err := json.Unmarshal([]byte(m.data), &ev); err != nil || m.event != "finding" || m.id != "1" {
		t.Fatalf("event %+v: %v", m, err)
	}
	if ev.Type != "new" || ev.Finding.Object.Name != "api" || ev.Finding.Message != added.Message || ev.Cause != "update Deployment/shop/api" {
		t.Errorf("event = %+v", ev)
	}
	if m := next(t, ch); m.event != "sync" || m.id != "2" || !strings.Contains(m.data, `"complete":true`) {
		t.Errorf("sync event = %+v", m)
	}
	src.push(posture.Event{Type: posture.EventResolved, Finding: added})
	m = next(t, ch)
	if err := json.Unmarshal([]byte(m.data), &ev); err != nil || ev.Type != "resolved" || m.id != "3" {
		t.Errorf("resolved event = %+v", m)
	}
	next(t, ch)
	// Heartbeats are comments: they keep the stream open and are not events.
	time.Sleep(450 * time.Millisecond)
	select {
	case m := <-ch:
		t.Errorf("unexpected event %+v", m)
	default:
	}
	// The metrics saw the batches.
	req, _ := http.NewRequest(http.MethodGet, hs.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`strata_events_total{type="new"} 1`, `strata_events_total{type="resolved"} 1`,
		"strata_evaluation_duration_seconds_count 2", "strata_event_lag_seconds_count 2",
		`strata_findings{check="ST-0001",layer="workload",severity="critical"} 1`,
		`strata_informer_synced{kind="Pod"} 1`, "go_goroutines", "process_",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(string(body), "strata_ledger_queue_length") {
		t.Error("ledger metrics without a ledger")
	}
}

func TestLastEventIDReplay(t *testing.T) {
	src := newFakeSource(examplePosture(), true)
	s, hs := newTestServer(t, src, nil)
	for i := 0; i < 3; i++ {
		src.push(posture.Event{Type: posture.EventNew, Finding: finding(mRoot, "ns", fmt.Sprint("app", i), "runs as root")})
	}
	// 3 batches of finding+sync: IDs 1..6.
	deadline := time.Now().Add(5 * time.Second)
	for s.hub.lastID() != 6 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	ch, stop := openStream(t, hs, "3")
	m := next(t, ch)
	if m.id != "4" || m.event != "sync" {
		t.Errorf("first replayed = %+v, want id 4", m)
	}
	if m := next(t, ch); m.id != "5" || !strings.Contains(m.data, "app2") {
		t.Errorf("second replayed = %+v", m)
	}
	stop()
	// The ring holds 16 events: after 20 more, ID 3 is gone and the client is told to reload.
	for i := 0; i < 10; i++ {
		src.push(posture.Event{Type: posture.EventNew, Finding: finding(mRoot, "ns", fmt.Sprint("more", i), "runs as root")})
	}
	for s.hub.lastID() != 26 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	ch, stop = openStream(t, hs, "3")
	defer stop()
	if m := next(t, ch); m.event != "reset" || m.id != "26" {
		t.Errorf("stale Last-Event-ID: %+v, want reset", m)
	}
	// A bad Last-Event-ID is a 400, not a crash.
	req, _ := http.NewRequest(http.MethodGet, hs.URL+"/api/v1/events?lastEventID=abc", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	if resp, _ := hs.Client().Do(req); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad lastEventID: %d", resp.StatusCode)
	}
}

func TestSlowClientDropped(t *testing.T) {
	h := newHub(8)
	c, _, _, err := h.subscribe(0, false)
	if err != nil {
		t.Fatal(err)
	}
	fast, _, _, _ := h.subscribe(0, false)
	done := make(chan struct{})
	go func() {
		// Nobody reads c: publishing must still never block.
		for i := 0; i < clientBuffer+10; i++ {
			h.publish([]sseEvent{{name: "finding", data: []byte("{}")}})
			select {
			case <-fast.ch:
			default:
			}
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("publish blocked on a slow client")
	}
	select {
	case <-c.dropped:
	default:
		t.Error("slow client not dropped")
	}
	select {
	case <-fast.dropped:
		t.Error("client that kept up was dropped")
	default:
	}
}

func TestReadyz(t *testing.T) {
	src := newFakeSource(examplePosture(), false)
	_, hs := newTestServer(t, src, func(o *Options) { o.Ledger = fakeLedger{} })
	var r readyResponse
	if resp := get(t, hs, "/readyz", "", &r); resp.StatusCode != http.StatusServiceUnavailable || r.Ready || !strings.Contains(r.Reason, "Pod") {
		t.Errorf("readyz before sync: %d %+v", resp.StatusCode, r)
	}
	src.setSynced(true)
	if resp := get(t, hs, "/readyz", "", &r); resp.StatusCode != http.StatusOK || !r.Ready || r.Ledger != "disk full" {
		t.Errorf("readyz after sync: %d %+v", resp.StatusCode, r)
	}
	req, _ := http.NewRequest(http.MethodGet, hs.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, _ := hs.Client().Do(req)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"strata_ledger_write_errors_total 2", "strata_ledger_queue_length 7"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestHistory(t *testing.T) {
	now := time.Now()
	_, hs := newTestServer(t, newFakeSource(examplePosture(), true), func(o *Options) { o.History = fakeHistory{examplePoints(now)} })
	var h historyResponse
	if resp := get(t, hs, "/api/v1/history?since=3h30m", testToken, &h); resp.StatusCode != http.StatusOK {
		t.Fatalf("history: %d", resp.StatusCode)
	}
	if len(h.Points) != 3 || h.Points[0].BySeverity["high"] != 5 || h.Points[0].Findings != 5 || h.Points[0].ByLayer["kernel"] != 0 ||
		len(h.Points[0].Coverage) != 1 || h.Points[0].Coverage[0].Pass != 3 {
		t.Errorf("history = %+v", h)
	}
}

func TestMethodsHeadersAndLimits(t *testing.T) {
	_, hs := newTestServer(t, newFakeSource(examplePosture(), true), nil)
	for _, tc := range []struct {
		method, path string
		body         string
		want         int
	}{
		{http.MethodDelete, "/api/v1/findings", "", http.StatusMethodNotAllowed},
		{http.MethodPut, "/login", "", http.StatusMethodNotAllowed},
		{http.MethodPost, "/api/v1/findings", "x=1", http.StatusMethodNotAllowed},
		{http.MethodGet, "/api/v2/findings", "", http.StatusNotFound},
		{http.MethodGet, "/api/v1/findings", "body", http.StatusRequestEntityTooLarge},
		{http.MethodPost, "/login", "token=" + strings.Repeat("a", 10000), http.StatusBadRequest},
		{http.MethodGet, "/api/v1/findings?" + strings.Repeat("a", 5000), "", http.StatusRequestURITooLong},
	} {
		req, _ := http.NewRequest(tc.method, hs.URL+tc.path, strings.NewReader(tc.body))
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e errorJSON
		if resp.StatusCode != tc.want || json.Unmarshal(body, &e) != nil || e.Error == "" {
			t.Errorf("%s %s: %d %s, want %d with a JSON error", tc.method, tc.path, resp.StatusCode, body, tc.want)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s %s: security headers missing", tc.method, tc.path)
		}
	}
	resp := get(t, hs, "/", testToken, nil)
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe") {
		t.Errorf("dashboard CSP = %q", csp)
	}
}

func TestCheckListen(t *testing.T) {
	for _, tc := range []struct {
		addr            string
		tls, insecure   bool
		wantErrContains string
	}{
		{"127.0.0.1:8080", false, false, ""},
		{"[::1]:8080", false, false, ""},
		{"localhost:8080", false, false, ""},
		{"0.0.0.0:8080", false, false, "unencrypted"},
		{":8080", false, false, "every interface"},
		{"10.0.0.1:8080", true, false, ""},
		{"10.0.0.1:8080", false, true, ""},
		{"nonsense", false, false, "missing port"},
	} {
		err := CheckListen(tc.addr, tc.tls, tc.insecure)
		if (err == nil) != (tc.wantErrContains == "") || err != nil && !strings.Contains(err.Error(), tc.wantErrContains) {
			t.Errorf("CheckListen(%q, %v, %v) = %v", tc.addr, tc.tls, tc.insecure, err)
		}
	}
}

func TestNewRequiresTokens(t *testing.T) {
	if _, err := New(Options{Source: newFakeSource(examplePosture(), true)}); err == nil {
		t.Error("server without tokens")
	}
}

func TestOverflowResubscribes(t *testing.T) {
	src := newFakeSource(examplePosture(), true)
	s, hs := newTestServer(t, src, nil)
	ch, stop := openStream(t, hs, "")
	defer stop()
	waitClients(t, s, 1)
	// The source drops the server: an overflow batch, then the channel closes.
	src.mu.Lock()
	for c := range src.subs {
		c <- watch.Batch{Overflow: true}
		close(c)
		delete(src.subs, c)
	}
	src.mu.Unlock()
	if m := next(t, ch); m.event != "reset" {
		t.Errorf("after overflow: %+v, want reset", m)
	}
	deadline := time.Now().Add(5 * time.Second)
	for src.subscribers() != 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	src.push(posture.Event{Type: posture.EventNew, Finding: finding(mRoot, "ns", "after", "runs as root")})
	if m := next(t, ch); m.event != "finding" || !strings.Contains(m.data, "after") {
		t.Errorf("after resubscribe: %+v", m)
	}
}

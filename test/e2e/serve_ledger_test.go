package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/strata-sec/strata/internal/cli"
	"github.com/strata-sec/strata/internal/ledger"
	"github.com/strata-sec/strata/internal/ledger/ledgertest"
	"github.com/strata-sec/strata/test/cluster"
)

// TestServeLedgerOutage runs strata serve in-process against the real API server with a real
// PostgreSQL ledger, stops PostgreSQL while the cluster changes, and checks the promise of
// issue 8: the API keeps serving the current posture, the write errors are reported (metrics,
// /readyz's ledgerError, which does not make the server unready), and once PostgreSQL is back
// the ledger catches up with the changes made during the outage — at the times they happened,
// without opening again the findings it already had.
func TestServeLedgerOutage(t *testing.T) {
	c := cluster.Get(t)
	pg := ledgertest.Start(t)
	dsn := pg.NewDatabase(t)
	const ns = "e2e-serve-ledger"
	if _, err := c.CreateNamespace(t.Context(), ns, nil); err != nil {
		t.Fatal(err)
	}
	testStart := time.Now()
	s := startServeLedger(t, c, ns, dsn, nil)
	led, err := ledger.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer led.Close()

	admin := kubernetes.NewForConfigOrDie(c.AdminConfig())
	privileged := privilegedSpec()
	const first, second = "priv-before-outage", "priv-during-outage"
	if _, err := admin.AppsV1().Deployments(ns).Create(t.Context(), deploymentOf(ns, first, privileged), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	var firstIDs map[string]bool
	s.poll(t, "the first Deployment's findings in the API", 20*time.Second, func() (bool, string) {
		p := s.findings(t)
		firstIDs = p.of(first)
		return p.Complete && firstIDs["ST-0001"+idSep+"Deployment/"+first+idSep+privilegedPath], p.String()
	})
	var before []ledger.Record
	s.poll(t, "the first Deployment's findings in the ledger, nothing queued", 20*time.Second, func() (bool, string) {
		recs, err := led.Findings(t.Context(), ledger.Filter{Status: ledger.StatusOpen})
		if err != nil {
			return false, err.Error()
		}
		m := s.metrics(t)
		before = recs
		return sameIDs(recordIDs(recs, first), firstIDs) && m.queue == 0, fmt.Sprintf("%s; metrics %+v", summarize(recs, nil), m)
	})
	beforeMetrics := s.metrics(t)

	// The outage: PostgreSQL stops (its sessions cut off) while the cluster changes.
	pg.Stop()
	stopped := time.Now()
	pctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	_, err = led.Findings(pctx, ledger.Filter{})
	cancel()
	if err == nil {
		t.Fatal("the ledger still answers after PostgreSQL stopped: the test would prove nothing")
	}
	if _, err := admin.AppsV1().Deployments(ns).Create(t.Context(), deploymentOf(ns, second, privileged), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := admin.AppsV1().Deployments(ns).Delete(t.Context(), first, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	var secondIDs map[string]bool
	s.poll(t, "the current posture in the API during the outage", 20*time.Second, func() (bool, string) {
		p := s.findings(t)
		secondIDs = p.of(second)
		return p.Complete && len(p.of(first)) == 0 && sameIDs(secondIDs, rename(firstIDs, first, second)), p.String()
	})
	t.Logf("API current %s after the outage began", time.Since(stopped).Round(time.Millisecond))
	// Three failed attempts: the writer retried (with backoff) against a server that is gone,
	// not only hit the sessions PostgreSQL cut off as it stopped.
	var during metricsOf
	s.poll(t, "the write errors in /metrics", 20*time.Second, func() (bool, string) {
		during = s.metrics(t)
		return during.writeErrors >= beforeMetrics.writeErrors+3 && during.queue > 0, fmt.Sprintf("%+v", during)
	})
	code, ready := s.readyz(t)
	if code != http.StatusOK || !ready.Ready || ready.LedgerError == "" {
		t.Errorf("/readyz during the outage = %d %+v, want 200, ready, with the ledger error (the posture served is current)", code, ready)
	}
	if strings.Contains(ready.LedgerError, pg.Password()) {
		t.Errorf("/readyz's ledgerError shows the PostgreSQL password: %q", ready.LedgerError)
	}
	t.Logf("during the outage: %d write errors, %d batches queued, ledgerError %q", during.writeErrors, during.queue, ready.LedgerError)

	pg.Restart()
	restarted := time.Now()
	var after []ledger.Record
	s.poll(t, "the ledger to catch up", 30*time.Second, func() (bool, string) {
		recs, err := led.Findings(t.Context(), ledger.Filter{Status: ledger.StatusAll})
		if err != nil {
			return false, err.Error()
		}
		after = recs
		m := s.metrics(t)
		return m.queue == 0 && sameIDs(recordIDs(openRecords(recs), second), secondIDs) && len(recordIDs(openRecords(recs), first)) == 0,
			fmt.Sprintf("%s; metrics %+v", summarize(recs, nil), m)
	})
	t.Logf("ledger caught up %s after PostgreSQL restarted (outage %s)", time.Since(restarted).Round(time.Millisecond),
		restarted.Sub(stopped).Round(time.Millisecond))

	// The first Deployment's findings were resolved when it was deleted, not when the ledger
	// came back; the second's opened during the outage.
	for _, r := range after {
		switch r.Object.Name {
		case first:
			if r.ResolvedAt == nil || r.ResolvedAt.Before(stopped) || r.ResolvedAt.After(restarted) {
				t.Errorf("%s resolved at %v, want between the outage's start %v and end %v", r.Key, r.ResolvedAt, stopped, restarted)
			}
		case second:
			if r.ResolvedAt != nil || r.OpenedAt.Before(stopped) || r.OpenedAt.After(restarted) {
				t.Errorf("%s opened at %v (resolved %v), want open since the outage (%v to %v)", r.Key, r.OpenedAt, r.ResolvedAt, stopped, restarted)
			}
		}
	}
	checkOutageEvents(t, led, testStart, before, after, first, second)

	if m := s.metrics(t); m.writeErrors < during.writeErrors {
		t.Errorf("strata_ledger_write_errors_total went down from %d to %d", during.writeErrors, m.writeErrors)
	}
	// The outage is over: /readyz no longer reports it.
	if code, ready := s.readyz(t); code != http.StatusOK || !ready.Ready || ready.LedgerError != "" {
		t.Errorf("/readyz after the ledger caught up = %d %+v, want 200, ready, no ledger error", code, ready)
	}
	s.stop(t)
}

// TestServeLedgerDownAtFirstPosture cuts the connection to the ledger after serve opened it
// and before its first posture, the moment serve reconciles the ledger with what changed while
// it was not running. When the ledger returns, the finding of a Deployment deleted while serve
// was stopped must be resolved, and the findings still there must not be opened again.
func TestServeLedgerDownAtFirstPosture(t *testing.T) {
	c := cluster.Get(t)
	pg := ledgertest.Start(t)
	proxy := startPGProxy(t, pg.NewDatabase(t))
	const ns = "e2e-serve-ledger-start"
	if _, err := c.CreateNamespace(t.Context(), ns, nil); err != nil {
		t.Fatal(err)
	}
	testStart := time.Now()
	admin := kubernetes.NewForConfigOrDie(c.AdminConfig())
	privileged := privilegedSpec()
	const gone, stays = "priv-deleted-while-stopped", "priv-stays"
	for _, name := range []string{gone, stays} {
		if _, err := admin.AppsV1().Deployments(ns).Create(t.Context(), deploymentOf(ns, name, privileged), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	led, err := ledger.Open(t.Context(), proxy.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer led.Close()

	s := startServeLedger(t, c, ns, proxy.dsn, nil)
	var before []ledger.Record
	s.poll(t, "both Deployments' findings in the ledger", 20*time.Second, func() (bool, string) {
		recs, err := led.Findings(t.Context(), ledger.Filter{})
		before = recs
		return err == nil && len(recordIDs(recs, gone)) > 0 && len(recordIDs(recs, stays)) > 0 && s.metrics(t).queue == 0, summarize(recs, err)
	})
	s.stop(t)
	if err := admin.AppsV1().Deployments(ns).Delete(t.Context(), gone, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}

	// serve starts again; the ledger goes away between its opening and the first posture.
	s = startServeLedger(t, c, ns, proxy.dsn, func() { proxy.setDown(true) })
	s.poll(t, "the failed reconciliation and write errors", 20*time.Second, func() (bool, string) {
		m := s.metrics(t)
		return strings.Contains(s.errOut.String(), "reconcile ledger with the first posture") && m.writeErrors > 0, fmt.Sprintf("%+v", m)
	})
	if p := s.findings(t); len(p.of(gone)) != 0 || len(p.of(stays)) == 0 {
		t.Errorf("/api/v1/findings with the ledger down: %s; want the findings of %s, none of %s", p, stays, gone)
	}
	proxy.setDown(false)
	back := time.Now()
	var after []ledger.Record
	s.poll(t, "the ledger to catch up", 30*time.Second, func() (bool, string) {
		recs, err := led.Findings(t.Context(), ledger.Filter{Status: ledger.StatusAll})
		after = recs
		if m := s.metrics(t); err != nil || m.queue != 0 {
			return false, fmt.Sprintf("%s; metrics %+v", summarize(recs, err), m)
		}
		return len(recordIDs(openRecords(recs), gone)) == 0 && sameIDs(recordIDs(openRecords(recs), stays), recordIDs(before, stays)),
			summarize(recs, err)
	})
	t.Logf("ledger caught up %s after it came back", time.Since(back).Round(time.Millisecond))
	evs, err := led.Events(t.Context(), testStart.Add(-time.Minute), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range evs {
		count[e.Type+" "+e.Key]++
	}
	for _, r := range after {
		want := map[string]int{gone: 1, stays: 0}[r.Object.Name]
		if n, m := count["new "+r.Key], count["resolved "+r.Key]; n != 1 || m != want {
			t.Errorf("%s: %d new and %d resolved events, want 1 and %d", r.Key, n, m, want)
		}
	}
	s.stop(t)
}

// pgProxy forwards TCP connections to PostgreSQL until it is set down: then it cuts the
// connections it holds and closes new ones at once, as a network outage would.
type pgProxy struct {
	dsn    string // the database's DSN through the proxy
	target string
	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]bool
}

func startPGProxy(t *testing.T, dsn string) *pgProxy {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pgProxy{target: u.Host, conns: map[net.Conn]bool{}}
	u.Host = ln.Addr().String()
	p.dsn = u.String()
	t.Cleanup(func() {
		ln.Close()
		p.setDown(true)
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.forward(c)
		}
	}()
	return p
}

func (p *pgProxy) forward(c net.Conn) {
	up, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.down {
		p.mu.Unlock()
		c.Close()
		up.Close()
		return
	}
	p.conns[c], p.conns[up] = true, true
	p.mu.Unlock()
	go func() { io.Copy(up, c); up.Close() }()
	io.Copy(c, up)
	c.Close()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, up)
	p.mu.Unlock()
}

func (p *pgProxy) setDown(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
	if down {
		for c := range p.conns {
			c.Close()
		}
	}
}

// checkOutageEvents checks the ledger's events: one new event for every finding open before
// the outage (the catch-up opened none of them again), one resolved event for each of the
// first Deployment's findings, one new event for each of the second's.
func checkOutageEvents(t *testing.T, led *ledger.Ledger, since time.Time, before, after []ledger.Record, first, second string) {
	t.Helper()
	evs, err := led.Events(t.Context(), since.Add(-time.Minute), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range evs {
		count[e.Type+" "+e.Key]++
	}
	for _, r := range before {
		if n := count["new "+r.Key]; n != 1 {
			t.Errorf("%d new events for %s, which was open before the outage; want 1", n, r.Key)
		}
	}
	for _, r := range after {
		var wantNew, wantResolved int
		switch r.Object.Name {
		case first:
			wantNew, wantResolved = 1, 1
		case second:
			wantNew = 1
		default:
			continue
		}
		if n, m := count["new "+r.Key], count["resolved "+r.Key]; n != wantNew || m != wantResolved {
			t.Errorf("%s: %d new and %d resolved events, want %d and %d", r.Key, n, m, wantNew, wantResolved)
		}
	}
	if t.Failed() {
		for _, e := range evs {
			t.Logf("event %s %s %s", e.At.Format(time.RFC3339Nano), e.Type, e.Key)
		}
	}
}

// privilegedSpec is a pod spec with one privileged container: ST-0001 and the other
// hardening checks fail it.
func privilegedSpec() corev1.PodSpec {
	return corev1.PodSpec{Containers: []corev1.Container{{
		Name: "app", Image: "registry.example.com/app:1.0",
		SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)},
	}}}
}

// idSep joins the parts of a finding's identity in these tests: check, object, field path.
const idSep = " "

// privilegedPath is where ST-0001 points in a Deployment with one privileged container.
const privilegedPath = "spec.template.spec.containers[0].securityContext.privileged"

// serveLedger is a strata serve running in-process.
type serveLedger struct {
	base, token string
	errOut      *syncBuffer
	cancel      context.CancelFunc
	exited      chan int
}

// startServeLedger starts serve on ns with the ledger dsn and waits until it is ready.
// onListen, when not nil, runs as serve prints that it listens: after it opened the ledger,
// before its watcher starts.
func startServeLedger(t *testing.T, c *cluster.Cluster, ns, dsn string, onListen func()) *serveLedger {
	t.Helper()
	dir := t.TempDir()
	s := &serveLedger{token: "e2e-serve-ledger-token-0123456789", errOut: &syncBuffer{}, exited: make(chan int, 1)}
	tokens := filepath.Join(dir, "tokens")
	if err := os.WriteFile(tokens, []byte(s.token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.exited:
		case <-time.After(20 * time.Second):
		}
	})
	out := &hookWriter{hook: onListen}
	go func() {
		s.exited <- cli.Execute(ctx, "strata", []string{"serve", "--kubeconfig", c.AdminKubeconfig(), "-n", ns,
			"--listen", "127.0.0.1:0", "--token-file", tokens, "--ledger", dsn, "--coalesce", "10ms"},
			cli.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: s.errOut})
	}()
	s.poll(t, "serve to listen", 30*time.Second, func() (bool, string) {
		m := serveListening.FindStringSubmatch(out.String())
		if m != nil {
			s.base = m[1]
		}
		return m != nil, out.String()
	})
	s.poll(t, "serve to be ready", 60*time.Second, func() (bool, string) {
		code, r := s.readyz(t)
		return code == http.StatusOK, fmt.Sprintf("%d %+v", code, r)
	})
	return s
}

// poll calls cond until it holds, failing t with cond's last description after timeout or when
// serve exits.
func (s *serveLedger) poll(t *testing.T, what string, timeout time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, last := cond()
		if ok {
			return
		}
		select {
		case code := <-s.exited:
			s.exited <- code
			t.Fatalf("serve exited %d while waiting for %s; last: %s\nserve log:\n%s", code, what, last, s.errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s; last: %s\nserve log:\n%s", timeout, what, last, s.errOut.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *serveLedger) get(t *testing.T, path string, auth bool) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, body
}

// apiFindings is the part of /api/v1/findings these tests read.
type apiFindings struct {
	Complete bool `json:"complete"`
	Total    int  `json:"total"`
	Findings []struct {
		CheckID string `json:"checkID"`
		Object  struct {
			Kind string `json:"kind"`
			Name string `json:"name"`
		} `json:"object"`
		Path string `json:"path"`
	} `json:"findings"`
}

// of returns the identities of the findings on the Deployment name.
func (p apiFindings) of(name string) map[string]bool {
	out := map[string]bool{}
	for _, f := range p.Findings {
		if f.Object.Kind == "Deployment" && f.Object.Name == name {
			out[f.CheckID+idSep+f.Object.Kind+"/"+f.Object.Name+idSep+f.Path] = true
		}
	}
	return out
}

// String counts the findings by object, for failure messages.
func (p apiFindings) String() string {
	by := map[string]int{}
	for _, f := range p.Findings {
		by[f.Object.Kind+"/"+f.Object.Name]++
	}
	return fmt.Sprintf("complete %v, %d findings by object %v", p.Complete, p.Total, by)
}

func (s *serveLedger) findings(t *testing.T) apiFindings {
	t.Helper()
	code, body := s.get(t, "/api/v1/findings?limit=1000", true)
	var p apiFindings
	if code != http.StatusOK {
		t.Fatalf("/api/v1/findings: %d %s", code, body)
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("/api/v1/findings: %v\n%s", err, body)
	}
	if p.Total > len(p.Findings) {
		t.Fatalf("/api/v1/findings holds %d findings, more than one page", p.Total)
	}
	return p
}

type readyzOf struct {
	Ready       bool   `json:"ready"`
	Reason      string `json:"reason"`
	LedgerError string `json:"ledgerError"`
}

func (s *serveLedger) readyz(t *testing.T) (int, readyzOf) {
	t.Helper()
	code, body := s.get(t, "/readyz", false)
	var r readyzOf
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("/readyz: %v\n%s", err, body)
	}
	return code, r
}

// metricsOf holds the ledger metrics of one scrape.
type metricsOf struct {
	writeErrors uint64
	queue       int
}

func (s *serveLedger) metrics(t *testing.T) metricsOf {
	t.Helper()
	code, body := s.get(t, "/metrics", true)
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", code, body)
	}
	var m metricsOf
	seen := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(string(body)))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok || (name != "strata_ledger_write_errors_total" && name != "strata_ledger_queue_length") {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			t.Fatalf("/metrics: %s: %v", sc.Text(), err)
		}
		seen[name] = true
		if name == "strata_ledger_queue_length" {
			m.queue = int(v)
		} else {
			m.writeErrors = uint64(v)
		}
	}
	if len(seen) != 2 {
		t.Fatalf("/metrics lacks the ledger metrics (found %v):\n%s", seen, body)
	}
	return m
}

// stop ends serve and checks that it shut down cleanly.
func (s *serveLedger) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case code := <-s.exited:
		s.exited <- code
		if code != 0 {
			t.Errorf("serve exited %d after shutdown:\n%s", code, s.errOut.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down within 20s")
	}
}

// recordIDs returns the identities of the ledger's findings on the Deployment name.
func recordIDs(recs []ledger.Record, name string) map[string]bool {
	out := map[string]bool{}
	for _, r := range recs {
		if r.Object.Kind == "Deployment" && r.Object.Name == name {
			out[r.CheckID+idSep+r.Object.Kind+"/"+r.Object.Name+idSep+r.Path] = true
		}
	}
	return out
}

// summarize counts the ledger's open and resolved findings by object, for failure messages.
func summarize(recs []ledger.Record, err error) string {
	if err != nil {
		return "ledger: " + err.Error()
	}
	type counts struct{ open, resolved int }
	by := map[string]*counts{}
	for _, r := range recs {
		o := r.Object.Kind + "/" + r.Object.Name
		if by[o] == nil {
			by[o] = &counts{}
		}
		if r.ResolvedAt == nil {
			by[o].open++
		} else {
			by[o].resolved++
		}
	}
	var parts []string
	for o, c := range by {
		parts = append(parts, fmt.Sprintf("%s: %d open, %d resolved", o, c.open, c.resolved))
	}
	sort.Strings(parts)
	return "ledger findings: " + strings.Join(parts, "; ")
}

func openRecords(recs []ledger.Record) []ledger.Record {
	var out []ledger.Record
	for _, r := range recs {
		if r.ResolvedAt == nil {
			out = append(out, r)
		}
	}
	return out
}

// rename returns ids with the Deployment from replaced by to: the second Deployment has the
// first's spec, so it has the same findings.
func rename(ids map[string]bool, from, to string) map[string]bool {
	out := map[string]bool{}
	for id := range ids {
		out[strings.Replace(id, "/"+from+idSep, "/"+to+idSep, 1)] = true
	}
	return out
}

func sameIDs(a, b map[string]bool) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// hookWriter is a syncBuffer that calls hook once, synchronously, when serve's "listening"
// line is written to it.
type hookWriter struct {
	syncBuffer
	once sync.Once
	hook func()
}

func (w *hookWriter) Write(p []byte) (int, error) {
	n, err := w.syncBuffer.Write(p)
	if w.hook != nil && serveListening.MatchString(w.syncBuffer.String()) {
		w.once.Do(w.hook)
	}
	return n, err
}

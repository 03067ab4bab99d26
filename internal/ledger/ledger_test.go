package ledger

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
)

// TestLedger runs the same suite against a SQLite file and a real PostgreSQL server.
func TestLedger(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			t.Run("migrations", func(t *testing.T) { testMigrations(t, b.dsn(t)) })
			t.Run("lifecycle", func(t *testing.T) { testLifecycle(t, open(t, b.dsn(t))) })
			t.Run("reconcile", func(t *testing.T) { testReconcile(t, open(t, b.dsn(t))) })
			t.Run("diff", func(t *testing.T) { testDiff(t, open(t, b.dsn(t))) })
			t.Run("snapshots", func(t *testing.T) { testSnapshots(t, open(t, b.dsn(t))) })
			t.Run("filters", func(t *testing.T) { testFilters(t, open(t, b.dsn(t))) })
			t.Run("hostile", func(t *testing.T) { testHostile(t, open(t, b.dsn(t))) })
			t.Run("prune", func(t *testing.T) { testPrune(t, open(t, b.dsn(t))) })
		})
	}
}

func testMigrations(t *testing.T, dsn string) {
	ctx := context.Background()
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		t.Fatalf("migrations: %v (%d)", err, len(ms))
	}
	// Concurrent first opens: exactly one applies each migration, none fails.
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := Open(ctx, dsn)
			if err != nil {
				errs <- err
				return
			}
			errs <- l.Close()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent open: %v", err)
		}
	}
	for range 2 { // reopening is a no-op
		l := open(t, dsn)
		v, err := l.SchemaVersion(ctx)
		if err != nil || v != ms[len(ms)-1].version {
			t.Fatalf("schema version %d, %v; want %d", v, err, ms[len(ms)-1].version)
		}
		var n int
		if err := l.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil || n != len(ms) {
			t.Fatalf("schema_migrations rows %d, %v; want %d", n, err, len(ms))
		}
	}
}

func testLifecycle(t *testing.T, l *Ledger) {
	ctx := context.Background()
	f := finding(metaPriv, "shop", "web", check.SeverityHigh, "privileged")
	f2 := finding(metaPriv, "shop", "web", check.SeverityCritical, "privileged and hostPID")
	mustRecord(t, l, ev(posture.EventNew, f, at(1), "kubectl-client-side-apply", "create Deployment/shop/web"))
	mustRecord(t, l, ev(posture.EventNew, f, at(2), "", "resync")) // duplicate: no event
	mustRecord(t, l, ev(posture.EventChanged, f2, at(3), "helm", "update Deployment/shop/web"))
	mustRecord(t, l, ev(posture.EventResolved, f2, at(4), "argocd", "update Deployment/shop/web"))
	mustRecord(t, l, ev(posture.EventResolved, f2, at(5), "argocd", "update Deployment/shop/web")) // already resolved
	rs, err := l.Findings(ctx, Filter{Status: StatusAll})
	if err != nil || len(rs) != 1 {
		t.Fatalf("findings %v, %v", rs, err)
	}
	r := rs[0]
	if r.ResolvedAt == nil || !r.ResolvedAt.Equal(at(4)) || r.ResolvedManager != "argocd" || r.Severity != check.SeverityCritical ||
		r.Message != "privileged and hostPID" || r.Manager != "helm" || !r.FirstSeen.Equal(at(1)) {
		t.Fatalf("after resolve: %+v", r)
	}
	// It comes back: a new occurrence that keeps first_seen.
	mustRecord(t, l, ev(posture.EventNew, f, at(6), "kubectl-edit", "update Deployment/shop/web"))
	rs, _ = l.Findings(ctx, Filter{})
	if len(rs) != 1 {
		t.Fatalf("open findings %v", rs)
	}
	r = rs[0]
	if r.ResolvedAt != nil || r.ResolvedManager != "" || !r.FirstSeen.Equal(at(1)) || !r.OpenedAt.Equal(at(6)) || r.Occurrences != 2 ||
		r.Manager != "kubectl-edit" || r.Severity != check.SeverityHigh || r.Object.Namespace != "shop" || r.Slug != "privileged-container" {
		t.Fatalf("reopened: %+v", r)
	}
	evs, err := l.Events(ctx, time.Time{}, at(10))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		got = append(got, string(e.Type)+"@"+e.At.Format("04")+"/"+e.Manager)
	}
	want := "new@01/kubectl-client-side-apply changed@03/helm resolved@04/argocd new@06/kubectl-edit"
	if strings.Join(got, " ") != want {
		t.Fatalf("events\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	// A changed event for a finding the ledger never saw opens it.
	g := finding(metaRoot, "shop", "db", check.SeverityMedium, "root")
	mustRecord(t, l, ev(posture.EventChanged, g, at(7), "", ""))
	if evs, _ := l.Events(ctx, at(6), at(8)); len(evs) != 1 || evs[0].Type != "new" {
		t.Fatalf("changed on unknown finding: %v", evs)
	}
	if err := l.Record(ctx, []posture.Event{{Type: "bogus", Finding: g}}); err == nil {
		t.Fatal("unknown event type accepted")
	}
	if err := l.Record(ctx, []posture.Event{{Type: posture.EventNew}}); err == nil {
		t.Fatal("event without finding accepted")
	}
}

func testReconcile(t *testing.T, l *Ledger) {
	ctx := context.Background()
	a := finding(metaPriv, "shop", "a", check.SeverityCritical, "a")
	b := finding(metaRoot, "shop", "b", check.SeverityMedium, "b")
	b2 := finding(metaRoot, "shop", "b", check.SeverityHigh, "b worse")
	c := finding(metaNet, "pay", "c", check.SeverityHigh, "c")
	steps := []struct {
		p    []*posture.Finding
		want string
	}{
		{[]*posture.Finding{a, b}, "new new"},
		{[]*posture.Finding{a, b}, ""},
		{[]*posture.Finding{b2, c}, "resolved changed new"},
		{[]*posture.Finding{b2, c}, ""},
		{[]*posture.Finding{a, b2, c}, "new"},
		{nil, "resolved resolved resolved"},
		{nil, ""},
	}
	total := 0
	for i, s := range steps {
		evs, err := l.Reconcile(ctx, &posture.Posture{Findings: s.p}, at(i+1))
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		var got []string
		for _, e := range evs {
			got = append(got, string(e.Type))
			if e.Cause != ReconcileCause {
				t.Errorf("step %d: cause %q", i, e.Cause)
			}
		}
		if strings.Join(got, " ") != s.want {
			t.Fatalf("step %d: events %q, want %q", i, strings.Join(got, " "), s.want)
		}
		total += len(evs)
		open, err := l.Findings(ctx, Filter{})
		if err != nil || len(open) != len(s.p) {
			t.Fatalf("step %d: %d open findings (%v), want %d", i, len(open), err, len(s.p))
		}
	}
	stored, err := l.Events(ctx, time.Time{}, at(100))
	if err != nil || len(stored) != total {
		t.Fatalf("stored %d events (%v), returned %d", len(stored), err, total)
	}
	if rs, _ := l.Findings(ctx, Filter{Status: StatusAll, Check: "ST-0001"}); len(rs) != 1 || rs[0].Occurrences != 2 {
		t.Fatalf("a reopened: %+v", rs)
	}
}

func testDiff(t *testing.T, l *Ledger) {
	ctx := context.Background()
	x := finding(metaPriv, "shop", "x", check.SeverityCritical, "x privileged")
	y := finding(metaRoot, "shop", "y", check.SeverityMedium, "y root")
	z := finding(metaNet, "pay", "z", check.SeverityHigh, "z open")
	w := finding(metaRoot, "shop", "w", check.SeverityLow, "w")
	wUp := finding(metaRoot, "shop", "w", check.SeverityHigh, "w worse")
	v := finding(metaPriv, "shop", "v", check.SeverityCritical, "v")
	d := finding(metaNet, "pay", "d", check.SeverityHigh, "d")
	dDown := finding(metaNet, "pay", "d", check.SeverityLow, "d better")
	mustRecord(t, l,
		ev(posture.EventNew, z, at(0), "", "create"), ev(posture.EventNew, w, at(0), "", "create"), ev(posture.EventNew, d, at(0), "", "create"),
		ev(posture.EventNew, x, at(10), "kubectl-edit", "update Deployment/shop/x"),
		ev(posture.EventNew, v, at(11), "helm", "update Deployment/shop/v"),
		ev(posture.EventNew, y, at(20), "argocd", "create Deployment/shop/y"),
		ev(posture.EventResolved, v, at(21), "helm", "update Deployment/shop/v"),
		ev(posture.EventResolved, z, at(30), "kubectl-apply", "create NetworkPolicy/pay/default-deny"),
		ev(posture.EventChanged, wUp, at(40), "kubectl-patch", "update Deployment/shop/w"),
		ev(posture.EventChanged, dDown, at(41), "flux", "update Deployment/pay/d"),
	)
	diff, err := l.Diff(ctx, at(5), at(50))
	if err != nil {
		t.Fatal(err)
	}
	line := func(c Change) string {
		return string(c.Kind) + " " + c.Severity.String() + " " + c.Object.Name + " " + c.Manager + " " + c.Cause
	}
	var worse, better []string
	for _, c := range diff.Worse {
		worse = append(worse, line(c))
	}
	for _, c := range diff.Better {
		better = append(better, line(c))
	}
	wantWorse := "new critical x kubectl-edit update Deployment/shop/x|raised high w kubectl-patch update Deployment/shop/w|new medium y argocd create Deployment/shop/y"
	wantBetter := "resolved high z kubectl-apply create NetworkPolicy/pay/default-deny|lowered low d flux update Deployment/pay/d"
	if strings.Join(worse, "|") != wantWorse || strings.Join(better, "|") != wantBetter {
		t.Fatalf("diff\nworse  %s\nwant   %s\nbetter %s\nwant   %s", strings.Join(worse, "|"), wantWorse, strings.Join(better, "|"), wantBetter)
	}
	if diff.Worse[1].Previous != check.SeverityLow || !diff.Worse[0].At.Equal(at(10)) || diff.Worse[0].Message != "x privileged" {
		t.Fatalf("details: %+v", diff.Worse)
	}
	// (from, to]: x opened exactly at from, so it is no change of this range.
	diff, err = l.Diff(ctx, at(10), at(25))
	if err != nil || len(diff.Worse) != 1 || diff.Worse[0].Object.Name != "y" || len(diff.Better) != 0 {
		t.Fatalf("diff (10,25]: %+v %v", diff, err)
	}
	if _, err := l.Diff(ctx, at(10), at(5)); err == nil {
		t.Fatal("reversed range accepted")
	}
}

func testSnapshots(t *testing.T, l *Ledger) {
	ctx := context.Background()
	checks := []*check.Meta{metaPriv, metaRoot, metaNet}
	p1 := &posture.Posture{Checks: checks,
		Findings: []*posture.Finding{finding(metaPriv, "shop", "a", check.SeverityCritical, "a"), finding(metaRoot, "shop", "b", check.SeverityMedium, "b")},
		Coverage: []posture.Coverage{{CheckID: "ST-0001", Status: posture.StatusFail}, {CheckID: "ST-0002", Status: posture.StatusFail},
			{CheckID: "ST-0100", Status: posture.StatusNotAssessed, Reason: "RBAC denied"}}}
	p2 := &posture.Posture{Checks: checks,
		Findings: []*posture.Finding{finding(metaNet, "pay", "c", check.SeverityHigh, "c")},
		Coverage: []posture.Coverage{{CheckID: "ST-0001", Status: posture.StatusPass}, {CheckID: "ST-0002", Status: posture.StatusError},
			{CheckID: "ST-0100", Status: posture.StatusFail}}}
	var ids []int64
	for i, p := range []*posture.Posture{p1, p2, p2} {
		if _, err := l.Reconcile(ctx, p, at(10*i+1)); err != nil {
			t.Fatal(err)
		}
		id, err := l.Snapshot(ctx, p, at(10*i+1))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	all, err := l.Snapshots(ctx, time.Time{})
	if err != nil || len(all) != 3 {
		t.Fatalf("snapshots %d, %v", len(all), err)
	}
	s := all[0]
	if s.ID != ids[0] || !s.At.Equal(at(1)) || s.Total != 2 || s.BySeverity["critical"] != 1 || s.BySeverity["medium"] != 1 ||
		s.ByLayer[check.LayerWorkload]["critical"] != 1 || s.Coverage[check.LayerWorkload] != (LayerCoverage{Fail: 2}) ||
		s.Coverage[check.LayerNetwork] != (LayerCoverage{NotAssessed: 1}) {
		t.Fatalf("snapshot 1: %+v", s)
	}
	since, err := l.Snapshots(ctx, at(11))
	if err != nil || len(since) != 2 || since[0].ID != ids[1] || since[1].Total != 1 || since[1].ByLayer[check.LayerNetwork]["high"] != 1 ||
		since[1].Coverage[check.LayerWorkload] != (LayerCoverage{Pass: 1, Error: 1}) {
		t.Fatalf("snapshots since: %+v %v", since, err)
	}
	d, err := l.DiffSnapshots(ctx, ids[0], ids[1])
	if err != nil || len(d.Worse) != 1 || len(d.Better) != 2 || d.FromSnapshot.ID != ids[0] || d.ToSnapshot.ID != ids[1] {
		t.Fatalf("diff snapshots: %+v %v", d, err)
	}
	if _, err := l.DiffSnapshots(ctx, ids[0], 999); err == nil {
		t.Fatal("missing snapshot accepted")
	}
}

func testFilters(t *testing.T, l *Ledger) {
	ctx := context.Background()
	mustRecord(t, l,
		ev(posture.EventNew, finding(metaPriv, "shop", "a", check.SeverityCritical, "a"), at(1), "", ""),
		ev(posture.EventNew, finding(metaRoot, "shop", "b", check.SeverityMedium, "b"), at(2), "", ""),
		ev(posture.EventNew, finding(metaNet, "pay", "c", check.SeverityHigh, "c"), at(3), "", ""),
		ev(posture.EventResolved, finding(metaNet, "pay", "c", check.SeverityHigh, "c"), at(4), "", ""),
	)
	cases := []struct {
		f    Filter
		want string
	}{
		{Filter{}, "a b"},
		{Filter{Status: StatusAll}, "a c b"},
		{Filter{Status: StatusResolved}, "c"},
		{Filter{Status: StatusAll, Layer: check.LayerNetwork}, "c"},
		{Filter{Status: StatusAll, MinSeverity: check.SeverityHigh}, "a c"},
		{Filter{Namespace: "shop", Check: "run-as-root"}, "b"},
		{Filter{Check: "ST-0001"}, "a"},
		{Filter{Status: StatusAll, Since: at(3)}, "c"},
		{Filter{Status: StatusAll, Limit: 1}, "a"},
	}
	for _, c := range cases {
		rs, err := l.Findings(ctx, c.f)
		if err != nil {
			t.Fatalf("%+v: %v", c.f, err)
		}
		var got []string
		for _, r := range rs {
			got = append(got, r.Object.Name)
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%+v: got %q, want %q", c.f, strings.Join(got, " "), c.want)
		}
	}
	if _, err := l.Findings(ctx, Filter{Status: "maybe"}); err == nil {
		t.Error("unknown status accepted")
	}
}

// testHostile stores and filters on strings made to break SQL built by concatenation.
func testHostile(t *testing.T, l *Ledger) {
	ctx := context.Background()
	hostile := []string{
		"x' OR '1'='1", `"; DROP TABLE findings; --`, "shop'--", `\'; DELETE FROM events; --`, "?", "$1", "%", "_", "shop\x00",
		"ns' UNION SELECT key, key, key, key, 1, key, key, key, key, key, key, key, 1, 1, 1, NULL, key, key, 1 FROM findings --",
	}
	mustRecord(t, l, ev(posture.EventNew, finding(metaPriv, "shop", "a", check.SeverityCritical, "a"), at(1), "", ""))
	for _, h := range hostile {
		rs, err := l.Findings(ctx, Filter{Namespace: h, Check: h})
		if err != nil || len(rs) != 0 {
			t.Fatalf("namespace %q: %v, %v", h, rs, err)
		}
	}
	// Stored verbatim too (NUL aside: PostgreSQL text cannot hold it).
	for i, h := range hostile[:len(hostile)-2] {
		f := finding(metaRoot, h, "n"+string(rune('a'+i)), check.SeverityLow, h)
		f.Object.UID = ""
		mustRecord(t, l, ev(posture.EventNew, f, at(2), h, h))
		rs, err := l.Findings(ctx, Filter{Namespace: h})
		if err != nil || len(rs) != 1 || rs[0].Message != h || rs[0].Manager != h || rs[0].Object.Namespace != h {
			t.Fatalf("stored %q: %+v, %v", h, rs, err)
		}
	}
	if rs, err := l.Findings(ctx, Filter{Namespace: "shop"}); err != nil || len(rs) != 1 {
		t.Fatalf("tables damaged: %v, %v", rs, err)
	}
}

func testPrune(t *testing.T, l *Ledger) {
	ctx := context.Background()
	a := finding(metaPriv, "shop", "a", check.SeverityCritical, "a")
	b := finding(metaRoot, "shop", "b", check.SeverityMedium, "b")
	c := finding(metaNet, "pay", "c", check.SeverityHigh, "c")
	mustRecord(t, l,
		ev(posture.EventNew, a, at(1), "", ""), ev(posture.EventNew, b, at(1), "", ""), ev(posture.EventNew, c, at(1), "", ""),
		ev(posture.EventResolved, b, at(2), "", ""), // resolved long ago: pruned
		ev(posture.EventResolved, c, at(20), "argocd", "fix"),
	)
	if _, err := l.Snapshot(ctx, &posture.Posture{Findings: []*posture.Finding{a, c}}, at(2)); err != nil {
		t.Fatal(err)
	}
	p, err := l.Prune(ctx, at(10))
	if err != nil || p != (Pruned{Events: 4, Snapshots: 1, Findings: 1}) {
		t.Fatalf("prune: %+v, %v", p, err)
	}
	rs, _ := l.Findings(ctx, Filter{Status: StatusAll})
	if len(rs) != 2 || !rs[0].FirstSeen.Equal(at(1)) {
		t.Fatalf("after prune: %+v", rs)
	}
	// c's baseline is gone, yet its resolution still reads as better.
	d, err := l.Diff(ctx, at(5), at(30))
	if err != nil || len(d.Better) != 1 || d.Better[0].Object.Name != "c" || d.Better[0].Manager != "argocd" || len(d.Worse) != 0 {
		t.Fatalf("diff after prune: %+v, %v", d, err)
	}
}

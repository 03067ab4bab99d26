package server

import (
	"context"
	"sync"
	"time"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/report"
	"github.com/strata-sec/strata/internal/watch"
)

// fakeSource is an in-memory Source: tests set its posture and push batches.
type fakeSource struct {
	mu   sync.Mutex
	p    posture.Posture
	st   watch.Status
	subs map[chan watch.Batch]struct{}
}

func newFakeSource(p posture.Posture, synced bool) *fakeSource {
	return &fakeSource{p: p, st: watch.Status{Synced: synced, Kinds: []watch.KindStatus{
		{Name: "Pod", Synced: synced, Objects: 3}, {Name: "Deployment.apps", Synced: true, Objects: 1},
	}}, subs: map[chan watch.Batch]struct{}{}}
}

func (f *fakeSource) Posture() *posture.Posture {
	f.mu.Lock()
	defer f.mu.Unlock()
	cp := f.p
	cp.Findings = append([]*posture.Finding(nil), f.p.Findings...)
	cp.Suppressed = append([]*posture.Finding(nil), f.p.Suppressed...)
	return &cp
}

func (f *fakeSource) Status() watch.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st
}

func (f *fakeSource) setSynced(v bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.st.Synced = v
	f.st.Kinds[0].Synced = v
}

func (f *fakeSource) Subscribe(buffer int) (<-chan watch.Batch, func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := make(chan watch.Batch, buffer)
	f.subs[ch] = struct{}{}
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			f.mu.Lock()
			defer f.mu.Unlock()
			delete(f.subs, ch)
		})
	}
}

func (f *fakeSource) subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}

// push applies events to the posture, as the watcher does, then publishes them.
func (f *fakeSource) push(evs ...posture.Event) {
	f.mu.Lock()
	now := time.Now()
	for i := range evs {
		evs[i].Time = now
		k := evs[i].Finding.Key()
		var kept []*posture.Finding
		for _, x := range f.p.Findings {
			if x.Key() != k {
				kept = append(kept, x)
			}
		}
		if evs[i].Type != posture.EventResolved {
			kept = append(kept, evs[i].Finding)
		}
		f.p.Findings = kept
	}
	b := watch.Batch{Events: evs, Changes: len(evs), Evaluation: 3 * time.Millisecond, Lag: 20 * time.Millisecond, At: now}
	subs := make([]chan watch.Batch, 0, len(f.subs))
	for ch := range f.subs {
		subs = append(subs, ch)
	}
	f.mu.Unlock()
	for _, ch := range subs {
		ch <- b
	}
}

func meta(id, slug string, layer check.Layer, sev check.Severity) *check.Meta {
	return &check.Meta{ID: id, Slug: slug, Title: "Title of " + slug, Layer: layer, Severity: sev,
		Description: "A test check that looks at things for the server tests.", Remediation: "Fix it.",
		References: []string{"https://example.com/" + slug}}
}

var (
	mPriv = meta("ST-0001", "privileged-container", check.LayerWorkload, check.SeverityCritical)
	mRoot = meta("ST-0002", "run-as-root", check.LayerContainer, check.SeverityHigh)
	mNet  = meta("ST-0003", "no-default-deny", check.LayerNetwork, check.SeverityMedium)
	mNode = meta("ST-0004", "kubelet-anonymous", check.LayerNode, check.SeverityHigh)
)

func finding(m *check.Meta, ns, name, msg string) *posture.Finding {
	return &posture.Finding{Check: m, Severity: m.Severity, Object: check.Ref{APIVersion: "apps/v1", Kind: "Deployment", Namespace: ns, Name: name},
		Path: "spec.template.spec.containers[0].securityContext.privileged", Message: msg,
		Fix: []check.PatchOp{{Op: "replace", Path: "/spec/template/spec/containers/0/securityContext/privileged", Value: false}}}
}

// examplePosture has findings in three layers, a pass, a not-assessed check and a suppressed
// finding.
func examplePosture() posture.Posture {
	sup := finding(mNet, "kube-system", "dns", "namespace kube-system has no default-deny policy")
	sup.Exemption = &posture.Exemption{Checks: []string{"ST-0003"}, Reason: "accepted", Source: "annotation"}
	return posture.Posture{
		Checks: []*check.Meta{mPriv, mRoot, mNet, mNode},
		Findings: []*posture.Finding{
			finding(mPriv, "shop", "web", "container web is privileged"),
			finding(mRoot, "shop", "web", "container web runs as root"),
			finding(mNet, "shop", "", "namespace shop has no default-deny policy"),
		},
		Suppressed: []*posture.Finding{sup},
		Coverage: []posture.Coverage{
			{CheckID: "ST-0001", Status: posture.StatusFail, Evaluated: 2, Failed: 1},
			{CheckID: "ST-0002", Status: posture.StatusFail, Evaluated: 2, Failed: 1},
			{CheckID: "ST-0003", Status: posture.StatusPass, Evaluated: 2},
			{CheckID: "ST-0004", Status: posture.StatusNotAssessed, Reason: "node facts missing"},
		},
	}
}

// fakeHistory returns fixed points.
type fakeHistory struct{ points []Point }

func (h fakeHistory) Series(_ context.Context, since time.Time) ([]Point, error) {
	var out []Point
	for _, p := range h.points {
		if !p.At.Before(since) {
			out = append(out, p)
		}
	}
	return out, nil
}

func examplePoints(now time.Time) []Point {
	var out []Point
	for i := 0; i < 6; i++ {
		out = append(out, Point{At: now.Add(time.Duration(i-6) * time.Hour),
			BySeverity: map[check.Severity]int{check.SeverityCritical: i % 3, check.SeverityHigh: 2 + i},
			ByLayer:    map[check.Layer]int{check.LayerWorkload: i%3 + 2 + i},
			Coverage:   []report.LayerCoverage{{Layer: check.LayerWorkload, Pass: 3, Fail: 1}}})
	}
	return out
}

type fakeLedger struct{}

func (fakeLedger) WriteErrors() uint64 { return 2 }
func (fakeLedger) QueueLength() int    { return 7 }
func (fakeLedger) LastError() string   { return "disk full" }

const testToken = "test-token-0123456789abcdef"

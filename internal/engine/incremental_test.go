package engine

import (
	"context"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/posture"
)

// TestIncrementalSemantics walks one inventory through changes and checks each batch's events.
func TestIncrementalSemantics(t *testing.T) {
	runs := 0
	nsCheck := &check.ClusterCheck{Meta: meta("ST-0907", "namespaces"), Reads: []schema.GroupKind{gkNS},
		Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
			runs++
			_ = inv.List(gkNS, "")
			return nil, nil
		}}
	g := newCluster(9)
	objs := append([]*check.Object{g.namespace("shop", nil)}, g.deployment("shop", "web", 1, true)...)
	ix := inventory.NewIndex(objs)
	e := NewIncremental(Options{Checks: []check.Check{hostNetwork, nsCheck}})
	ctx := context.Background()
	evs, err := e.Full(ctx, ix)
	if err != nil || len(evs) != 1 || evs[0].Type != posture.EventNew || evs[0].Finding.Object.Kind != "Deployment" {
		t.Fatalf("Full: %v %+v", err, evs)
	}
	m := &mutator{g: g, ix: ix}
	dep := objs[1]
	type step struct {
		name    string
		changes func() []Change
		want    []string // "type kind/name" per event
		cause   string
		runs    int
	}
	steps := []step{
		{"no-op update emits nothing", func() []Change { c, _ := copyOf(dep); return []Change{m.upsert(c)} }, nil, "", 1},
		// The Pod stays controlled by the ReplicaSet, which embeds the template: it stays silent.
		{"deleting the Deployment exposes its ReplicaSet", func() []Change { return []Change{m.remove(dep)} },
			[]string{"resolved Deployment/web", "new ReplicaSet/web-5d8f"}, "delete Deployment/shop/web", 1},
		{"re-adding it hides it again", func() []Change { return []Change{m.upsert(dep)} },
			[]string{"resolved ReplicaSet/web-5d8f", "new Deployment/web"}, "add Deployment/shop/web", 1},
		{"an exemption annotation resolves the finding", func() []Change {
			c, meta := copyOf(dep)
			meta.SetAnnotations(map[string]string{AnnotationExempt: "host-network", AnnotationExemptReason: "CNI"})
			c.Manager = "helm"
			return []Change{m.upsert(c)}
		}, []string{"resolved Deployment/web"}, "update Deployment/shop/web", 1},
		{"a namespace change re-runs the cluster check only", func() []Change {
			c, meta := copyOf(objs[0])
			meta.SetLabels(map[string]string{"team": "a"})
			return []Change{m.upsert(c)}
		}, nil, "", 2},
		{"a compliant template resolves nothing more and emits nothing", func() []Change {
			d, _ := ix.Get(gkDeploy, "shop", "web")
			c, _ := copyOf(d)
			c.Obj.(*appsv1.Deployment).Spec.Template.Spec.HostNetwork = false
			return []Change{m.upsert(c)}
		}, nil, "", 2},
	}
	for _, s := range steps {
		evs, err := e.Apply(ctx, ix, s.changes())
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ev := range evs {
			got = append(got, string(ev.Type)+" "+ev.Finding.Object.Kind+"/"+ev.Finding.Object.Name)
			if ev.Cause != s.cause {
				t.Errorf("%s: cause %q, want %q", s.name, ev.Cause, s.cause)
			}
		}
		if len(got) != len(s.want) {
			t.Fatalf("%s: events %v, want %v", s.name, got, s.want)
		}
		for i := range got {
			if got[i] != s.want[i] {
				t.Errorf("%s: event %d = %s, want %s", s.name, i, got[i], s.want[i])
			}
		}
		if runs != s.runs {
			t.Errorf("%s: cluster check ran %d times, want %d", s.name, runs, s.runs)
		}
	}
	p := e.Posture()
	if len(p.Findings) != 0 || len(p.Exemptions) != 0 {
		t.Errorf("final posture: %d findings, exemptions %+v", len(p.Findings), p.Exemptions)
	}
}

func TestIncrementalEventsCarryManager(t *testing.T) {
	g := newCluster(3)
	ix := inventory.NewIndex(nil)
	e := NewIncremental(Options{Checks: []check.Check{hostNetwork}})
	if _, err := e.Full(context.Background(), ix); err != nil {
		t.Fatal(err)
	}
	m := &mutator{g: g, ix: ix}
	pod := g.pod("ops", "agent", nil, g.podSpec("agent", true), nil)
	pod.Manager = "kube-controller-manager"
	evs, err := e.Apply(context.Background(), ix, []Change{m.upsert(pod)})
	if err != nil || len(evs) != 1 || evs[0].Manager != "kube-controller-manager" || evs[0].Cause != "add Pod/ops/agent" {
		t.Fatalf("%v %+v", err, evs)
	}
}

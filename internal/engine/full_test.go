package engine

import (
	"context"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/inventory"
)

// TestFullAfterInterruptedFull checks that a Full cancelled half way leaves the published
// posture alone, and that the next evaluation's events turn that posture into the new one.
func TestFullAfterInterruptedFull(t *testing.T) {
	opts := registryOptions(t)
	g := newCluster(11)
	ix := inventory.NewIndex(g.inventory(6, 3, 2))
	m := &mutator{g: g, ix: ix, denied: map[schema.GroupKind]string{}}
	o := opts
	o.Exemptions = configExemption(opts)
	e := NewIncremental(o)
	if _, err := e.Full(context.Background(), ix); err != nil {
		t.Fatal(err)
	}
	prev := activeMap(e.Posture())
	published := e.Posture()
	var changes []Change
	for range 20 {
		_, cs := m.step()
		changes = append(changes, cs...)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Full(ctx, ix); err == nil {
		t.Fatal("a cancelled Full reported no error")
	}
	if e.Posture() != published {
		t.Fatal("a cancelled Full replaced the published posture")
	}
	evs, err := e.Apply(context.Background(), ix, changes)
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "full after an interrupted one", ix, m.denied, opts, e.Posture())
	applyEvents(t, "full after an interrupted one", prev, evs)
	if d := diffLines("active", mapLines(activeMap(e.Posture())), mapLines(prev)); d != "" {
		t.Fatalf("events do not turn the published posture into the new one:\n%s", d)
	}
	if len(evs) == 0 {
		t.Fatal("20 changes and no events")
	}
}

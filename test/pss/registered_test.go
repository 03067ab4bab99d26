package pss_test

import (
	"testing"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks/kernel"
	"github.com/strata-sec/strata/internal/checks/workload"
	"github.com/strata-sec/strata/internal/pss"
)

// TestEveryControlRegistered checks that each PSS control has exactly one registered check, in
// the layer it belongs to (seccomp is the kernel layer), with valid metadata.
func TestEveryControlRegistered(t *testing.T) {
	found := map[string]int{}
	foundIn := map[string]check.Layer{}
	layers := map[check.Layer][]check.Check{
		check.LayerWorkload: workload.Checks(),
		check.LayerKernel:   kernel.Checks(),
	}
	for layer, cs := range layers {
		for _, c := range cs {
			m := c.Metadata()
			if _, ok := pss.ControlOf(m.ID); !ok {
				continue
			}
			found[m.ID]++
			foundIn[m.ID] = layer
			if m.Layer != layer {
				t.Errorf("%s is registered in the %s layer but declares layer %s", m.ID, layer, m.Layer)
			}
			if err := m.Validate(); err != nil {
				t.Error(err)
			}
			if _, ok := c.(*check.WorkloadCheck); !ok {
				t.Errorf("%s is a %T, want a workload check", m.ID, c)
			}
		}
	}
	want := map[string]check.Layer{"ST-0008": check.LayerKernel, "ST-0019": check.LayerKernel}
	for _, id := range pss.CheckIDs() {
		if found[id] != 1 {
			t.Errorf("%s is registered %d times, want once", id, found[id])
		}
		layer, ok := want[id]
		if !ok {
			layer = check.LayerWorkload
		}
		if found[id] > 0 && foundIn[id] != layer {
			t.Errorf("%s is in the %s layer, want %s", id, foundIn[id], layer)
		}
	}
	if un := pss.UnmappedControls(); len(un) > 0 {
		t.Errorf("upstream controls without a strata check: %v", un)
	}
}

package container

import (
	"testing"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks/checktest"
)

func TestFixtures(t *testing.T) { checktest.Fixtures(t, Checks(), "testdata") }

// TestFixesResolve applies every mechanical fix to the fail fixtures and scans again.
func TestFixesResolve(t *testing.T) { checktest.FixesResolve(t, Checks(), "testdata") }

func TestMetadata(t *testing.T) {
	if _, err := check.NewRegistry(Checks()); err != nil {
		t.Fatal(err)
	}
	prev := ""
	for _, c := range Checks() {
		m := c.Metadata()
		if m.Layer != check.LayerContainer {
			t.Errorf("%s: layer %s, want %s", m.ID, m.Layer, check.LayerContainer)
		}
		if m.ID <= prev {
			t.Errorf("Checks() is not in ID order: %s after %s", m.ID, prev)
		}
		prev = m.ID
	}
}

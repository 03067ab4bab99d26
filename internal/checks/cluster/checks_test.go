package cluster

import (
	"fmt"
	"os"
	"testing"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks/checktest"
)

// TestMain points the data directory at an empty one, so the version checks use the embedded
// dataset and the fixtures' goldens do not depend on a local 'strata db update'.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "strata-cluster-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "create data directory:", err)
		os.Exit(2)
	}
	os.Setenv("XDG_DATA_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestFixtures(t *testing.T) { checktest.Fixtures(t, Checks(), "testdata") }

// TestFixesResolve applies every mechanical fix to the fail fixtures and scans again.
func TestFixesResolve(t *testing.T) { checktest.FixesResolve(t, Checks(), "testdata") }

func TestMetadata(t *testing.T) {
	if _, err := check.NewRegistry(Checks()); err != nil {
		t.Fatal(err)
	}
}

package network

import (
	"testing"

	"github.com/strata-sec/strata/internal/checks/checktest"
)

func TestFixtures(t *testing.T) { checktest.Fixtures(t, Checks(), "testdata") }

// TestFixesResolve applies every mechanical fix to the fail fixtures and scans again.
func TestFixesResolve(t *testing.T) { checktest.FixesResolve(t, Checks(), "testdata") }

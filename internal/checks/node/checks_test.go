package node

import (
	"testing"

	"github.com/strata-sec/strata/internal/checks/checktest"
)

func TestFixtures(t *testing.T) { checktest.Fixtures(t, Checks(), "testdata") }

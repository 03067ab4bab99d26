package docs_test

import (
	"testing"

	"github.com/strata-sec/strata/internal/checks"
	"github.com/strata-sec/strata/internal/docs"
	"github.com/strata-sec/strata/internal/framework"
)

// These tests read the real registry and the committed reference. They fail whenever a check's
// metadata, fixtures or framework mappings change without `go generate ./internal/docs`.

func TestCommittedReferenceIsUpToDate(t *testing.T) {
	reg, err := checks.Registry()
	if err != nil {
		t.Fatalf("load checks: %v", err)
	}
	fw, err := framework.Load()
	if err != nil {
		t.Fatalf("load frameworks: %v", err)
	}
	if err := docs.Check("../../docs/checks", reg.All(), fw, docs.WithRoot("../..")); err != nil {
		t.Fatal(err)
	}
}

func TestFrameworkMappingsNameRegisteredChecks(t *testing.T) {
	reg, err := checks.Registry()
	if err != nil {
		t.Fatalf("load checks: %v", err)
	}
	fw, err := framework.Load()
	if err != nil {
		t.Fatalf("load frameworks: %v", err)
	}
	if err := fw.Validate(func(id string) bool { _, ok := reg.Lookup(id); return ok }); err != nil {
		t.Fatal(err)
	}
}

package paths

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/inventory/manifest"
	"github.com/strata-sec/strata/internal/rbac"
)

func mustSubject(t testing.TB, s string) rbac.Subject {
	t.Helper()
	sub, err := rbac.ParseSubject(s)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

func sortStrings(ss []string) { sort.Strings(ss) }

func loadIndex(t testing.TB, yaml string) *inventory.Index {
	t.Helper()
	res, err := manifest.Load(context.Background(), []string{"-"}, manifest.Options{Stdin: strings.NewReader(yaml)})
	if err != nil || len(res.Errors) > 0 {
		t.Fatalf("load: %v %+v", err, res.Errors)
	}
	return inventory.NewIndex(res.Objects)
}

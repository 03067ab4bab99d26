// Package checktest runs a layer's checks over their fixtures: every check has pass and fail
// fixtures under testdata/<ID>/{pass,fail}/, pass fixtures produce no finding of that check,
// fail fixtures produce at least one and match their .golden file, and every fixture
// directory belongs to a registered check.
package checktest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"encoding/json"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/engine"
	"github.com/strata-sec/strata/internal/golden"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/inventory/manifest"
	"github.com/strata-sec/strata/internal/posture"
)

// Fixtures tests checks against testdata (usually "testdata").
func Fixtures(t *testing.T, checks []check.Check, testdata string) {
	t.Helper()
	known := map[string]bool{}
	for _, c := range checks {
		c := c
		id := c.Metadata().ID
		known[id] = true
		t.Run(id, func(t *testing.T) {
			for _, want := range []string{"pass", "fail"} {
				files, _ := filepath.Glob(filepath.Join(testdata, id, want, "*.yaml"))
				if len(files) == 0 {
					t.Errorf("%s has no %s fixture in %s", id, want, filepath.Join(testdata, id, want))
				}
				for _, f := range files {
					t.Run(want+"/"+strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
						runFixture(t, c, f, want == "fail")
					})
				}
			}
		})
	}
	entries, err := os.ReadDir(testdata)
	if err != nil {
		t.Fatalf("read %s: %v", testdata, err)
	}
	for _, e := range entries {
		if e.IsDir() && !known[e.Name()] {
			t.Errorf("fixture directory %s belongs to no registered check", filepath.Join(testdata, e.Name()))
		}
	}
}

func runFixture(t *testing.T, c check.Check, file string, wantFail bool) {
	p := Scan(t, []check.Check{c}, file)
	lines := Lines(p.Findings)
	if wantFail && len(lines) == 0 {
		t.Fatalf("%s: expected at least one finding of %s, got none", file, c.Metadata().ID)
	}
	if !wantFail && len(lines) > 0 {
		t.Fatalf("%s: expected no finding of %s, got:\n%s", file, c.Metadata().ID, strings.Join(lines, "\n"))
	}
	if wantFail {
		golden.Compare(t, strings.TrimSuffix(file, ".yaml")+".golden", []byte(strings.Join(lines, "\n")+"\n"))
	}
}

// Scan loads files and evaluates checks over them; load errors fail the test.
func Scan(t testing.TB, checks []check.Check, files ...string) *posture.Posture {
	t.Helper()
	res, err := manifest.Load(context.Background(), files, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("fixture does not load: %+v", res.Errors)
	}
	p, err := engine.Evaluate(context.Background(), inventory.NewIndex(res.Objects), engine.Options{
		Checks: checks, Env: DefaultEnv(), Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, cov := range p.Coverage {
		if cov.Status == posture.StatusError {
			t.Fatalf("check %s errored: %v", cov.CheckID, cov.Errors)
		}
	}
	return p
}

// Lines renders findings one per line, the .golden format:
// Kind/ns/name line N path: message [fix: JSON patch].
func Lines(fs []*posture.Finding) []string {
	var out []string
	for _, f := range fs {
		s := fmt.Sprintf("%s line %d %s: %s", f.Object, f.Location.Line, f.Path, f.Message)
		if len(f.Fix) > 0 {
			b, _ := json.Marshal(f.Fix)
			s += " [fix: " + string(b) + "]"
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

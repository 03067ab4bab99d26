package cluster

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	"sigs.k8s.io/yaml"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks/checktest"
)

var part2DocSeparator = regexp.MustCompile(`(?m)^---\s*$`)

// TestPart2FixesResolveFindings applies the fixes of checks ST-0140..ST-0179 to their fail
// fixtures, as 'strata fix' would, and scans again: every finding that carried a fix must be
// gone, and those that did not must remain.
func TestPart2FixesResolveFindings(t *testing.T) {
	for _, c := range Checks() {
		id := c.Metadata().ID
		if id < "ST-0140" || id > "ST-0179" {
			continue
		}
		files, _ := filepath.Glob(filepath.Join("testdata", id, "fail", "*.yaml"))
		for _, f := range files {
			t.Run(id+"/"+strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
				fixes := map[string][]check.PatchOp{}
				var keep []string
				for _, fd := range checktest.Scan(t, []check.Check{c}, f).Findings {
					if len(fd.Fix) == 0 {
						keep = append(keep, fd.Object.String()+" "+fd.Path+": "+fd.Message)
						continue
					}
					fixes[fd.Object.String()] = append(fixes[fd.Object.String()], fd.Fix...)
				}
				if len(fixes) == 0 {
					return
				}
				fixed := filepath.Join(t.TempDir(), "fixed.yaml")
				if err := os.WriteFile(fixed, part2Patch(t, f, fixes), 0o600); err != nil {
					t.Fatal(err)
				}
				var after []string
				for _, fd := range checktest.Scan(t, []check.Check{c}, fixed).Findings {
					after = append(after, fd.Object.String()+" "+fd.Path+": "+fd.Message)
				}
				slices.Sort(keep)
				slices.Sort(after)
				if !slices.Equal(keep, after) {
					t.Errorf("after the fixes:\n%s\nwant only the findings without a fix:\n%s", strings.Join(after, "\n"), strings.Join(keep, "\n"))
				}
			})
		}
	}
}

// part2Patch applies each object's fixes to its document and returns the documents as JSON
// lines, one per document, which the manifest loader reads as YAML.
func part2Patch(t *testing.T, file string, fixes map[string][]check.PatchOp) []byte {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, doc := range part2DocSeparator.Split(string(src), -1) {
		js, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		var meta struct {
			Kind     string `json:"kind"`
			Metadata struct{ Name, Namespace string }
		}
		if err := json.Unmarshal(js, &meta); err != nil {
			t.Fatal(err)
		}
		ref := check.Ref{Kind: meta.Kind, Namespace: meta.Metadata.Namespace, Name: meta.Metadata.Name}.String()
		if ops := fixes[ref]; len(ops) > 0 {
			raw, err := json.Marshal(ops)
			if err != nil {
				t.Fatal(err)
			}
			patch, err := jsonpatch.DecodePatch(raw)
			if err != nil {
				t.Fatal(err)
			}
			if js, err = patch.Apply(js); err != nil {
				t.Fatalf("%s: %s: %v", ref, raw, err)
			}
		}
		out = append(out, string(js))
	}
	return []byte(strings.Join(out, "\n---\n") + "\n")
}

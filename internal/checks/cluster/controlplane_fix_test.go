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
	"github.com/strata-sec/strata/internal/posture"
)

var docSeparator = regexp.MustCompile(`(?m)^---\s*$`)

// TestControlPlaneFixesResolveFindings applies the fixes of the control-plane checks to their
// fail fixtures, every finding's in turn as 'strata fix' would, and scans the result again: the
// findings that carried a fix must be gone, and those that did not must be untouched.
func TestControlPlaneFixesResolveFindings(t *testing.T) {
	for _, c := range Checks() {
		id := c.Metadata().ID
		if id < "ST-0105" || id > "ST-0139" {
			continue
		}
		files, _ := filepath.Glob(filepath.Join("testdata", id, "fail", "*.yaml"))
		for _, f := range files {
			t.Run(id+"/"+strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
				before := checktest.Scan(t, []check.Check{c}, f)
				fixes := map[string][]check.PatchOp{}
				var keep []string
				for _, fd := range before.Findings {
					if len(fd.Fix) == 0 {
						keep = append(keep, finding(fd))
						continue
					}
					fixes[fd.Object.String()] = append(fixes[fd.Object.String()], fd.Fix...)
				}
				if len(fixes) == 0 {
					return
				}
				fixed := filepath.Join(t.TempDir(), "fixed.yaml")
				if err := os.WriteFile(fixed, patchDocs(t, f, fixes), 0o600); err != nil {
					t.Fatal(err)
				}
				var after []string
				for _, fd := range checktest.Scan(t, []check.Check{c}, fixed).Findings {
					after = append(after, finding(fd))
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

// finding identifies a finding without its line, which patching moves.
func finding(f *posture.Finding) string { return f.Object.String() + " " + f.Path + ": " + f.Message }

func patchDocs(t *testing.T, file string, fixes map[string][]check.PatchOp) []byte {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, doc := range docSeparator.Split(string(src), -1) {
		js, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		var meta struct {
			Kind     string
			Metadata struct{ Name, Namespace string }
		}
		if err := json.Unmarshal(js, &meta); err != nil {
			t.Fatal(err)
		}
		ops := fixes[meta.Kind+"/"+meta.Metadata.Namespace+"/"+meta.Metadata.Name]
		if len(ops) > 0 {
			patch, err := json.Marshal(ops)
			if err != nil {
				t.Fatal(err)
			}
			p, err := jsonpatch.DecodePatch(patch)
			if err != nil {
				t.Fatal(err)
			}
			if js, err = p.Apply(js); err != nil {
				t.Fatalf("fix %s does not apply: %v", patch, err)
			}
		}
		y, err := yaml.JSONToYAML(js)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(y))
	}
	return []byte(strings.Join(out, "---\n"))
}

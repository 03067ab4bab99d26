package workload

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	"sigs.k8s.io/yaml"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks/checktest"
)

var yamlDocSeparator = regexp.MustCompile(`(?m)^---\s*$`)

// TestFixesResolveFindings applies the JSON-patch fixes of ST-0021..ST-0033 to their fail
// fixtures, one violation after the other as `strata fix` would, and scans the result again:
// every fixable finding must be gone and nothing else may break.
func TestFixesResolveFindings(t *testing.T) {
	for _, c := range Checks() {
		id := c.Metadata().ID
		if id < "ST-0021" || id > "ST-0033" {
			continue
		}
		files, _ := filepath.Glob(filepath.Join("testdata", id, "fail", "*.yaml"))
		for _, f := range files {
			t.Run(id+"/"+strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
				before := checktest.Scan(t, []check.Check{c}, f)
				fixes := map[string][][]check.PatchOp{}
				for _, fd := range before.Findings {
					if len(fd.Fix) == 0 {
						return // the check leaves this fix to a human
					}
					fixes[fd.Object.String()] = append(fixes[fd.Object.String()], fd.Fix)
				}
				fixed := filepath.Join(t.TempDir(), "fixed.yaml")
				if err := os.WriteFile(fixed, applyFixes(t, f, fixes), 0o600); err != nil {
					t.Fatal(err)
				}
				if after := checktest.Scan(t, []check.Check{c}, fixed); len(after.Findings) > 0 {
					t.Errorf("findings left after applying the fixes:\n%s", strings.Join(checktest.Lines(after.Findings), "\n"))
				}
			})
		}
	}
}

// applyFixes patches every document of file with the fixes recorded for its object.
func applyFixes(t *testing.T, file string, fixes map[string][][]check.PatchOp) []byte {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, doc := range yamlDocSeparator.Split(string(src), -1) {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		js, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		var head struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(js, &head); err != nil {
			t.Fatal(err)
		}
		ref := check.Ref{Kind: head.Kind, Namespace: head.Metadata.Namespace, Name: head.Metadata.Name}
		for _, ops := range fixes[ref.String()] {
			raw, _ := json.Marshal(ops)
			patch, err := jsonpatch.DecodePatch(raw)
			if err != nil {
				t.Fatalf("fix %s does not decode: %v", raw, err)
			}
			if js, err = patch.Apply(js); err != nil {
				t.Fatalf("fix %s does not apply to %s: %v", raw, ref, err)
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

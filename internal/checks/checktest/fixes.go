package checktest

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
	"github.com/strata-sec/strata/internal/posture"
)

var docSeparator = regexp.MustCompile(`(?m)^---\s*$`)

// FixesResolve applies the JSON-patch fixes of every check to its fail fixtures, one finding's
// after the other as 'strata fix' would, and scans the result again: every patch must apply,
// every finding that carried a fix must be gone, and the findings without one must remain.
func FixesResolve(t *testing.T, checks []check.Check, testdata string) {
	t.Helper()
	for _, c := range checks {
		id := c.Metadata().ID
		files, _ := filepath.Glob(filepath.Join(testdata, id, "fail", "*.yaml"))
		for _, f := range files {
			t.Run(id+"/"+strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
				fixesResolve(t, c, f)
			})
		}
	}
}

func fixesResolve(t *testing.T, c check.Check, file string) {
	before := Scan(t, []check.Check{c}, file)
	fixes := map[string][][]check.PatchOp{}
	unfixed := map[string]bool{}
	for _, f := range before.Findings {
		if len(f.Fix) == 0 {
			unfixed[key(f)] = true
			continue
		}
		fixes[f.Object.String()] = append(fixes[f.Object.String()], f.Fix)
	}
	if len(fixes) == 0 {
		return
	}
	fixed := filepath.Join(t.TempDir(), filepath.Base(file))
	if err := os.WriteFile(fixed, applyFixes(t, file, fixes), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, f := range Scan(t, []check.Check{c}, fixed).Findings {
		if !unfixed[key(f)] {
			t.Errorf("after applying the fixes, still: %s", strings.Join(Lines([]*posture.Finding{f}), ""))
		}
	}
}

// key identifies a finding independently of its line, which a patch may move.
func key(f *posture.Finding) string { return f.Object.String() + " " + f.Path + " " + f.Message }

// applyFixes patches every document of file with the fixes recorded for its object.
func applyFixes(t *testing.T, file string, fixes map[string][][]check.PatchOp) []byte {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, doc := range docSeparator.Split(string(src), -1) {
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

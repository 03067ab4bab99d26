package e2e

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// report is the part of the JSON report (docs/json-report.md) the tests read.
type report struct {
	SchemaVersion string       `json:"schemaVersion"`
	Sources       []string     `json:"sources"`
	Findings      []finding    `json:"findings"`
	Suppressed    []finding    `json:"suppressed"`
	Coverage      []coverage   `json:"coverage"`
	Errors        []inputError `json:"errors"`
	Summary       struct {
		Findings       int `json:"findings"`
		ObjectsScanned int `json:"objectsScanned"`
		ChecksRun      int `json:"checksRun"`
		InputErrors    int `json:"inputErrors"`
	} `json:"summary"`
}

type finding struct {
	CheckID  string    `json:"checkID"`
	Severity string    `json:"severity"`
	Object   objectRef `json:"object"`
	Path     string    `json:"path"`
	Message  string    `json:"message"`
	Location *location `json:"location"`
}

type objectRef struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
	UID        string `json:"uid"`
}

type location struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

type coverage struct {
	CheckID   string `json:"checkID"`
	Status    string `json:"status"`
	Reason    string `json:"reason"`
	Evaluated int    `json:"evaluated"`
	Failed    int    `json:"failed"`
}

type inputError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// parseReport decodes a JSON report, failing t with the run's output if it is not one.
func parseReport(t testing.TB, r result) *report {
	t.Helper()
	var rep report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%s\nstdout is not a JSON report: %v\n%.2000s", r, err, r.stdout)
	}
	if rep.SchemaVersion != "v1" {
		t.Fatalf("%s\nschemaVersion %q, want v1", r, rep.SchemaVersion)
	}
	return &rep
}

// objectKey identifies an object the way a finding names it, without apiVersion or UID.
type objectKey struct{ Kind, Namespace, Name string }

func (k objectKey) String() string {
	if k.Namespace == "" {
		return k.Kind + "/" + k.Name
	}
	return k.Kind + "/" + k.Namespace + "/" + k.Name
}

func (o objectRef) key() objectKey { return objectKey{o.Kind, o.Namespace, o.Name} }

// findingKey is a finding's identity across scans: check, object and field path.
type findingKey struct {
	CheckID string
	Object  objectKey
	Path    string
}

func (k findingKey) String() string {
	return fmt.Sprintf("%s %s %s", k.CheckID, k.Object, k.Path)
}

func (f finding) key() findingKey { return findingKey{f.CheckID, f.Object.key(), f.Path} }

// findingSet indexes findings by key; a key seen twice keeps the first finding and counts it.
type findingSet map[findingKey]finding

func newFindingSet(fs []finding, keep func(finding) bool) findingSet {
	set := findingSet{}
	for _, f := range fs {
		if keep(f) {
			if _, dup := set[f.key()]; !dup {
				set[f.key()] = f
			}
		}
	}
	return set
}

// diff lists, one per line and sorted, the findings of a missing from b and of b missing
// from a, under the given names; "" when the sets are equal.
func diff(nameA string, a findingSet, nameB string, b findingSet) string {
	var only []string
	for k, f := range a {
		if _, ok := b[k]; !ok {
			only = append(only, fmt.Sprintf("  only in %s: %s  (%s)", nameA, k, f.Message))
		}
	}
	for k, f := range b {
		if _, ok := a[k]; !ok {
			only = append(only, fmt.Sprintf("  only in %s: %s  (%s)", nameB, k, f.Message))
		}
	}
	slices.Sort(only)
	return strings.Join(only, "\n")
}

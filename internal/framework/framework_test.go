package framework

import (
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"regexp"
	"strings"
	"testing"

	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/strata-sec/strata/internal/posture"
)

func mustLoad(t *testing.T) *Index {
	t.Helper()
	x, err := Load()
	if err != nil {
		t.Fatalf("load embedded framework data: %v", err)
	}
	return x
}

func TestEveryDataFileLoads(t *testing.T) {
	x := mustLoad(t)
	files, err := fs.Glob(dataFS, "data/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bySource := map[string]int{}
	for _, f := range x.Frameworks() {
		bySource[f.Source]++
	}
	for _, file := range files {
		if bySource[path.Base(file)] == 0 {
			t.Errorf("%s defines no framework", file)
		}
	}
	want := []string{"cis-kubernetes-1.10", "cis-kubernetes-1.12", "mitre-attack-containers", "nsa-cisa-1.2", "pss-baseline", "pss-restricted"}
	if got := x.IDs(); !reflect.DeepEqual(got, want) {
		t.Errorf("framework IDs = %v, want %v", got, want)
	}
	for _, f := range x.Frameworks() {
		if !strings.HasPrefix(f.URL, "https://") || f.Title == "" || f.Version == "" || len(f.Controls) == 0 {
			t.Errorf("framework %s is incomplete: %+v", f.ID, f)
		}
	}
}

func TestEveryCheckIDIsWellFormed(t *testing.T) {
	pattern := regexp.MustCompile(`^ST-\d{4}$`)
	x := mustLoad(t)
	n := 0
	for _, f := range x.Frameworks() {
		for _, c := range f.Controls {
			for _, id := range c.Checks {
				n++
				if !pattern.MatchString(id) {
					t.Errorf("%s %s maps %q, which is not a check ID", f.ID, c.ID, id)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no check is mapped at all")
	}
	for id := range x.Map() {
		if !pattern.MatchString(id) {
			t.Errorf("Map has key %q, which is not a check ID", id)
		}
	}
}

// The permanent assignment of PSS controls to strata check IDs.
var pssChecks = map[string]string{
	"ST-0001": "privileged", "ST-0002": "hostNamespaces", "ST-0003": "hostPathVolumes",
	"ST-0004": "hostPorts", "ST-0005": "hostProbesAndHostLifecycle", "ST-0006": "capabilities_baseline",
	"ST-0007": "procMount", "ST-0008": "seccompProfile_baseline", "ST-0009": "seLinuxOptions",
	"ST-0010": "sysctls", "ST-0011": "appArmorProfile", "ST-0012": "windowsHostProcess",
	"ST-0013": "allowPrivilegeEscalation", "ST-0014": "capabilities_restricted",
	"ST-0015": "procMount_restricted", "ST-0016": "restrictedVolumes", "ST-0017": "runAsNonRoot",
	"ST-0018": "runAsUser", "ST-0019": "seccompProfile_restricted",
}

func TestPSSMappingMatchesUpstream(t *testing.T) {
	upstream := map[string]psaapi.Level{}
	for _, c := range policy.DefaultChecks() {
		upstream[string(c.ID)] = c.Level
	}
	levelFramework := map[psaapi.Level]string{psaapi.LevelBaseline: "pss-baseline", psaapi.LevelRestricted: "pss-restricted"}

	x := mustLoad(t)
	got := map[string][]string{} // check ID -> "framework/control"
	for _, fid := range []string{"pss-baseline", "pss-restricted"} {
		f, ok := x.Lookup(fid)
		if !ok {
			t.Fatalf("framework %s is missing", fid)
		}
		for _, c := range f.Controls {
			level, ok := upstream[c.ID]
			if !ok {
				t.Errorf("%s control %q is not a check in policy.DefaultChecks()", fid, c.ID)
			} else if levelFramework[level] != fid {
				t.Errorf("%s control %q is a %s-level check upstream", fid, c.ID, level)
			}
			for _, id := range c.Checks {
				got[id] = append(got[id], fid+"/"+c.ID)
			}
		}
	}
	for id, control := range pssChecks {
		want := levelFramework[upstream[control]] + "/" + control
		if refs := got[id]; len(refs) != 1 || refs[0] != want {
			t.Errorf("%s maps to %v, want exactly [%s]", id, refs, want)
		}
	}
	for id := range got {
		if _, ok := pssChecks[id]; !ok {
			t.Errorf("%s is mapped to a PSS control but is not one of ST-0001..ST-0019", id)
		}
	}
	covered := map[string]bool{}
	for _, control := range pssChecks {
		covered[control] = true
	}
	for id := range upstream {
		if !covered[id] {
			t.Errorf("upstream PSS check %q has no strata check", id)
		}
	}
}

func TestForCheckIsSortedAndCopied(t *testing.T) {
	x := mustLoad(t)
	refs := x.ForCheck("ST-0014")
	want := []posture.FrameworkRef{
		{ID: "cis-kubernetes-1.10", Control: "5.2.9"},
		{ID: "cis-kubernetes-1.10", Control: "5.2.10"},
		{ID: "cis-kubernetes-1.10", Control: "5.7.3"},
	}
	if len(refs) < len(want) || !reflect.DeepEqual(refs[:len(want)], want) {
		t.Fatalf("ForCheck(ST-0014) starts %v, want %v", refs, want)
	}
	refs[0].Control = "changed"
	if x.ForCheck("ST-0014")[0].Control != "5.2.9" {
		t.Error("ForCheck returned the index's own slice")
	}
	if got := x.ForCheck("ST-9999"); len(got) != 0 {
		t.Errorf("ForCheck of an unmapped check = %v, want none", got)
	}
}

func TestMapMatchesForCheck(t *testing.T) {
	x := mustLoad(t)
	m := x.Map()
	for id, refs := range m {
		if !reflect.DeepEqual(refs, x.ForCheck(id)) {
			t.Errorf("Map[%s] = %v, ForCheck = %v", id, refs, x.ForCheck(id))
		}
	}
	m["ST-0001"] = nil
	if len(x.Map()["ST-0001"]) == 0 {
		t.Error("changing the returned map changed the index")
	}
}

func TestLookup(t *testing.T) {
	x := mustLoad(t)
	f, ok := x.Lookup("  CIS-Kubernetes-1.10 ")
	if !ok || f.ID != "cis-kubernetes-1.10" {
		t.Fatalf("Lookup ignoring case and space = %v, %v", f.ID, ok)
	}
	c, ok := f.Control("5.2.2")
	if !ok || !strings.Contains(c.Title, "privileged") || c.Assessment != AssessmentManual {
		t.Errorf("control 5.2.2 = %+v, %v", c, ok)
	}
	if _, ok := x.Lookup("cis-kubernets-1.10"); ok {
		t.Error("a misspelt framework name was found")
	}
	f.Controls[0].Checks = append(f.Controls[0].Checks, "ST-9999")
	again, _ := x.Lookup("cis-kubernetes-1.10")
	if reflect.DeepEqual(again.Controls[0].Checks, f.Controls[0].Checks) {
		t.Error("Lookup returned the index's own controls")
	}
}

func TestValidate(t *testing.T) {
	x := mustLoad(t)
	all := func(string) bool { return true }
	if err := x.Validate(all); err != nil {
		t.Fatalf("Validate with every check known: %v", err)
	}
	missing := map[string]bool{"ST-0001": true, "ST-0025": true}
	err := x.Validate(func(id string) bool { return !missing[id] })
	if err == nil {
		t.Fatal("Validate accepted mappings to unregistered checks")
	}
	msg := err.Error()
	for _, want := range []string{"2 unregistered", "ST-0001 (cis-kubernetes-1.10 5.2.2", "pss-baseline privileged", "ST-0025 (cis-kubernetes-1.10 5.4.1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Validate error %q does not mention %q", msg, want)
		}
	}
}

func TestCovered(t *testing.T) {
	x := mustLoad(t)
	f, _ := x.Lookup("pss-baseline")
	if got := f.Covered(func(string) bool { return true }); got != len(f.Controls) {
		t.Errorf("Covered with every check known = %d, want %d", got, len(f.Controls))
	}
	if got := f.Covered(func(id string) bool { return id == "ST-0001" }); got != 1 {
		t.Errorf("Covered with only ST-0001 known = %d, want 1", got)
	}
}

func TestNaturalLess(t *testing.T) {
	ordered := []string{"5.1.9", "5.1.10", "5.2.2", "5.2.10", "5.10", "T1078", "T1552.001", "T1552.007", "T1609", "a", "a1", "b"}
	for i := range ordered {
		for j := range ordered {
			if got, want := naturalLess(ordered[i], ordered[j]), i < j; got != want {
				t.Errorf("naturalLess(%q, %q) = %v, want %v", ordered[i], ordered[j], got, want)
			}
		}
	}
}

func ExampleIndex_ForCheck() {
	x, err := Load()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range x.ForCheck("ST-0025") {
		fmt.Println(r.ID, r.Control)
	}
	// Output:
	// cis-kubernetes-1.10 5.4.1
	// cis-kubernetes-1.12 5.4.1
	// mitre-attack-containers T1552.007
	// nsa-cisa-1.2 secrets
}

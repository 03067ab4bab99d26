package pss

import (
	"testing"

	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/strata-sec/strata/internal/check"
)

// TestControlsCoverUpstream fails when the upstream module defines a control no strata check
// implements, or strata maps a check to a control upstream no longer has.
func TestControlsCoverUpstream(t *testing.T) {
	if un := UnmappedControls(); len(un) > 0 {
		t.Errorf("upstream controls without a strata check: %v", un)
	}
	for _, id := range CheckIDs() {
		if _, ok := ControlOf(id); !ok {
			t.Errorf("%s maps to %q, which k8s.io/pod-security-admission does not define", id, controls[id])
		}
	}
	if len(CheckIDs()) != len(policy.DefaultChecks()) {
		t.Errorf("%d mapped checks, %d upstream controls", len(CheckIDs()), len(policy.DefaultChecks()))
	}
}

func TestControlOf(t *testing.T) {
	tests := []struct {
		id       string
		level    psaapi.Level
		upstream policy.CheckID
		ok       bool
	}{
		{"ST-0001", psaapi.LevelBaseline, "privileged", true},
		{"ST-0007", psaapi.LevelBaseline, "procMount", true},
		{"ST-0008", psaapi.LevelBaseline, "seccompProfile_baseline", true},
		{"ST-0015", psaapi.LevelRestricted, "procMount_restricted", true},
		{"ST-0019", psaapi.LevelRestricted, "seccompProfile_restricted", true},
		{"ST-0020", "", "", false},
		{"privileged", "", "", false},
	}
	for _, tt := range tests {
		c, ok := ControlOf(tt.id)
		if ok != tt.ok || c.Level != tt.level || c.Upstream != tt.upstream {
			t.Errorf("ControlOf(%q) = %+v, %v; want level %q, upstream %q, %v", tt.id, c, ok, tt.level, tt.upstream, tt.ok)
		}
	}
}

// fakeCheck is a workload check with only an ID, enough for Select.
func fakeCheck(id string) check.Check {
	return &check.WorkloadCheck{Meta: check.Meta{ID: id}}
}

// TestSelect checks the policy a level and version make up, including the baseline controls a
// restricted control overrides only from the version that override starts.
func TestSelect(t *testing.T) {
	var all []check.Check
	for _, id := range append(CheckIDs(), "ST-0020") {
		all = append(all, fakeCheck(id))
	}
	tests := []struct {
		name    string
		level   psaapi.Level
		version psaapi.Version
		want    []string
	}{
		{"baseline latest", psaapi.LevelBaseline, psaapi.LatestVersion(), []string{
			"ST-0001", "ST-0002", "ST-0003", "ST-0004", "ST-0005", "ST-0006", "ST-0007", "ST-0008",
			"ST-0009", "ST-0010", "ST-0011", "ST-0012"}},
		{"restricted latest: hostPath, capabilities, procMount and seccomp baseline overridden",
			psaapi.LevelRestricted, psaapi.LatestVersion(), []string{
				"ST-0001", "ST-0002", "ST-0004", "ST-0005", "ST-0009", "ST-0010", "ST-0011", "ST-0012",
				"ST-0013", "ST-0014", "ST-0015", "ST-0016", "ST-0017", "ST-0018", "ST-0019"}},
		{"restricted v1.18: only hostPath overridden", psaapi.LevelRestricted, v1(18), []string{
			"ST-0001", "ST-0002", "ST-0004", "ST-0005", "ST-0006", "ST-0007", "ST-0008", "ST-0009",
			"ST-0010", "ST-0011", "ST-0012", "ST-0013", "ST-0014", "ST-0015", "ST-0016", "ST-0017",
			"ST-0018", "ST-0019"}},
		{"restricted v1.22: capabilities and seccomp overridden, procMount not yet", psaapi.LevelRestricted, v1(22), []string{
			"ST-0001", "ST-0002", "ST-0004", "ST-0005", "ST-0007", "ST-0009", "ST-0010", "ST-0011",
			"ST-0012", "ST-0013", "ST-0014", "ST-0015", "ST-0016", "ST-0017", "ST-0018", "ST-0019"}},
		{"privileged selects nothing", psaapi.LevelPrivileged, psaapi.LatestVersion(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range Select(all, tt.level, tt.version) {
				got = append(got, c.Metadata().ID)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v\nwant %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %v\nwant %v", got, tt.want)
				}
			}
		})
	}
}

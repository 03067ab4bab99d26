package pss

import (
	"sort"
	"sync"

	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/strata-sec/strata/internal/check"
)

// controls maps each strata check ID to the upstream control it implements. The IDs are
// permanent; a control upstream adds later gets a new ID, never a reused one.
var controls = map[string]policy.CheckID{
	"ST-0001": "privileged",
	"ST-0002": "hostNamespaces",
	"ST-0003": "hostPathVolumes",
	"ST-0004": "hostPorts",
	"ST-0005": "hostProbesAndHostLifecycle",
	"ST-0006": "capabilities_baseline",
	"ST-0007": "procMount",
	"ST-0008": "seccompProfile_baseline",
	"ST-0009": "seLinuxOptions",
	"ST-0010": "sysctls",
	"ST-0011": "appArmorProfile",
	"ST-0012": "windowsHostProcess",
	"ST-0013": "allowPrivilegeEscalation",
	"ST-0014": "capabilities_restricted",
	"ST-0015": "procMount_restricted",
	"ST-0016": "restrictedVolumes",
	"ST-0017": "runAsNonRoot",
	"ST-0018": "runAsUser",
	"ST-0019": "seccompProfile_restricted",
}

// upstream indexes the upstream default checks by ID. policy.DefaultChecks builds fresh values
// on every call and is meant to be called once, so the index is built on first use and shared;
// it is never written afterwards.
var upstream = sync.OnceValue(func() map[policy.CheckID]policy.Check {
	m := map[policy.CheckID]policy.Check{}
	for _, c := range policy.DefaultChecks() {
		m[c.ID] = c
	}
	return m
})

// Control is the Pod Security Standards control a strata check implements.
type Control struct {
	// CheckID is the strata check ("ST-0001").
	CheckID string
	// Level is the policy level the control belongs to: baseline or restricted.
	Level psaapi.Level
	// Upstream is the control's ID in k8s.io/pod-security-admission ("privileged").
	Upstream policy.CheckID
}

// ControlOf returns the control strata check id implements; ok is false for checks that implement
// none, and for a mapped control the upstream module no longer defines.
func ControlOf(id string) (c Control, ok bool) {
	up, ok := controls[id]
	if !ok {
		return Control{}, false
	}
	def, ok := upstream()[up]
	if !ok {
		return Control{}, false
	}
	return Control{CheckID: id, Level: def.Level, Upstream: up}, true
}

// CheckIDs lists the strata checks that implement Pod Security Standards controls, in ID order.
func CheckIDs() []string {
	ids := make([]string, 0, len(controls))
	for id := range controls {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// UnmappedControls lists upstream default controls no strata check implements, so a module
// upgrade that adds a control cannot go unnoticed.
func UnmappedControls() []policy.CheckID {
	mapped := map[policy.CheckID]bool{}
	for _, up := range controls {
		mapped[up] = true
	}
	var out []policy.CheckID
	for id := range upstream() {
		if !mapped[id] {
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Select returns the checks among cs that make up policy level at version v the way the upstream
// admission controller evaluates it: baseline controls for baseline; for restricted, every
// control except the baseline ones an applicable restricted control overrides at v (restricted
// capabilities replace baseline capabilities, for instance, and exempt Windows pods from both).
// Checks that implement no control are left out; the privileged level selects nothing.
func Select(cs []check.Check, level psaapi.Level, v psaapi.Version) []check.Check {
	if level != psaapi.LevelBaseline && level != psaapi.LevelRestricted {
		return nil
	}
	v = normalize(v)
	overridden := map[policy.CheckID]bool{}
	if level == psaapi.LevelRestricted {
		for _, def := range upstream() {
			if def.Level != psaapi.LevelRestricted {
				continue
			}
			if vc, ok := versioned(def, v); ok {
				for _, id := range vc.OverrideCheckIDs {
					overridden[id] = true
				}
			}
		}
	}
	var out []check.Check
	for _, c := range cs {
		ctl, ok := ControlOf(c.Metadata().ID)
		if !ok || overridden[ctl.Upstream] {
			continue
		}
		if ctl.Level == psaapi.LevelBaseline || level == psaapi.LevelRestricted {
			out = append(out, c)
		}
	}
	return out
}

// normalize reads an unset version as latest, the documented default of check.Env.
func normalize(v psaapi.Version) psaapi.Version {
	if v == (psaapi.Version{}) {
		return psaapi.LatestVersion()
	}
	return v
}

// versioned returns the revision of def that applies at v: the newest whose MinimumVersion is
// not newer than v. ok is false when the control does not exist yet at v.
func versioned(def policy.Check, v psaapi.Version) (vc policy.VersionedCheck, ok bool) {
	for _, cand := range def.Versions {
		// Upstream validates that revisions are strictly increasing.
		if v.Older(cand.MinimumVersion) {
			break
		}
		vc, ok = cand, true
	}
	return vc, ok
}

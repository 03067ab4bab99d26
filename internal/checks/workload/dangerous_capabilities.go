package workload

import (
	"fmt"
	"strings"

	"github.com/strata-sec/strata/internal/check"
)

// Why: a handful of Linux capabilities are, on their own, a path out of the container or
// into its neighbours. SYS_ADMIN is most of root (cgroup release_agent escapes such as
// CVE-2022-0492, mounting host filesystems), SYS_MODULE and BPF put code into the host kernel,
// SYS_PTRACE reads and rewrites other processes, DAC_READ_SEARCH is the Shocker escape, and
// NET_RAW spoofs neighbours on the pod network. The baseline Pod Security Standard flags every
// non-default addition alike; this check names the ones known to be weaponised and says what
// each one enables, so they are triaged first.
var dangerousCapabilitiesAdded = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0028",
		Slug:     "dangerous-capabilities-added",
		Title:    "Container adds dangerous Linux capabilities",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityHigh,
		Description: "A container adds capabilities known to enable container escapes or attacks on other " +
			"workloads (ALL, SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, BPF, PERFMON, NET_RAW, " +
			"DAC_READ_SEARCH, SYS_RAWIO, SYS_BOOT, SYSLOG, MAC_ADMIN, MAC_OVERRIDE, SYS_TIME), " +
			"with or without the CAP_ prefix and in any case.",
		Remediation: "Remove the capabilities from securityContext.capabilities.add and drop ALL; if a " +
			"workload needs one (a CNI agent needs NET_ADMIN), run it in a dedicated namespace on " +
			"dedicated nodes and exempt it explicitly.",
		References: []string{
			"https://man7.org/linux/man-pages/man7/capabilities.7.html",
			"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container",
			"https://nvd.nist.gov/vuln/detail/CVE-2022-0492",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var out []check.Violation
		for c := range w.Containers() {
			sc := c.Container.SecurityContext
			if sc == nil || sc.Capabilities == nil {
				continue
			}
			add := c.Path.Child("securityContext", "capabilities", "add")
			var found []int
			var what []string
			for k, cp := range sc.Capabilities.Add {
				name := capabilityName(cp)
				if why, bad := dangerousCapabilities[name]; bad {
					found = append(found, k)
					what = append(what, name+" ("+why+")")
				}
			}
			if len(found) == 0 {
				continue
			}
			// One violation per container whose fix removes every dangerous entry from the
			// highest index down, so earlier removals never shift the later ones.
			fix := make([]check.PatchOp, 0, len(found))
			for k := len(found) - 1; k >= 0; k-- {
				fix = append(fix, check.PatchOp{Op: "remove", Path: check.Pointer(add.Index(found[k]))})
			}
			out = append(out, check.Violation{
				Path: add.Index(found[0]),
				Message: fmt.Sprintf("container %q adds %s", c.Container.Name,
					strings.Join(what, "; ")),
				Fix: fix,
			})
		}
		return out, nil
	},
}

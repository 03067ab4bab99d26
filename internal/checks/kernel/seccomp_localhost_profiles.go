package kernel

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// dangerousSyscalls are the system calls a container almost never needs and kernel escapes
// almost always use: namespace and mount manipulation, tracing, BPF and perf, the keyring,
// module loading, kexec, handle-based opens (the "shocker" escape) and userfaultfd (race
// widening for use-after-free exploits). RuntimeDefault profiles deny them to containers
// without the matching capability.
var dangerousSyscalls = []string{
	"add_key", "bpf", "delete_module", "finit_module", "init_module", "kexec_file_load", "kexec_load",
	"keyctl", "mount", "open_by_handle_at", "perf_event_open", "pivot_root", "ptrace", "request_key",
	"setns", "umount2", "unshare", "userfaultfd",
}

// allowingDefaults are default actions that let every unlisted system call through.
var allowingDefaults = []string{"SCMP_ACT_ALLOW", "SCMP_ACT_LOG"}

// Why: a Localhost profile is only as good as its contents. One that allows by default, or that
// allows unshare, mount, bpf or keyctl, passes the Pod Security Standards (which accept any
// Localhost profile) while leaving the escape-relevant system calls open.
var seccompLocalhostProfiles = &check.ObjectCheck[*nodefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0344",
		Slug:     "seccomp-localhost-profile-permissive",
		Title:    "Localhost seccomp profile allows dangerous system calls",
		Layer:    check.LayerKernel,
		Severity: check.SeverityHigh,
		Description: "A Localhost seccomp profile in the kubelet's seccomp directory has a defaultAction of " +
			"SCMP_ACT_ALLOW or SCMP_ACT_LOG (every unlisted system call is allowed), or allows system calls " +
			"used by kernel container escapes: mount, umount2, unshare, setns, pivot_root, ptrace, bpf, " +
			"perf_event_open, keyctl, add_key, request_key, init_module, finit_module, delete_module, kexec_load, " +
			"kexec_file_load, open_by_handle_at or userfaultfd. The node facts list allowed system calls " +
			"without their argument filters or capability conditions, so a rule allowing a call only with a " +
			"capability or certain arguments counts as allowing it; clone and clone3 are not judged, since " +
			"every profile must allow them for threads and only their namespace flags matter.",
		Remediation: "Base Localhost profiles on the runtime's default profile with defaultAction SCMP_ACT_ERRNO, and remove the listed system calls unless the workload demonstrably needs one.",
		References: []string{
			"https://kubernetes.io/docs/tutorials/security/seccomp/",
			"https://github.com/containerd/containerd/blob/main/contrib/seccomp/seccomp_default.go",
			"https://docs.docker.com/engine/security/seccomp/",
		},
	},
	Kind: nodefacts.Kind,
	Run: func(_ *check.Env, _ *check.Object, f *nodefacts.Facts) ([]check.Violation, error) {
		var vs []check.Violation
		for i, p := range f.SeccompProfiles {
			path := field.NewPath("seccompProfiles").Index(i)
			if p.Error != "" {
				continue // an unparseable profile fails the pods that name it; nothing is allowed
			}
			if slices.Contains(allowingDefaults, strings.ToUpper(p.DefaultAction)) {
				vs = append(vs, check.Violation{
					Path: path.Child("defaultAction"),
					Message: fmt.Sprintf("Localhost profile %q has defaultAction %s: every system call it does not list is allowed, "+
						"so it confines nothing that RuntimeDefault would deny.", p.LocalhostRef, p.DefaultAction),
				})
				continue
			}
			if bad := dangerousAllowed(p.Allowed); len(bad) > 0 {
				vs = append(vs, check.Violation{
					Path: path.Child("allowed"),
					Message: fmt.Sprintf("Localhost profile %q allows %s: system calls used by kernel container escapes "+
						"(argument filters and capability conditions are not recorded, so a conditional rule counts as allowing).",
						p.LocalhostRef, strings.Join(bad, ", ")),
				})
			}
		}
		return vs, nil
	},
}

func dangerousAllowed(allowed []string) []string {
	var out []string
	for _, s := range allowed {
		if slices.Contains(dangerousSyscalls, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

package kernel

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

const (
	userNSCloneKnob   = "kernel.unprivileged_userns_clone"
	maxUserNamespaces = "user.max_user_namespaces"
	apparmorUserNS    = "kernel.apparmor_restrict_unprivileged_userns"
)

// Why: an unprivileged user namespace hands its creator every capability inside it, which
// exposes kernel code (netfilter, filesystem mounts, cgroup setup) otherwise reserved for root;
// CVE-2022-0185, CVE-2023-0386, CVE-2024-1086 and many more start with unshare(CLONE_NEWUSER).
// The same feature is what pods with hostUsers: false run on, so the finding is low and says so.
var sysctlUserNamespaces = &check.ObjectCheck[*nodefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0341",
		Slug:     "unprivileged-user-namespaces",
		Title:    "Unprivileged user namespaces enabled",
		Layer:    check.LayerKernel,
		Severity: check.SeverityLow,
		Description: "The node lets unprivileged processes create user namespaces: kernel.unprivileged_userns_clone is 1 " +
			"(Debian and Ubuntu kernels), or, on kernels without that knob, user.max_user_namespaces is above 0, " +
			"and AppArmor's kernel.apparmor_restrict_unprivileged_userns does not restrict them. Inside its own " +
			"user namespace a process holds every capability, which opens kernel code paths used by many " +
			"container escapes. Pods with hostUsers: false need user namespaces, so where such pods run this is " +
			"an accepted trade-off; container runtimes' default seccomp profiles also block unshare for " +
			"containers without CAP_SYS_ADMIN, so the exposure is mostly from Unconfined containers and host " +
			"processes.",
		Remediation: "If no pod uses hostUsers: false, set kernel.unprivileged_userns_clone=0 (Debian, Ubuntu) or user.max_user_namespaces=0 in /etc/sysctl.d/; if such pods are needed, keep user namespaces and make sure every other pod runs with the RuntimeDefault seccomp profile.",
		References: []string{
			"https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/",
			"https://man7.org/linux/man-pages/man7/user_namespaces.7.html",
			"https://docs.kernel.org/admin-guide/sysctl/user.html",
		},
	},
	Kind: nodefacts.Kind,
	Run: func(_ *check.Env, _ *check.Object, f *nodefacts.Facts) ([]check.Violation, error) {
		if v, ok := sysctlInt(f, apparmorUserNS); ok && v != 0 {
			return nil, nil // AppArmor denies capabilities in unprivileged user namespaces
		}
		const nuance = " Pods with hostUsers: false need this; if none run here, disable it."
		if v, ok := sysctl(f, userNSCloneKnob); ok {
			if v == "0" {
				return nil, nil
			}
			return []check.Violation{{
				Path: sysctlPath(userNSCloneKnob),
				Message: fmt.Sprintf("%s is %s: unprivileged processes can create user namespaces and reach kernel code "+
					"otherwise reserved for root, the first step of many container escapes.%s", userNSCloneKnob, v, nuance),
			}}, nil
		}
		n, ok := sysctlInt(f, maxUserNamespaces)
		if !ok {
			if _, present := sysctl(f, maxUserNamespaces); present {
				return nil, fmt.Errorf("sysctl %s is not a number", maxUserNamespaces)
			}
			return nil, check.NotAssessedf("the node facts record neither %s nor %s", userNSCloneKnob, maxUserNamespaces)
		}
		if n == 0 {
			return nil, nil
		}
		return []check.Violation{{
			Path: sysctlPath(maxUserNamespaces),
			Message: fmt.Sprintf("%s is %d and the kernel has no %s knob: any process can create user namespaces and "+
				"reach kernel code otherwise reserved for root, the first step of many container escapes.%s",
				maxUserNamespaces, n, userNSCloneKnob, nuance),
		}}, nil
	},
}

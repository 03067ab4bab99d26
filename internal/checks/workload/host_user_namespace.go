package workload

import (
	"fmt"
	"strings"

	"github.com/strata-sec/strata/internal/check"
)

// Why: without a user namespace the UIDs inside the container are the node's UIDs, so whatever
// breaks out of the container (runc's leaked file descriptor in CVE-2024-21626, a kernel bug, a
// writable hostPath) does so as a real host user, usually root with its full capability set
// over the node. With hostUsers: false container root maps to an unprivileged high UID range
// on the host and its capabilities stop at the namespace, which turned several container
// escapes into harmless ones. Kubernetes rejects hostUsers: false together with hostPID or
// hostIPC, and with hostNetwork unless the alpha UserNamespacesHostNetworkSupport gate is on;
// for such pods the message says to drop the host namespaces first and no fix is offered.
// Windows pods are skipped: user namespaces are a Linux feature.
var hostUserNamespace = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0040",
		Slug:     "host-user-namespace",
		Title:    "Pod runs in the host user namespace",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityLow,
		Description: "The pod leaves hostUsers unset or true, so it shares the node's user namespace: UID 0 " +
			"in a container is UID 0 on the node, and a process that escapes the container (through " +
			"a runtime bug such as CVE-2024-21626, a kernel flaw or a host mount) keeps root's " +
			"privileges over the host. With hostUsers: false the container's users map to " +
			"unprivileged host UIDs, and such escapes land without privileges.",
		Remediation: "Set hostUsers: false in the pod spec (user namespaces need Kubernetes 1.33 or later, or the UserNamespacesSupport feature gate, Linux 6.3 or later and a runtime that supports them), after removing hostNetwork, hostPID and hostIPC.",
		References: []string{
			"https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/",
			"https://kubernetes.io/docs/tasks/configure-pod-container/user-namespaces/",
			"https://nvd.nist.gov/vuln/detail/CVE-2024-21626",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		if userNamespaced(w.Spec) || isWindowsPod(w.Spec) {
			return nil, nil
		}
		p := w.Path.Child("hostUsers")
		setting := "leaves hostUsers unset"
		op := "add"
		if w.Spec.HostUsers != nil {
			setting, op = "sets hostUsers: true", "replace"
		}
		if host := hostNamespacesUsed(w.Spec); len(host) > 0 {
			return []check.Violation{{Path: p, Message: fmt.Sprintf(
				"pod %s, so container root is root on the node; Kubernetes rejects hostUsers: false while the pod uses %s, so those must go before user namespaces can be enabled",
				setting, strings.Join(host, ", "))}}, nil
		}
		return []check.Violation{{
			Path:    p,
			Message: fmt.Sprintf("pod %s, so container root is root on the node once it escapes", setting),
			Fix:     []check.PatchOp{{Op: op, Path: check.Pointer(p), Value: false}},
		}}, nil
	},
}

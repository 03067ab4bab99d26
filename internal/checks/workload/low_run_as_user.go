package workload

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
)

// lowUIDCeiling is the first UID strata considers clear of host accounts: distributions
// allocate system users below 1000 and human users from 1000 up, and the 10000 line leaves
// room for both on any common distribution.
const lowUIDCeiling = 10000

// Why: without a user namespace a container's UID is the same number on the node. A UID below
// 10000 is likely to be a real account there: a system daemon's (below 1000) or the first human
// users' (1000 and up). A process that escapes the container, or writes through a hostPath or a
// shared volume, then owns that account's files on the host: its SSH keys, its service's data
// and sockets. UID 0 is reported by ST-0033; pods with hostUsers: false pass, since their UIDs
// are remapped to an unprivileged host range. A pod-level runAsUser is reported only when some
// container inherits it.
var lowRunAsUser = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0047",
		Slug:     "low-run-as-user",
		Title:    "Container UID may collide with a host account",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityLow,
		Description: "The pod or a container sets runAsUser between 1 and 9999 and the pod shares the host " +
			"user namespace. UIDs in that range usually belong to system services or users on the " +
			"node, so a process that escapes the container or writes through a host mount acts on " +
			"the host as that account and reaches its files.",
		Remediation: "Run as a dedicated UID of 10000 or above (and a matching GID) that the image's files allow, or set hostUsers: false so container UIDs are remapped on the host.",
		References: []string{
			"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
			"https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		if userNamespaced(w.Spec) || isWindowsPod(w.Spec) {
			return nil, nil
		}
		low := func(uid *int64) bool { return uid != nil && *uid > 0 && *uid < lowUIDCeiling }
		var vs []check.Violation
		inherits := false
		for c := range w.Containers() {
			sc := c.Container.SecurityContext
			if sc == nil || sc.RunAsUser == nil {
				inherits = true
				continue
			}
			if low(sc.RunAsUser) {
				vs = append(vs, check.Violation{
					Path:    c.Path.Child("securityContext", "runAsUser"),
					Message: fmt.Sprintf("%s runs as UID %d, below %d, which is likely a real account on the node", c.String(), *sc.RunAsUser, lowUIDCeiling),
				})
			}
		}
		if psc := w.Spec.SecurityContext; inherits && psc != nil && low(psc.RunAsUser) {
			vs = append(vs, check.Violation{
				Path:    w.Path.Child("securityContext", "runAsUser"),
				Message: fmt.Sprintf("pod runs its containers as UID %d, below %d, which is likely a real account on the node", *psc.RunAsUser, lowUIDCeiling),
			})
		}
		return vs, nil
	},
}

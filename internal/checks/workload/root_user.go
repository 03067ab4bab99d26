package workload

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// Why: UID 0 in a container is UID 0 on the host unless user namespaces are in use. Every
// escape that reaches host resources — a hostPath mount, a runtime bug such as CVE-2019-5736
// (runc overwrite), a kernel bug — lands as root when the process was root. GID 0 is subtler
// but real: files on the node and in images are commonly group-root readable or writable, so
// runAsGroup: 0, fsGroup: 0 or a supplemental group 0 reach them even with a non-root UID.
// Writing the 0 out explicitly also defeats an image that was built to run unprivileged.
var rootUserOrGroup = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0033",
		Slug:     "explicit-root-user-or-group",
		Title:    "Pod or container explicitly runs as root user or group",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityHigh,
		Description: "The pod or a container sets runAsUser: 0 or runAsGroup: 0, or the pod sets fsGroup: 0 " +
			"or lists 0 in supplementalGroups. Processes then run with root's user or group identity, " +
			"which is root's identity on the host for any file, device or kernel interface a container " +
			"escape or a host mount reaches.",
		Remediation: "Pick a dedicated non-zero UID and GID for the workload (one the image's files allow, " +
			"ideally above 10000), set runAsUser, runAsGroup and fsGroup to them with runAsNonRoot: true, " +
			"and remove 0 from supplementalGroups; this is a human decision, so strata proposes no patch.",
		References: []string{
			"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
			"https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
			"https://nvd.nist.gov/vuln/detail/CVE-2019-5736",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var out []check.Violation
		root := func(p *field.Path, msg string, args ...any) {
			out = append(out, check.Violation{Path: p, Message: fmt.Sprintf(msg, args...)})
		}
		if psc := w.Spec.SecurityContext; psc != nil {
			scPath := w.Path.Child("securityContext")
			if isZeroID(psc.RunAsUser) {
				root(scPath.Child("runAsUser"), "pod sets runAsUser: 0, the user of every container that sets none")
			}
			if isZeroID(psc.RunAsGroup) {
				root(scPath.Child("runAsGroup"), "pod sets runAsGroup: 0, the group of every container that sets none")
			}
			if isZeroID(psc.FSGroup) {
				root(scPath.Child("fsGroup"), "pod sets fsGroup: 0, so its volumes are owned by group root and every container joins it")
			}
			for k, g := range psc.SupplementalGroups {
				if g == 0 {
					root(scPath.Child("supplementalGroups").Index(k), "pod adds group 0 (root) to the supplemental groups of every container")
				}
			}
		}
		for c := range w.Containers() {
			sc := c.Container.SecurityContext
			if sc == nil {
				continue
			}
			scPath := c.Path.Child("securityContext")
			if isZeroID(sc.RunAsUser) {
				root(scPath.Child("runAsUser"), "container %q sets runAsUser: 0", c.Container.Name)
			}
			if isZeroID(sc.RunAsGroup) {
				root(scPath.Child("runAsGroup"), "container %q sets runAsGroup: 0", c.Container.Name)
			}
		}
		return out, nil
	},
}

// isZeroID reports whether an optional UID or GID is set to 0.
func isZeroID(id *int64) bool { return id != nil && *id == 0 }

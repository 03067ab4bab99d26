package workload

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
)

// containersWithoutLimit reports every init and regular container of w without a limit on
// resource; label names the resource in messages. Ephemeral containers are skipped: the API
// does not let them set resources. A pod-level limit (spec.resources) bounds all containers
// together, so it satisfies the check; a zero limit is no limit to the kubelet. LimitRange
// defaults are applied at admission and are not visible in a manifest.
func containersWithoutLimit(w *check.Workload, resource corev1.ResourceName, label string) []check.Violation {
	if w.Spec.Resources != nil {
		if q, ok := w.Spec.Resources.Limits[resource]; ok && !q.IsZero() {
			return nil
		}
	}
	var out []check.Violation
	for c := range w.Containers() {
		if c.Kind == podspec.EphemeralContainer {
			continue
		}
		q, ok := c.Container.Resources.Limits[resource]
		if ok && !q.IsZero() {
			continue
		}
		msg := fmt.Sprintf("container %q has no %s limit", c.Container.Name, label)
		if ok {
			msg = fmt.Sprintf("container %q sets a zero %s limit, which the kubelet treats as none",
				c.Container.Name, label)
		}
		out = append(out, check.Violation{
			Path:    c.Path.Child("resources", "limits").Key(string(resource)),
			Message: msg,
		})
	}
	return out
}

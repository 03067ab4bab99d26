package check

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/podspec"
)

// ControlledByWorkload reports whether o's controller (a Deployment's ReplicaSet, a
// ReplicaSet's Pod, a CronJob's Job) is itself in inv and embeds a pod template. The
// controller's template is then where a finding belongs and where the fix goes; evaluating the
// copies too would report one problem three times. The engine skips such objects for workload
// checks, and cluster checks that walk workloads skip them the same way.
func ControlledByWorkload(inv Inventory, o *Object) bool {
	if o.Meta == nil {
		return false
	}
	ref := metav1.GetControllerOf(o.Meta)
	if ref == nil {
		return false
	}
	gk := schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind).GroupKind()
	owner, ok := inv.Get(gk, o.Ref.Namespace, ref.Name)
	if !ok || (ref.UID != "" && owner.Ref.UID != "" && string(ref.UID) != owner.Ref.UID) {
		return false
	}
	_, embeds := podspec.Extract(owner.Obj)
	return embeds
}

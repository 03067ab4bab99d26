package engine

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// partitionStep makes the changes that probe namespace-partitioned checks and projections:
// grants across namespaces, objects without a namespace, policies that fail to compile or
// select by namespace labels, third-party settings placed on the workload itself, and service
// account renames the escalation graph reads.
func (m *mutator) partitionStep(op int) (string, []Change) {
	r := m.g.r
	ns := fmt.Sprintf("team-%d", r.IntN(8))
	other := fmt.Sprintf("team-%d", r.IntN(8))
	switch op {
	case 11: // a RoleBinding in one namespace grants to another namespace's account or group
		b := m.g.binding(ns, fmt.Sprintf("cross-%d", m.n), "ClusterRole", []string{"cluster-admin", "secret-reader", "view"}[r.IntN(3)], other, "app-1")
		if r.IntN(2) == 0 {
			b.Obj.(*rbacv1.RoleBinding).Subjects = []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "system:serviceaccounts:" + other}}
		}
		return "cross-bind " + b.Ref.String(), []Change{m.upsert(b)}
	case 12: // a workload without a namespace, as a manifest may hold, comes or goes
		if o, ok := m.ix.Get(gkDeploy, "", "stray"); ok {
			return "delete stray", []Change{m.remove(o)}
		}
		d := m.g.deployment("", "stray", 0, r.IntN(2) == 0)[0]
		return "add stray", []Change{m.upsert(d)}
	case 13: // a policy that does not compile, or one selecting peers by namespace labels
		np := m.g.denyAll(ns, fmt.Sprintf("odd-%d", m.n))
		spec := &np.Obj.(*networkingv1.NetworkPolicy).Spec
		if r.IntN(2) == 0 {
			spec.PodSelector = metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: "Bogus"}}}
		} else {
			spec.PodSelector = metav1.LabelSelector{MatchLabels: map[string]string{"app": "app-0"}}
			spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{
				{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": other}}},
				{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "nothing"}}}}}}
		}
		return "odd policy " + np.Ref.String(), []Change{m.upsert(np)}
	default: // a Dashboard that skips login, or a workload that changes service account
		if r.IntN(2) == 0 {
			d := m.g.deployment(ns, "dashboard", 0, false)[0]
			if old, ok := m.ix.Get(gkDeploy, ns, "dashboard"); ok {
				d, _ = copyOf(old)
			}
			c := &d.Obj.(*appsv1.Deployment).Spec.Template.Spec.Containers[0]
			c.Image = "kubernetesui/dashboard:v2.7.0"
			c.Args = []string{[]string{"--enable-skip-login", "--auto-generate-certificates"}[r.IntN(2)]}
			return "dashboard in " + ns, []Change{m.upsert(d)}
		}
		d := m.pick(gkDeploy)
		if d == nil {
			return "noop", nil
		}
		c, _ := copyOf(d)
		c.Obj.(*appsv1.Deployment).Spec.Template.Spec.ServiceAccountName = []string{"", "app-0", "app-2"}[r.IntN(3)]
		return "service account of " + d.Ref.String(), []Change{m.upsert(c)}
	}
}

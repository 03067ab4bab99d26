package engine

import (
	"fmt"
	"math/rand/v2"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/strata-sec/strata/internal/check"
)

// cluster builds typed live-looking objects (with UIDs and controller references) for the
// incremental engine's oracle test and benchmark.
type cluster struct {
	r   *rand.Rand
	uid int
}

func newCluster(seed uint64) *cluster { return &cluster{r: rand.New(rand.NewPCG(seed, 7))} }

func (g *cluster) wrap(obj runtime.Object, apiVersion, kind string) *check.Object {
	m := obj.(metav1.Object)
	if m.GetUID() == "" {
		g.uid++
		m.SetUID(types.UID(fmt.Sprintf("uid-%d", g.uid)))
	}
	return &check.Object{Obj: obj, Meta: m, Manager: "kubectl",
		Ref: check.Ref{APIVersion: apiVersion, Kind: kind, Namespace: m.GetNamespace(), Name: m.GetName(), UID: string(m.GetUID())}}
}

func (g *cluster) namespace(name string, labels map[string]string) *check.Object {
	return g.wrap(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}, "v1", "Namespace")
}

// podSpec is a small pod spec; risky ones run privileged on the host network.
func (g *cluster) podSpec(sa string, risky bool) corev1.PodSpec {
	f, t := false, true
	sc := &corev1.SecurityContext{AllowPrivilegeEscalation: &f, RunAsNonRoot: &t,
		Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}}
	spec := corev1.PodSpec{ServiceAccountName: sa, AutomountServiceAccountToken: &f,
		SecurityContext: &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}}
	if risky {
		sc = &corev1.SecurityContext{Privileged: &t}
		spec.HostNetwork = true
		spec.AutomountServiceAccountToken = nil
	}
	spec.Containers = []corev1.Container{{Name: "app", Image: "ghcr.io/acme/app@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", SecurityContext: sc,
		Ports:     []corev1.ContainerPort{{ContainerPort: 8080}},
		Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{}}}}
	return spec
}

func controller(owner *check.Object) []metav1.OwnerReference {
	yes := true
	return []metav1.OwnerReference{{APIVersion: owner.Ref.APIVersion, Kind: owner.Ref.Kind, Name: owner.Ref.Name,
		UID: types.UID(owner.Ref.UID), Controller: &yes}}
}

// deployment returns a Deployment with its ReplicaSet and pods.
func (g *cluster) deployment(ns, name string, pods int, risky bool) []*check.Object {
	labels := map[string]string{"app": name}
	spec := g.podSpec(name, risky)
	d := g.wrap(&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels},
		Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: spec}}}, "apps/v1", "Deployment")
	rs := g.wrap(&appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name + "-5d8f", Labels: labels, OwnerReferences: controller(d)},
		Spec: appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: spec}}}, "apps/v1", "ReplicaSet")
	out := []*check.Object{d, rs}
	for i := range pods {
		out = append(out, g.pod(ns, fmt.Sprintf("%s-5d8f-%d", name, i), labels, spec, rs))
	}
	return out
}

func (g *cluster) pod(ns, name string, labels map[string]string, spec corev1.PodSpec, owner *check.Object) *check.Object {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels}, Spec: *spec.DeepCopy(),
		Status: corev1.PodStatus{Phase: corev1.PodRunning}}
	p.Spec.NodeName = "node-1"
	if owner != nil {
		p.OwnerReferences = controller(owner)
	}
	return g.wrap(p, "v1", "Pod")
}

func (g *cluster) service(ns, name string, typ corev1.ServiceType) *check.Object {
	return g.wrap(&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.ServiceSpec{Type: typ, Selector: map[string]string{"app": name},
			Ports: []corev1.ServicePort{{Port: 80}}}}, "v1", "Service")
}

func (g *cluster) serviceAccount(ns, name string) *check.Object {
	return g.wrap(&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}, "v1", "ServiceAccount")
}

func (g *cluster) configMap(ns, name string) *check.Object {
	return g.wrap(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Data: map[string]string{"app.properties": "mode=prod"}}, "v1", "ConfigMap")
}

func (g *cluster) denyAll(ns, name string) *check.Object {
	return g.wrap(&networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}}},
		"networking.k8s.io/v1", "NetworkPolicy")
}

func (g *cluster) role(ns, name string, verbs, resources []string) *check.Object {
	rules := []rbacv1.PolicyRule{{APIGroups: []string{""}, Verbs: verbs, Resources: resources}}
	if ns == "" {
		return g.wrap(&rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}, "rbac.authorization.k8s.io/v1", "ClusterRole")
	}
	return g.wrap(&rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Rules: rules}, "rbac.authorization.k8s.io/v1", "Role")
}

// binding binds a role (a ClusterRole when roleKind says so) to a namespace's service account;
// ns "" makes a ClusterRoleBinding.
func (g *cluster) binding(ns, name, roleKind, role, saNS, sa string) *check.Object {
	subj := []rbacv1.Subject{{Kind: "ServiceAccount", Namespace: saNS, Name: sa}}
	ref := rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: roleKind, Name: role}
	if ns == "" {
		return g.wrap(&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name}, Subjects: subj, RoleRef: ref},
			"rbac.authorization.k8s.io/v1", "ClusterRoleBinding")
	}
	return g.wrap(&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Subjects: subj, RoleRef: ref},
		"rbac.authorization.k8s.io/v1", "RoleBinding")
}

// inventory makes namespaces, each with apps (Deployment, ReplicaSet, pods, Service,
// ServiceAccount, ConfigMap, Role and RoleBinding) and, in most, a default-deny policy; plus
// cluster roles and bindings. It returns about objectsPerNS*namespaces objects.
func (g *cluster) inventory(namespaces, appsPerNS, podsPerApp int) []*check.Object {
	objs := []*check.Object{g.role("", "cluster-admin", []string{"*"}, []string{"*"}),
		g.role("", "view", []string{"get", "list", "watch"}, []string{"pods", "services"}),
		g.role("", "secret-reader", []string{"get", "list"}, []string{"secrets"})}
	for n := range namespaces {
		ns := fmt.Sprintf("team-%d", n)
		objs = append(objs, g.namespace(ns, map[string]string{"pod-security.kubernetes.io/enforce": "restricted"}))
		if n%5 != 0 {
			objs = append(objs, g.denyAll(ns, "default-deny"))
		}
		objs = append(objs, g.role(ns, "app", []string{"get"}, []string{"configmaps"}))
		for a := range appsPerNS {
			name := fmt.Sprintf("app-%d", a)
			objs = append(objs, g.deployment(ns, name, podsPerApp, g.r.IntN(20) == 0)...)
			objs = append(objs, g.service(ns, name, corev1.ServiceTypeClusterIP), g.serviceAccount(ns, name), g.configMap(ns, name+"-config"),
				g.binding(ns, name, "Role", "app", ns, name))
		}
		if n%10 == 0 {
			objs = append(objs, g.binding("", "view-"+ns, "ClusterRole", "view", ns, "app-0"))
		}
	}
	return objs
}

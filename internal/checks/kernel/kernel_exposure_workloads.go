package kernel

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
	kvuln "github.com/strata-sec/strata/internal/vulndb/kernel"
)

var (
	nodeKind = schema.GroupKind{Kind: "Node"}
	podKind  = schema.GroupKind{Kind: "Pod"}
)

// needLabels name the container needs the way messages print them.
var needLabels = map[string]string{
	kvuln.NeedPrivileged:        "privileged",
	kvuln.NeedCapSysAdmin:       "CAP_SYS_ADMIN added",
	kvuln.NeedCapNetAdmin:       "CAP_NET_ADMIN added",
	kvuln.NeedSeccompUnconfined: "seccomp Unconfined",
	kvuln.NeedHostPath:          "hostPath volume",
}

// workload is a pod spec that runs, or may run, on a node, with the exploit preconditions its
// settings meet.
type workload struct {
	obj   *check.Object
	meets map[string]bool
}

// assess records which container needs a pod spec meets. Seccomp counts only when a profile
// explicitly says Unconfined: whether an unset profile is Unconfined depends on the kubelet's
// SeccompDefault, which Node objects do not show.
func assess(o *check.Object, t podspec.Template) workload {
	w := workload{obj: o, meets: map[string]bool{}}
	spec := t.Spec
	var podSeccomp *corev1.SeccompProfile
	if spec.SecurityContext != nil {
		podSeccomp = spec.SecurityContext.SeccompProfile
	}
	for c := range podspec.Containers(spec, t.Path) {
		sc := c.Container.SecurityContext
		profile := podSeccomp
		if sc != nil && sc.SeccompProfile != nil {
			profile = sc.SeccompProfile
		}
		if profile != nil && profile.Type == corev1.SeccompProfileTypeUnconfined {
			w.meets[kvuln.NeedSeccompUnconfined] = true
		}
		if sc == nil {
			continue
		}
		if sc.Privileged != nil && *sc.Privileged {
			w.meets[kvuln.NeedPrivileged] = true
		}
		if sc.Capabilities != nil {
			for _, c := range sc.Capabilities.Add {
				name := strings.TrimPrefix(strings.ToUpper(string(c)), "CAP_")
				if name == "SYS_ADMIN" || name == "ALL" {
					w.meets[kvuln.NeedCapSysAdmin] = true
				}
				if name == "NET_ADMIN" || name == "ALL" {
					w.meets[kvuln.NeedCapNetAdmin] = true
				}
			}
		}
	}
	for _, v := range spec.Volumes {
		if v.HostPath != nil {
			w.meets[kvuln.NeedHostPath] = true
		}
	}
	return w
}

// met returns the labels of the needs of c that w meets; for a CVE any container can exploit,
// it returns "any container".
func (w workload) met(c kvuln.CVE) []string {
	if len(c.ContainerNeeds) == 0 {
		return []string{"any container"}
	}
	var out []string
	for _, n := range c.ContainerNeeds {
		if w.meets[n] {
			out = append(out, needLabels[n])
		}
	}
	return out
}

// candidates returns the workloads that run on node, and whether they are bound to it: the
// Pods whose spec.nodeName is the node (live mode), else every pod spec in the inventory that
// could be scheduled there — not bound to another node, its nodeSelector matching the node's
// labels. Taints, tolerations and affinity are not evaluated, so "could be scheduled" errs
// towards exposure. Copies made by a controller in the inventory are skipped.
func candidates(inv check.Inventory, node *corev1.Node) ([]workload, bool) {
	var bound []workload
	for _, o := range inv.List(podKind, "") {
		if p, ok := o.Obj.(*corev1.Pod); ok && p.Spec.NodeName == node.Name {
			t, _ := podspec.Extract(p)
			bound = append(bound, assess(o, t))
		}
	}
	if len(bound) > 0 {
		return bound, true
	}
	var out []workload
	for _, gk := range podspec.Kinds {
		for _, o := range inv.List(gk, "") {
			t, ok := podspec.Extract(o.Obj)
			if !ok || check.ControlledByWorkload(inv, o) || !schedulableOn(t.Spec, node) {
				continue
			}
			out = append(out, assess(o, t))
		}
	}
	return out, false
}

func schedulableOn(spec *corev1.PodSpec, node *corev1.Node) bool {
	if spec.NodeName != "" && spec.NodeName != node.Name {
		return false
	}
	for k, v := range spec.NodeSelector {
		if node.Labels[k] != v {
			return false
		}
	}
	return true
}

package netpol

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
)

var (
	namespaceKind     = schema.GroupKind{Kind: "Namespace"}
	podKind           = schema.GroupKind{Kind: "Pod"}
	networkPolicyKind = schema.GroupKind{Group: "networking.k8s.io", Kind: "NetworkPolicy"}
)

// Inputs are the kinds FromInventory reads; checks built on the engine declare them.
var Inputs = append([]schema.GroupKind{namespaceKind, networkPolicyKind}, podspec.Kinds...)

// maxOwnerHops bounds the walk up a live pod's controller references (Pod, ReplicaSet,
// Deployment is two hops).
const maxOwnerHops = 4

// FromInventory builds an engine from an inventory: namespaces from Namespace objects (plus
// namespaces objects refer to without declaring them), policies from NetworkPolicy objects,
// and pods from Pod objects. Workloads read from manifests also yield one pod per pod template
// (its labels and container ports, Owner the workload). In a live cluster a workload's running
// pods stand for it; a top-level workload with no running pod (scaled to zero, suspended, not
// yet scheduled) stands in with its template, so its exposure is judged for when it runs. Live
// pods that have finished (Succeeded or Failed) are left out: they accept no traffic.
//
// The engine is built once per inventory and shared by every caller: it must not be modified.
func FromInventory(inv check.Inventory) (*Engine, error) {
	return check.Derived(inv, engineKey{}, func() (*Engine, error) { return fromInventory(inv) })
}

type engineKey struct{}

func fromInventory(inv check.Inventory) (*Engine, error) {
	var namespaces []Namespace
	for _, o := range inv.List(namespaceKind, "") {
		if ns, ok := o.Obj.(*corev1.Namespace); ok {
			namespaces = append(namespaces, Namespace{Name: ns.Name, Labels: ns.Labels})
		}
	}
	var policies []*networkingv1.NetworkPolicy
	for _, o := range inv.List(networkPolicyKind, "") {
		np, ok := o.Obj.(*networkingv1.NetworkPolicy)
		if !ok {
			return nil, fmt.Errorf("network policy %s: not decoded as networking.k8s.io/v1", o.Ref)
		}
		policies = append(policies, np)
	}
	var pods []Pod
	running := map[check.Ref]bool{} // live workloads with a running pod
	var idle []*check.Object        // live top-level workloads, in inventory order
	for _, gk := range podspec.Kinds {
		for _, o := range inv.List(gk, "") {
			if p, ok := podFromObject(inv, o); ok {
				pods = append(pods, p)
				running[p.Owner] = true
				continue
			}
			if _, isPod := o.Obj.(*corev1.Pod); !isPod && o.Source.File == "" && controlledInInventory(inv, o) == nil {
				idle = append(idle, o)
			}
		}
	}
	for _, o := range idle {
		if !running[o.Ref] {
			if p, ok := templatePod(o); ok {
				pods = append(pods, p)
			}
		}
	}
	return New(namespaces, pods, policies)
}

// controlledInInventory returns the controller of o when the inventory holds it.
func controlledInInventory(inv check.Inventory, o *check.Object) *check.Object {
	ref := controllerRef(o.Meta)
	if ref == nil {
		return nil
	}
	owner, ok := inv.Get(schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind).GroupKind(), o.Ref.Namespace, ref.Name)
	if !ok {
		return nil
	}
	return owner
}

// podFromObject returns the pod an object stands for, if any.
func podFromObject(inv check.Inventory, o *check.Object) (Pod, bool) {
	live := o.Source.File == ""
	pod, isPod := o.Obj.(*corev1.Pod)
	if live && !isPod {
		return Pod{}, false
	}
	if isPod && live && (pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed) {
		return Pod{}, false
	}
	p, ok := templatePod(o)
	if ok && isPod && live {
		p.Owner = ownerOf(inv, o)
	}
	return p, ok
}

// templatePod is the pod an object's pod spec describes, owned by the object.
func templatePod(o *check.Object) (Pod, bool) {
	t, ok := podspec.Extract(o.Obj)
	if !ok {
		return Pod{}, false
	}
	p := Pod{
		Namespace:   namespaceOf(o.Ref.Namespace),
		Name:        o.Ref.Name,
		Labels:      t.Meta.Labels,
		HostNetwork: t.Spec.HostNetwork,
		Owner:       o.Ref,
	}
	for c := range podspec.Containers(t.Spec, t.Path) {
		for _, cp := range c.Container.Ports {
			p.Ports = append(p.Ports, Port{Name: cp.Name, Number: cp.ContainerPort, Protocol: protoOrTCP(cp.Protocol)})
		}
	}
	return p, true
}

// ownerOf follows controller references from a live pod up to the top-most controller the
// inventory holds, such as the Deployment of a ReplicaSet's pod.
func ownerOf(inv check.Inventory, o *check.Object) check.Ref {
	cur := o
	for range maxOwnerHops {
		ref := controllerRef(cur.Meta)
		if ref == nil {
			break
		}
		gk := schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind).GroupKind()
		next, ok := inv.Get(gk, cur.Ref.Namespace, ref.Name)
		if !ok {
			break
		}
		cur = next
	}
	return cur.Ref
}

func controllerRef(m metav1.Object) *metav1.OwnerReference {
	if m == nil {
		return nil
	}
	return metav1.GetControllerOfNoCopy(m)
}

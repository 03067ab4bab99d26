package pss

import (
	"sort"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
)

// Synthetic is a container for a probe, with the list it belongs in.
type Synthetic struct {
	Kind      podspec.ContainerKind
	Container corev1.Container
}

// Named returns a synthetic container with c's name, in c's list, whose only setting is sc.
func Named(c podspec.Container, sc *corev1.SecurityContext) Synthetic {
	return Synthetic{Kind: c.Kind, Container: corev1.Container{Name: c.Container.Name, SecurityContext: sc}}
}

// Pod returns the workload's pod-level fields (hostUsers, os, host namespaces...) with psc as the
// pod security context and no containers or volumes. Pod-level fields stay because upstream
// relaxes some controls on them: Windows pods, pods in a user namespace.
func (e *Eval) Pod(psc *corev1.PodSecurityContext) *corev1.PodSpec {
	s := *e.Workload.Spec
	s.InitContainers, s.Containers, s.EphemeralContainers, s.Volumes = nil, nil, nil, nil
	s.SecurityContext = psc
	return &s
}

// WithContainers returns p with cs as its containers, each in the list its kind names.
func WithContainers(p *corev1.PodSpec, cs ...Synthetic) *corev1.PodSpec {
	for _, c := range cs {
		switch c.Kind {
		case podspec.InitContainer:
			p.InitContainers = append(p.InitContainers, c.Container)
		case podspec.EphemeralContainer:
			p.EphemeralContainers = append(p.EphemeralContainers,
				corev1.EphemeralContainer{EphemeralContainerCommon: corev1.EphemeralContainerCommon(c.Container)})
		default:
			p.Containers = append(p.Containers, c.Container)
		}
	}
	return p
}

// Annotations returns a violation for every pod annotation the control forbids on its own,
// probed with spec as the pod. fixValue, when not nil, is the value a fix sets the annotation to.
func (e *Eval) Annotations(spec *corev1.PodSpec, fixValue any) []check.Violation {
	if e.Workload.Meta == nil {
		return nil
	}
	ann := e.Workload.Meta.Annotations
	keys := make([]string, 0, len(ann))
	for k := range ann {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var vs []check.Violation
	for _, k := range keys {
		msg, bad := e.Probe(&metav1.ObjectMeta{Annotations: map[string]string{k: ann[k]}}, spec)
		if !bad {
			continue
		}
		p := MetaPath(e.Workload).Child("annotations").Key(k)
		v := check.Violation{Path: p, Message: msg}
		if fixValue != nil {
			v.Fix = []check.PatchOp{Replace(p, fixValue)}
		}
		vs = append(vs, v)
	}
	return vs
}

package pss

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
)

// Locator places a forbidden verdict on the fields that cause it. It returns nil when it cannot
// tell, and the adapter then reports the verdict on the pod spec as a whole.
type Locator func(e *Eval) []check.Violation

// Eval is upstream's forbidden verdict on one workload, with the means to ask the same upstream
// check, at the same version, about parts of the workload.
type Eval struct {
	// Workload is the pod as the API server would store it (see stored); its field paths and
	// indexes are those of the object strata was given.
	Workload *check.Workload
	// Result is upstream's verdict on the whole pod; it is never Allowed when a Locator sees it.
	Result policy.CheckResult
	fn     policy.CheckPodFn
}

// NewCheck returns the workload check described by meta. Its verdict is the upstream control
// ControlOf(meta.ID) at the scan's policy version, and locate points forbidden verdicts at
// fields.
func NewCheck(meta check.Meta, locate Locator) *check.WorkloadCheck {
	return &check.WorkloadCheck{
		Meta: meta,
		Run: func(env *check.Env, w *check.Workload) ([]check.Violation, error) {
			v := psaapi.LatestVersion()
			if env != nil {
				v = env.PSSVersion
			}
			return Evaluate(meta.ID, v, w, locate)
		},
	}
}

// Evaluate runs the upstream control that strata check id implements, at version v (unset means
// latest), over w. A control that does not exist yet at v does not apply and finds nothing. A
// forbidden verdict yields the locator's violations, or one violation on the pod spec when the
// locator finds no field, so a pod fails exactly when upstream forbids it.
func Evaluate(id string, v psaapi.Version, w *check.Workload, locate Locator) ([]check.Violation, error) {
	up, ok := controls[id]
	if !ok {
		return nil, fmt.Errorf("check %s implements no pod security control", id)
	}
	def, ok := upstream()[up]
	if !ok {
		return nil, fmt.Errorf("pod security control %q is not defined by k8s.io/pod-security-admission", up)
	}
	vc, ok := versioned(def, normalize(v))
	if !ok {
		return nil, nil
	}
	if w == nil || w.Spec == nil {
		return nil, fmt.Errorf("workload without a pod spec")
	}
	w = stored(w)
	meta := w.Meta
	if meta == nil {
		meta = &metav1.ObjectMeta{}
	}
	res := vc.CheckPod(meta, w.Spec)
	if res.Allowed {
		return nil, nil
	}
	var vs []check.Violation
	if locate != nil {
		vs = locate(&Eval{Workload: w, Result: res, fn: vc.CheckPod})
	}
	if len(vs) == 0 {
		vs = []check.Violation{{Path: w.Path, Message: Message(res)}}
	}
	return vs, nil
}

// Message renders an upstream verdict the way the admission controller does for one pod:
// "reason (detail)".
func Message(r policy.CheckResult) string {
	reason := r.ForbiddenReason
	if reason == "" {
		reason = policy.UnknownForbiddenReason
	}
	if r.ForbiddenDetail == "" {
		return reason
	}
	return reason + " (" + r.ForbiddenDetail + ")"
}

// Probe asks the same upstream check about a synthetic pod built from parts of the workload, so
// a locator learns which part is forbidden without restating the rule. meta may be nil. It
// returns the verdict's message and whether the synthetic pod is forbidden.
func (e *Eval) Probe(meta *metav1.ObjectMeta, spec *corev1.PodSpec) (string, bool) {
	if meta == nil {
		meta = &metav1.ObjectMeta{}
	}
	r := e.fn(meta, spec)
	if r.Allowed {
		return "", false
	}
	return Message(r), true
}

// ProbeContainer probes a pod with the workload's pod-level fields, psc as the pod security
// context, and one container: c's name with sc as its only setting.
func (e *Eval) ProbeContainer(c podspec.Container, psc *corev1.PodSecurityContext, sc *corev1.SecurityContext) (string, bool) {
	return e.Probe(nil, WithContainers(e.Pod(psc), Named(c, sc)))
}

package engine

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/inventory"
	"github.com/strata-sec/strata/internal/posture"
)

func meta(id, slug string) check.Meta {
	return check.Meta{ID: id, Slug: slug, Title: slug, Layer: check.LayerWorkload, Severity: check.SeverityHigh}
}

// hostNetwork flags pods with hostNetwork.
var hostNetwork = &check.WorkloadCheck{Meta: meta("ST-0901", "host-network"),
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		if !w.Spec.HostNetwork {
			return nil, nil
		}
		return []check.Violation{{Path: w.Path.Child("hostNetwork"), Message: "uses the host network, password=hunter2"}}, nil
	}}

var failing = &check.WorkloadCheck{Meta: meta("ST-0902", "always-errors"),
	Run: func(*check.Env, *check.Workload) ([]check.Violation, error) { return nil, errors.New("cannot decide") }}

var panicking = &check.WorkloadCheck{Meta: meta("ST-0903", "panics"),
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var m map[string]*int
		return nil, errors.New(string(rune(*m["x"])))
	}}

var serviceCheck = &check.ObjectCheck[*corev1.Service]{Meta: meta("ST-0904", "node-port"), Kind: schema.GroupKind{Kind: "Service"},
	Run: func(_ *check.Env, _ *check.Object, s *corev1.Service) ([]check.Violation, error) {
		if s.Spec.Type != corev1.ServiceTypeNodePort {
			return nil, nil
		}
		return []check.Violation{{Path: field.NewPath("spec", "type"), Message: "NodePort"}}, nil
	}}

var netpolCheck = &check.ClusterCheck{Meta: meta("ST-0905", "needs-netpol"),
	Reads: []schema.GroupKind{{Group: "networking.k8s.io", Kind: "NetworkPolicy"}},
	Run:   func(*check.Env, check.Inventory) ([]check.ObjectViolation, error) { return nil, nil }}

func object(obj runtime.Object, kind, ns, name string, ann map[string]string) *check.Object {
	m := obj.(metav1.Object)
	m.SetNamespace(ns)
	m.SetName(name)
	m.SetAnnotations(ann)
	return &check.Object{Obj: obj, Meta: m, Ref: check.Ref{APIVersion: "v1", Kind: kind, Namespace: ns, Name: name},
		Source: check.Location{File: "in.yaml", Line: 1}}
}

func hostPod(name string, ann map[string]string) *check.Object {
	return object(&corev1.Pod{Spec: corev1.PodSpec{HostNetwork: true}}, "Pod", "ops", name, ann)
}

func evaluate(t *testing.T, objs []*check.Object, opts Options) *posture.Posture {
	t.Helper()
	ix := inventory.NewIndex(objs)
	ix.Deny(schema.GroupKind{Group: "networking.k8s.io", Kind: "NetworkPolicy"}, "forbidden by RBAC")
	opts.Now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p, err := Evaluate(context.Background(), ix, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func coverage(p *posture.Posture) map[string]posture.Coverage {
	out := map[string]posture.Coverage{}
	for _, c := range p.Coverage {
		out[c.CheckID] = c
	}
	return out
}

func TestCoverageIsHonest(t *testing.T) {
	objs := []*check.Object{hostPod("a", nil), object(&corev1.Pod{}, "Pod", "ops", "b", nil)}
	p := evaluate(t, objs, Options{Checks: []check.Check{hostNetwork, failing, panicking, serviceCheck, netpolCheck}})
	cov := coverage(p)
	for id, want := range map[string]posture.Status{
		"ST-0901": posture.StatusFail, "ST-0902": posture.StatusError, "ST-0903": posture.StatusError,
		"ST-0904": posture.StatusNotAssessed, "ST-0905": posture.StatusNotAssessed,
	} {
		if cov[id].Status != want {
			t.Errorf("%s: status %s, want %s (%+v)", id, cov[id].Status, want, cov[id])
		}
	}
	if c := cov["ST-0901"]; c.Evaluated != 2 || c.Failed != 1 {
		t.Errorf("ST-0901 counts %+v", c)
	}
	if !strings.Contains(cov["ST-0903"].Errors[0], "panicked") {
		t.Errorf("panic not recorded as error: %+v", cov["ST-0903"])
	}
	if r := cov["ST-0904"].Reason; r != "no Service in the input" {
		t.Errorf("not-assessed reason %q", r)
	}
	if r := cov["ST-0905"].Reason; !strings.Contains(r, "forbidden by RBAC") {
		t.Errorf("denied kind reason %q", r)
	}
	if len(p.Findings) != 1 || strings.Contains(p.Findings[0].Message, "hunter2") {
		t.Fatalf("findings %+v (message must be redacted)", p.Findings)
	}
	if f := p.Findings[0]; f.Path != "spec.hostNetwork" || f.Object.Name != "a" || f.Location.File != "in.yaml" {
		t.Errorf("finding %+v", f)
	}
}

var controlPlane = &check.ClusterCheck{Meta: meta("ST-0906", "control-plane"),
	Reads: []schema.GroupKind{{Kind: "Pod"}},
	Run: func(*check.Env, check.Inventory) ([]check.ObjectViolation, error) {
		return nil, check.NotAssessedf("no control-plane pods in kube-system (managed control plane?)")
	}}

func TestNotAssessedFromCheck(t *testing.T) {
	p := evaluate(t, []*check.Object{hostPod("a", nil)}, Options{Checks: []check.Check{controlPlane}})
	if c := coverage(p)["ST-0906"]; c.Status != posture.StatusNotAssessed || !strings.Contains(c.Reason, "managed control plane") {
		t.Fatalf("coverage %+v", c)
	}
}

func TestPassNeedsSomethingToLookAt(t *testing.T) {
	p := evaluate(t, []*check.Object{object(&corev1.Pod{}, "Pod", "ops", "b", nil)}, Options{Checks: []check.Check{hostNetwork}})
	if c := coverage(p)["ST-0901"]; c.Status != posture.StatusPass || c.Evaluated != 1 {
		t.Fatalf("coverage %+v", c)
	}
	p = evaluate(t, nil, Options{Checks: []check.Check{hostNetwork}})
	if c := coverage(p)["ST-0901"]; c.Status != posture.StatusNotAssessed {
		t.Fatalf("empty input must not pass: %+v", c)
	}
}

func TestAnnotationExemptions(t *testing.T) {
	objs := []*check.Object{
		hostPod("exempt", map[string]string{AnnotationExempt: "host-network", AnnotationExemptReason: "CNI agent"}),
		hostPod("no-reason", map[string]string{AnnotationExempt: "ST-0901"}),
		hostPod("typo", map[string]string{AnnotationExempt: "ST-0999", AnnotationExemptReason: "x"}),
		hostPod("other-check", map[string]string{AnnotationExempt: "ST-0904", AnnotationExemptReason: "x"}),
	}
	p := evaluate(t, objs, Options{Checks: []check.Check{hostNetwork, serviceCheck}})
	if len(p.Suppressed) != 1 || p.Suppressed[0].Object.Name != "exempt" || p.Suppressed[0].Exemption.Reason != "CNI agent" {
		t.Fatalf("suppressed %+v", p.Suppressed)
	}
	var names []string
	for _, f := range p.Findings {
		names = append(names, f.Object.Name)
	}
	if strings.Join(names, ",") != "no-reason,other-check,typo" {
		t.Errorf("findings on %v", names)
	}
	if len(p.Errors) != 2 || !strings.Contains(p.Errors[0].Message, "needs strata.dev/exempt-reason") ||
		!strings.Contains(p.Errors[1].Message, `unknown check "ST-0999"`) {
		t.Errorf("errors %+v", p.Errors)
	}
	if c := coverage(p)["ST-0901"]; c.Failed != 3 || c.Status != posture.StatusFail {
		t.Errorf("coverage %+v", c)
	}
}

func TestConfigExemptions(t *testing.T) {
	past := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	future := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	expired := &Exemption{Exemption: posture.Exemption{Checks: []string{"ST-0901"}, Reason: "old", Expires: &past}}
	valid := &Exemption{Exemption: posture.Exemption{Checks: []string{"ST-0901"}, Reason: "agents", Expires: &future},
		Names: []string{"agent-*"}, Kinds: []string{"Pod"}, Namespaces: []string{"o?s"}}
	objs := []*check.Object{hostPod("agent-1", nil), hostPod("web", nil)}
	p := evaluate(t, objs, Options{Checks: []check.Check{hostNetwork}, Exemptions: []*Exemption{expired, valid}})
	if len(p.Findings) != 1 || p.Findings[0].Object.Name != "web" {
		t.Fatalf("findings %+v", p.Findings)
	}
	if !expired.Expired || expired.Used != 0 || valid.Expired || valid.Used != 1 {
		t.Errorf("expired %+v valid %+v", expired.Exemption, valid.Exemption)
	}
	if len(p.Exemptions) != 2 {
		t.Errorf("exemptions reported %d", len(p.Exemptions))
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Evaluate(ctx, inventory.NewIndex([]*check.Object{hostPod("a", nil)}), Options{Checks: []check.Check{hostNetwork}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
}

func TestPartlyReadableIsNotAPass(t *testing.T) {
	ix := inventory.NewIndex([]*check.Object{object(&corev1.Pod{}, "Pod", "ops", "b", nil)})
	ix.Deny(schema.GroupKind{Group: "apps", Kind: "Deployment"}, "forbidden")
	p, err := Evaluate(context.Background(), ix, Options{Checks: []check.Check{hostNetwork}})
	if err != nil {
		t.Fatal(err)
	}
	if c := coverage(p)["ST-0901"]; c.Status != posture.StatusNotAssessed || !strings.Contains(c.Reason, "cannot read Deployment.apps: forbidden") {
		t.Fatalf("coverage %+v", c)
	}
}

func TestControlledCopiesAreNotReported(t *testing.T) {
	owner := object(&corev1.ReplicationController{Spec: corev1.ReplicationControllerSpec{
		Template: &corev1.PodTemplateSpec{Spec: corev1.PodSpec{HostNetwork: true}}}}, "ReplicationController", "ops", "rc", nil)
	owner.Ref.UID = "u1"
	yes := true
	pod := hostPod("rc-abcde", nil)
	pod.Meta.SetOwnerReferences([]metav1.OwnerReference{{APIVersion: "v1", Kind: "ReplicationController", Name: "rc", UID: "u1", Controller: &yes}})
	orphan := hostPod("orphan", nil)
	orphan.Meta.SetOwnerReferences([]metav1.OwnerReference{{APIVersion: "v1", Kind: "ReplicationController", Name: "gone", Controller: &yes}})
	p := evaluate(t, []*check.Object{owner, pod, orphan}, Options{Checks: []check.Check{hostNetwork}})
	var names []string
	for _, f := range p.Findings {
		names = append(names, f.Object.Name)
	}
	if strings.Join(names, ",") != "orphan,rc" {
		t.Fatalf("findings on %v, want the controller and the orphan only", names)
	}
}

// someUnjudgeable passes Services of type ClusterIP and cannot judge the others.
var someUnjudgeable = &check.ObjectCheck[*corev1.Service]{Meta: meta("ST-0907", "some-unjudgeable"), Kind: schema.GroupKind{Kind: "Service"},
	Run: func(_ *check.Env, _ *check.Object, s *corev1.Service) ([]check.Violation, error) {
		if s.Spec.Type != corev1.ServiceTypeClusterIP {
			return nil, check.NotAssessedf("image of %s could not be fetched", s.Name)
		}
		return nil, nil
	}}

// TestPartlyNotAssessedIsNotAPass: one object judged clean and another the check could not
// judge is not a pass, in one-shot and incremental evaluation alike.
func TestPartlyNotAssessedIsNotAPass(t *testing.T) {
	objs := []*check.Object{
		object(&corev1.Service{Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP}}, "Service", "ops", "clean", nil),
		object(&corev1.Service{Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeNodePort}}, "Service", "ops", "unknown", nil),
	}
	opts := Options{Checks: []check.Check{someUnjudgeable}, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	p, err := Evaluate(context.Background(), inventory.NewIndex(objs), opts)
	if err != nil {
		t.Fatal(err)
	}
	inc := NewIncremental(opts)
	if _, err := inc.Full(context.Background(), inventory.NewIndex(objs)); err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]*posture.Posture{"Evaluate": p, "Incremental": inc.Posture()} {
		c := coverage(p)["ST-0907"]
		if c.Status != posture.StatusNotAssessed || !strings.Contains(c.Reason, "partly assessed (1 objects") || !strings.Contains(c.Reason, "could not be fetched") {
			t.Errorf("%s: coverage %+v, want not-assessed, partly assessed", name, c)
		}
	}
}

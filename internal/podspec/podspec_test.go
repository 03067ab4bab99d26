package podspec

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
)

func TestExtractEveryKind(t *testing.T) {
	want := map[string]string{
		"Pod": "spec", "PodTemplate": "template.spec", "ReplicationController": "spec.template.spec",
		"Deployment": "spec.template.spec", "ReplicaSet": "spec.template.spec", "StatefulSet": "spec.template.spec",
		"DaemonSet": "spec.template.spec", "Job": "spec.template.spec", "CronJob": "spec.jobTemplate.spec.template.spec",
	}
	for _, gk := range Kinds {
		obj, err := scheme.Scheme.New(schema.GroupVersionKind{Group: gk.Group, Version: "v1", Kind: gk.Kind})
		if err != nil {
			t.Fatalf("%v: %v", gk, err)
		}
		if rc, ok := obj.(*corev1.ReplicationController); ok {
			rc.Spec.Template = &corev1.PodTemplateSpec{}
		}
		tmpl, ok := Extract(obj)
		if !ok {
			t.Errorf("%s: no pod spec found", gk.Kind)
			continue
		}
		if got := tmpl.Path.String(); got != want[gk.Kind] {
			t.Errorf("%s: path %q, want %q", gk.Kind, got, want[gk.Kind])
		}
		tmpl.Spec.Hostname = "changed"
		again, _ := Extract(obj)
		if again.Spec.Hostname != "changed" {
			t.Errorf("%s: Extract returned a copy, not the object's own spec", gk.Kind)
		}
	}
	if len(want) != len(Kinds) {
		t.Errorf("Kinds has %d entries, the table %d", len(Kinds), len(want))
	}
}

func TestExtractNone(t *testing.T) {
	for _, obj := range []runtime.Object{&corev1.Service{}, &corev1.ReplicationController{}, &appsv1.ControllerRevision{}} {
		if _, ok := Extract(obj); ok {
			t.Errorf("%T: found a pod spec where there is none", obj)
		}
	}
}

func TestContainersOrderAndPaths(t *testing.T) {
	cj := &batchv1.CronJob{}
	spec := &cj.Spec.JobTemplate.Spec.Template.Spec
	spec.InitContainers = []corev1.Container{{Name: "init"}}
	spec.Containers = []corev1.Container{{Name: "a"}, {Name: "b"}}
	spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug"}}}
	tmpl, _ := Extract(cj)
	var got []string
	for c := range Containers(tmpl.Spec, tmpl.Path) {
		got = append(got, string(c.Kind)+":"+c.Container.Name+"@"+c.Path.String())
		if c.Container.Name == "a" {
			break
		}
	}
	want := []string{
		"initContainers:init@spec.jobTemplate.spec.template.spec.initContainers[0]",
		"containers:a@spec.jobTemplate.spec.template.spec.containers[0]",
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %v, want %v (and early stop after a)", got, want)
	}
	n := 0
	for c := range Containers(tmpl.Spec, tmpl.Path) {
		n++
		if c.Kind == EphemeralContainer && c.Path.String() != "spec.jobTemplate.spec.template.spec.ephemeralContainers[0]" {
			t.Errorf("ephemeral path %s", c.Path)
		}
	}
	if n != 4 {
		t.Errorf("visited %d containers, want 4", n)
	}
}

package podspec

import (
	"fmt"
	"iter"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Kinds lists every kind that embeds a pod spec, in the order reports use.
var Kinds = []schema.GroupKind{
	{Group: "", Kind: "Pod"},
	{Group: "", Kind: "PodTemplate"},
	{Group: "", Kind: "ReplicationController"},
	{Group: "apps", Kind: "Deployment"},
	{Group: "apps", Kind: "ReplicaSet"},
	{Group: "apps", Kind: "StatefulSet"},
	{Group: "apps", Kind: "DaemonSet"},
	{Group: "batch", Kind: "Job"},
	{Group: "batch", Kind: "CronJob"},
}

// Template is a pod spec found inside an object.
type Template struct {
	// Meta is the pod's metadata: the Pod's own, or the template's for controllers.
	Meta *metav1.ObjectMeta
	Spec *corev1.PodSpec
	// Path is the field path of Spec within the object.
	Path *field.Path
}

// Extract returns the pod spec embedded in obj. ok is false for kinds that embed none, and for
// controllers whose template is missing (a ReplicationController may omit it).
func Extract(obj runtime.Object) (t Template, ok bool) {
	tmpl := field.NewPath("spec", "template")
	switch o := obj.(type) {
	case *corev1.Pod:
		return Template{Meta: &o.ObjectMeta, Spec: &o.Spec, Path: field.NewPath("spec")}, true
	case *corev1.PodTemplate:
		return fromTemplate(&o.Template, field.NewPath("template"))
	case *corev1.ReplicationController:
		if o.Spec.Template == nil {
			return Template{}, false
		}
		return fromTemplate(o.Spec.Template, tmpl)
	case *appsv1.Deployment:
		return fromTemplate(&o.Spec.Template, tmpl)
	case *appsv1.ReplicaSet:
		return fromTemplate(&o.Spec.Template, tmpl)
	case *appsv1.StatefulSet:
		return fromTemplate(&o.Spec.Template, tmpl)
	case *appsv1.DaemonSet:
		return fromTemplate(&o.Spec.Template, tmpl)
	case *batchv1.Job:
		return fromTemplate(&o.Spec.Template, tmpl)
	case *batchv1.CronJob:
		return fromTemplate(&o.Spec.JobTemplate.Spec.Template, field.NewPath("spec", "jobTemplate", "spec", "template"))
	}
	return Template{}, false
}

func fromTemplate(t *corev1.PodTemplateSpec, path *field.Path) (Template, bool) {
	return Template{Meta: &t.ObjectMeta, Spec: &t.Spec, Path: path.Child("spec")}, true
}

// ContainerKind says which list a container belongs to.
type ContainerKind string

const (
	InitContainer      ContainerKind = "initContainers"
	RegularContainer   ContainerKind = "containers"
	EphemeralContainer ContainerKind = "ephemeralContainers"
)

// Container is one container of a pod spec with its field path.
type Container struct {
	Kind ContainerKind
	// Container points into the spec; ephemeral containers are exposed through their common
	// fields (EphemeralContainerCommon has the same shape as Container).
	Container *corev1.Container
	Path      *field.Path
}

// Containers visits init, regular and ephemeral containers of spec, in that order. specPath is
// the field path of spec within its object.
func Containers(spec *corev1.PodSpec, specPath *field.Path) iter.Seq[Container] {
	return func(yield func(Container) bool) {
		for i := range spec.InitContainers {
			if !yield(Container{InitContainer, &spec.InitContainers[i], specPath.Child("initContainers").Index(i)}) {
				return
			}
		}
		for i := range spec.Containers {
			if !yield(Container{RegularContainer, &spec.Containers[i], specPath.Child("containers").Index(i)}) {
				return
			}
		}
		for i := range spec.EphemeralContainers {
			c := (*corev1.Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon)
			if !yield(Container{EphemeralContainer, c, specPath.Child("ephemeralContainers").Index(i)}) {
				return
			}
		}
	}
}

// String names the container with the list it belongs to ("init container \"migrate\""), so
// a message about an init or debug container is not read as one about the main container.
func (c Container) String() string {
	switch c.Kind {
	case InitContainer:
		return fmt.Sprintf("init container %q", c.Container.Name)
	case EphemeralContainer:
		return fmt.Sprintf("ephemeral container %q", c.Container.Name)
	}
	return fmt.Sprintf("container %q", c.Container.Name)
}

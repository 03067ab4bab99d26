package check

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/strata-sec/strata/internal/podspec"
)

// Check is implemented by every check kind: *WorkloadCheck, *ObjectCheck[T] and *ClusterCheck.
type Check interface {
	Metadata() *Meta
	// Inputs are the kinds the check reads. Live mode derives informers, re-evaluation and
	// strata's ClusterRole from them.
	Inputs() []schema.GroupKind
}

// Env is what every check may know about the scan besides its input.
type Env struct {
	// PSSVersion is the Pod Security Standards version to evaluate (latest by default).
	PSSVersion psaapi.Version
	// Images is the image policy of the config file and flags.
	Images ImagePolicy
}

// ImagePolicy is what the user trusts about images.
type ImagePolicy struct {
	// AllowedRegistries are registry hosts (with an optional path prefix, "ghcr.io/acme") that
	// images may come from; empty means no allow-list is configured and the check is not
	// assessed.
	AllowedRegistries []string
	// RequireSigned makes unsigned or badly signed images findings; trusted keys are then
	// configured and image facts carry the verification result.
	RequireSigned bool
}

// Workload is a pod spec found in an object, with where it sits in the object.
type Workload struct {
	Object *Object
	// Meta is the pod's metadata (the template's for controllers).
	Meta *metav1.ObjectMeta
	Spec *corev1.PodSpec
	// Path is the field path of Spec within the object.
	Path *field.Path
}

// Containers visits init, regular and ephemeral containers with their field paths.
func (w *Workload) Containers() func(func(podspec.Container) bool) {
	return podspec.Containers(w.Spec, w.Path)
}

// WorkloadCheck runs on every object that embeds a pod spec.
type WorkloadCheck struct {
	Meta
	Run func(env *Env, w *Workload) ([]Violation, error)
}

func (c *WorkloadCheck) Metadata() *Meta            { return &c.Meta }
func (c *WorkloadCheck) Inputs() []schema.GroupKind { return podspec.Kinds }

// ObjectEvaluator is implemented by single-object check kinds; the engine calls it for every
// object and skips those for which applies is false.
type ObjectEvaluator interface {
	Check
	EvaluateObject(env *Env, o *Object) (applies bool, vs []Violation, err error)
}

// ObjectCheck runs on every object of one typed kind T (such as *corev1.Service).
type ObjectCheck[T runtime.Object] struct {
	Meta
	Kind schema.GroupKind
	Run  func(env *Env, o *Object, obj T) ([]Violation, error)
}

func (c *ObjectCheck[T]) Metadata() *Meta            { return &c.Meta }
func (c *ObjectCheck[T]) Inputs() []schema.GroupKind { return []schema.GroupKind{c.Kind} }

// EvaluateObject runs the check when o is of the check's kind and holds a T. Both are
// compared: unstructured objects of every unknown kind share one Go type.
func (c *ObjectCheck[T]) EvaluateObject(env *Env, o *Object) (bool, []Violation, error) {
	obj, ok := o.Obj.(T)
	if !ok || o.Ref.GroupKind() != c.Kind {
		return false, nil, nil
	}
	vs, err := c.Run(env, o, obj)
	return true, vs, err
}

// ClusterCheck reads the whole inventory: NetworkPolicy coverage, RBAC escalation, exposure.
type ClusterCheck struct {
	Meta
	Reads []schema.GroupKind
	Run   func(env *Env, inv Inventory) ([]ObjectViolation, error)
	// Scope is ScopeCluster (the zero value) or ScopeNamespace; see Scope.
	Scope Scope
	// CrossNamespace are namespaced kinds a ScopeNamespace check reads in every namespace
	// (a RoleBinding anywhere may grant to a service account of X): the part of every
	// namespace holds all of their objects.
	CrossNamespace []schema.GroupKind
	// ChangeParts, when set on a ScopeNamespace check, narrows what a change to an object of
	// a kind that is not partitioned (a CrossNamespace or cluster-scoped kind) can affect: it
	// returns the namespaces whose findings the object, as it was or as it is, can change, and
	// ok; "" among them, or ok false, means every part (a RoleBinding naming only accounts
	// of X changes only X's findings of the token-exposure check).
	ChangeParts func(o *Object) (namespaces []string, ok bool)
	// Projection, when set, returns for an object of a kind the check reads everything the
	// check reads of that object, as a string, and ok; ok false means it cannot say. The
	// promise: replacing an object by a version with the same projection, when the check
	// placed no finding on the object, leaves the check's outcome unchanged. The incremental
	// engine then skips the re-run (a pod's labels changed; the escalation graph reads only
	// its service account).
	Projection func(o *Object) (key string, ok bool)
}

func (c *ClusterCheck) Metadata() *Meta            { return &c.Meta }
func (c *ClusterCheck) Inputs() []schema.GroupKind { return c.Reads }

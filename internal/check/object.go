package check

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Ref names an object the way reports print it.
type Ref struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	UID        string `json:"uid,omitempty"`
}

// GroupKind returns the API group and kind of the referenced object.
func (r Ref) GroupKind() schema.GroupKind {
	return schema.FromAPIVersionAndKind(r.APIVersion, r.Kind).GroupKind()
}

// String renders the reference as kind/namespace/name.
func (r Ref) String() string {
	if r.Namespace == "" {
		return r.Kind + "/" + r.Name
	}
	return r.Kind + "/" + r.Namespace + "/" + r.Name
}

// Location is a position in a source file. Line is 1-based; 0 means unknown.
type Location struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// Positions maps a field of an object, as an RFC 6901 JSON pointer relative to the object
// ("/spec/template/spec/containers/0/image"), to its line in the source file.
type Positions interface {
	// Line returns the line of the field, or 0 when the field is not in the source.
	Line(pointer string) int
}

// Object is one API object from any source, with where it came from.
type Object struct {
	Ref Ref
	// Obj is the typed k8s.io/api struct, or *unstructured.Unstructured for kinds the scheme does
	// not know.
	Obj runtime.Object
	// Meta is Obj's object metadata.
	Meta metav1.Object
	// Source is where the object starts: the first line of its document, or the live object's
	// identity (File empty).
	Source Location
	// Positions locates individual fields; nil when the source has no positions.
	Positions Positions
	// Manager is the field manager of the object's most recent managedFields entry, set by
	// live sources; empty when unknown.
	Manager string
}

// LocationOf returns the source location of the field at pointer, falling back to the nearest
// parent field the source knows, then to the start of the object.
func (o *Object) LocationOf(pointer string) Location {
	loc := o.Source
	if o.Positions == nil || loc.File == "" {
		return loc
	}
	for p := pointer; p != ""; p = parentPointer(p) {
		if line := o.Positions.Line(p); line > 0 {
			loc.Line = line
			return loc
		}
	}
	return loc
}

func parentPointer(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[:i]
		}
	}
	return ""
}

// Inventory is the read-only, indexed view of every object a scan sees. Cross-object checks
// read it; it is backed by manifests or by a live cluster.
type Inventory interface {
	// List returns the objects of a kind, in a stable order; namespace "" means every namespace.
	List(gk schema.GroupKind, namespace string) []*Object
	// Get returns one object by kind, namespace and name.
	Get(gk schema.GroupKind, namespace, name string) (*Object, bool)
	// Assessable reports whether the inventory could look at a kind at all; when it could not
	// (RBAC denied, kind not served) the reason says why, and checks reading the kind are
	// not-assessed rather than passed.
	Assessable(gk schema.GroupKind) (ok bool, reason string)
}

// Deriver is implemented by inventories that keep values derived from them (the NetworkPolicy
// engine, the RBAC graph), so the several checks that need one build it once per inventory. A
// derived value must not be modified by its users.
type Deriver interface {
	Derive(key any, build func() (any, error)) (any, error)
}

// Derived returns build's value for inv, computed once when inv is a Deriver.
func Derived[T any](inv Inventory, key any, build func() (T, error)) (T, error) {
	d, ok := inv.(Deriver)
	if !ok {
		return build()
	}
	v, err := d.Derive(key, func() (any, error) { return build() })
	if err != nil {
		var zero T
		return zero, err
	}
	return v.(T), nil
}

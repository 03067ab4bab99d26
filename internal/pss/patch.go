package pss

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// Replace is the patch operation that sets the existing field at p to v.
func Replace(p *field.Path, v any) check.PatchOp {
	return check.PatchOp{Op: "replace", Path: check.Pointer(p), Value: v}
}

// Remove is the patch operation that deletes the field at p.
func Remove(p *field.Path) check.PatchOp {
	return check.PatchOp{Op: "remove", Path: check.Pointer(p)}
}

// Set returns the patch operation that sets parent.keys[0]...keys[n-1] to v. present says how
// many of keys, from the first, already exist in the object: an existing field is replaced, and
// the first missing one is added with the rest nested inside it, so the patch applies to the
// object as it is ("add securityContext {allowPrivilegeEscalation: false}" when the container
// has no securityContext).
func Set(parent *field.Path, present int, v any, keys ...string) check.PatchOp {
	if present >= len(keys) {
		return Replace(parent.Child(keys[0], keys[1:]...), v)
	}
	for i := len(keys) - 1; i > present; i-- {
		v = map[string]any{keys[i]: v}
	}
	p := parent
	for _, k := range keys[:present+1] {
		p = p.Child(k)
	}
	return check.PatchOp{Op: "add", Path: check.Pointer(p), Value: v}
}

// Present counts how many of the given fields exist, from the first: Present(sc != nil,
// sc != nil && sc.Capabilities != nil) is 0, 1 or 2.
func Present(exists ...bool) int {
	n := 0
	for _, ok := range exists {
		if !ok {
			break
		}
		n++
	}
	return n
}

// MetaPath returns the field path of the workload's pod metadata: metadata for a Pod, the
// template's metadata for controllers (the sibling of the pod spec).
func MetaPath(w *check.Workload) *field.Path {
	parent, ok := strings.CutSuffix(w.Path.String(), ".spec")
	if !ok {
		return field.NewPath("metadata")
	}
	parts := strings.Split(parent, ".")
	return field.NewPath(parts[0], parts[1:]...).Child("metadata")
}

package manifest

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/imagefacts"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// ClusterInfoVersion is the apiVersion under which recorded cluster facts are written to files,
// so that a live scan's ClusterInfo can be saved, replayed offline and used as a test fixture.
const ClusterInfoVersion = "strata.dev/v1alpha1"

// ownKind is one of strata's own kinds that a file may hold: facts recorded by a live scan
// (ClusterInfo), on a node (strata node --facts-out) or by an image analysis, so that they load
// like any manifest — replayed offline, joined with the objects they describe, and used as the
// checks' test fixtures.
type ownKind struct {
	kind    schema.GroupKind
	version string
	new     func() runtime.Object
	// strict makes a document of the kind in another version an error. Keeping an Image as
	// Unstructured would be worse than an error: the checks over it would silently not see it,
	// and a report would read as if the image had never been analysed. ClusterInfo and
	// NodeFacts of other versions stay Unstructured.
	strict bool
}

var ownKinds = []ownKind{
	{check.ClusterInfoKind, ClusterInfoVersion, func() runtime.Object { return &check.ClusterInfo{} }, false},
	{nodefacts.Kind, nodefacts.APIVersion, func() runtime.Object { return &nodefacts.Facts{} }, false},
	{imagefacts.Kind, imagefacts.APIVersion, func() runtime.Object { return &imagefacts.Facts{} }, true},
}

// unsupportedVersionError rejects a document of a strict own kind written in a version this
// build cannot read.
type unsupportedVersionError struct {
	gvk  schema.GroupVersionKind
	want string
}

func (e *unsupportedVersionError) Error() string {
	return fmt.Sprintf("%s %s is not supported: this strata reads %s %s", e.gvk.GroupVersion(), e.gvk.Kind, e.want, e.gvk.Kind)
}

// newTyped returns an empty typed object for gvk: strata's own kinds first, then whatever
// scheme knows. An *unsupportedVersionError is reported by the caller; any other error means
// "not a typed kind", and the caller keeps the object as Unstructured.
func newTyped(gvk schema.GroupVersionKind, scheme *runtime.Scheme) (runtime.Object, error) {
	for _, k := range ownKinds {
		if gvk.GroupKind() != k.kind {
			continue
		}
		switch {
		case gvk.GroupVersion().String() == k.version:
			return k.new(), nil
		case k.strict:
			return nil, &unsupportedVersionError{gvk: gvk, want: k.version}
		}
	}
	return scheme.New(gvk)
}

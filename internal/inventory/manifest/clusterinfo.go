package manifest

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
)

// ClusterInfoVersion is the apiVersion under which recorded cluster facts are written to files,
// so that a live scan's ClusterInfo can be saved, replayed offline and used as a test fixture.
const ClusterInfoVersion = "strata.dev/v1alpha1"

// newTyped returns an empty typed object for gvk: strata's own kinds first, then whatever
// scheme knows. The error means "not a typed kind", and the caller keeps the object as
// Unstructured; so does a ClusterInfo of another version than ClusterInfoVersion, and a
// NodeFacts of another version than nodefacts.APIVersion. An Image of strata.dev in another
// version than imagefacts.APIVersion is an *unsupportedVersionError, which the caller reports.
func newTyped(gvk schema.GroupVersionKind, scheme *runtime.Scheme) (runtime.Object, error) {
	if gvk.GroupKind() == check.ClusterInfoKind && gvk.GroupVersion().String() == ClusterInfoVersion {
		return &check.ClusterInfo{}, nil
	}
	if obj, ok := newNodeFacts(gvk); ok {
		return obj, nil
	}
	if obj, ok, err := newImageFacts(gvk); ok || err != nil {
		return obj, err
	}
	return scheme.New(gvk)
}

package manifest

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/nodefacts"
)

// newNodeFacts returns an empty *nodefacts.Facts for a NodeFacts document of
// nodefacts.APIVersion, so that facts recorded on a node (strata node --facts-out) load like any
// manifest: replayed offline, scanned by the node checks and used as their test fixtures. A
// NodeFacts of another version is not a typed kind and stays Unstructured.
func newNodeFacts(gvk schema.GroupVersionKind) (runtime.Object, bool) {
	if gvk.GroupKind() != nodefacts.Kind || gvk.GroupVersion().String() != nodefacts.APIVersion {
		return nil, false
	}
	return &nodefacts.Facts{}, true
}

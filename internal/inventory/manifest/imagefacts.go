package manifest

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/imagefacts"
)

// unsupportedVersionError rejects a document of one of strata's own kinds written in a version
// this build cannot read. Keeping it as Unstructured would be worse than an error: the checks
// over that kind would silently not see it, and a report would read as if the image had never
// been analysed.
type unsupportedVersionError struct {
	gvk  schema.GroupVersionKind
	want string
}

func (e *unsupportedVersionError) Error() string {
	return fmt.Sprintf("%s %s is not supported: this strata reads %s %s", e.gvk.GroupVersion(), e.gvk.Kind, e.want, e.gvk.Kind)
}

// newImageFacts returns an empty *imagefacts.Facts for an Image document of
// imagefacts.APIVersion, so that image facts saved by an analysis load like any manifest: replayed
// offline, joined with the workloads that run the image, and used as the container checks' test
// fixtures. An Image of strata's group in another version is an error; Image kinds of other
// groups are not strata's and are left to the caller.
func newImageFacts(gvk schema.GroupVersionKind) (runtime.Object, bool, error) {
	if gvk.GroupKind() != imagefacts.Kind {
		return nil, false, nil
	}
	if gvk.GroupVersion().String() != imagefacts.APIVersion {
		return nil, false, &unsupportedVersionError{gvk: gvk, want: imagefacts.APIVersion}
	}
	return &imagefacts.Facts{}, true, nil
}

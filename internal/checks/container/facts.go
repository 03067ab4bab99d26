package container

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/imagefacts"
)

// analysed returns the not-assessed error for facts whose analysis failed: a check over them
// cannot know what the image holds, and an empty file list must not read as a clean image.
func analysed(f *imagefacts.Facts) error {
	if f.Error != "" {
		return check.NotAssessedf("image %s could not be analysed: %s", f.Name, f.Error)
	}
	return nil
}

// filesOf reports every file of the facts in one of categories, at files[i] of the facts
// document, described by describe.
func filesOf(f *imagefacts.Facts, describe func(imagefacts.File) string, categories ...string) ([]check.Violation, error) {
	if err := analysed(f); err != nil {
		return nil, err
	}
	var vs []check.Violation
	for i, file := range f.Files {
		if !slices.Contains(categories, file.Category) {
			continue
		}
		vs = append(vs, check.Violation{
			Path:    field.NewPath("files").Index(i),
			Message: fmt.Sprintf("image %s contains %s", f.Name, describe(file)),
		})
	}
	return vs, nil
}

// layerNote says which layer a file comes from, so the reader knows whether the base image or
// their own Dockerfile put it there.
func layerNote(file imagefacts.File) string {
	if file.Layer == 0 {
		return "base layer"
	}
	return fmt.Sprintf("layer %d", file.Layer)
}

// factsFor returns the usable facts of image, or why there are none.
func factsFor(inv check.Inventory, image string) (*imagefacts.Facts, string) {
	o, ok := inv.Get(imagefacts.Kind, "", image)
	if !ok {
		return nil, "no facts"
	}
	f, ok := o.Obj.(*imagefacts.Facts)
	switch {
	case !ok:
		return nil, "facts not readable"
	case f.Error != "":
		return nil, "analysis failed"
	}
	return f, ""
}

// describeUnknown names the images without usable facts, a few of them.
func describeUnknown(unknown map[string]string) string {
	names := make([]string, 0, len(unknown))
	for img, why := range unknown {
		names = append(names, fmt.Sprintf("%s (%s)", img, why))
	}
	slices.Sort(names)
	if len(names) > 3 {
		names = append(names[:3], fmt.Sprintf("%d more", len(names)-3))
	}
	return "no usable image facts for " + strings.Join(names, ", ")
}

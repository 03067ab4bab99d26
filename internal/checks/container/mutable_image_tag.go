package container

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
)

// Why: "latest" (and a missing tag, which means "latest") is moved by every push. Whoever can
// push to the repository, or take over the account or namespace on a public registry, changes
// what the next pod start, reschedule or node replacement runs, with no change to the manifest
// and nothing in review or audit logs. Nodes that pulled at different times also run different
// code under one name, so a rollback does not roll back. A fixed tag such as 1.2.3 passes this
// check but is still movable; ST-0061 asks for a digest. References the kubelet cannot parse
// are reported by ST-0061, not here.
var mutableImageTag = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0060",
		Slug:     "mutable-image-tag",
		Title:    "Image uses the latest tag or no tag",
		Layer:    check.LayerContainer,
		Severity: check.SeverityMedium,
		Description: "The container image is referenced by the latest tag, or by no tag at all, which the " +
			"runtime reads as latest, and without a digest. Every push to the repository changes what " +
			"new pods run, so a compromised registry account or a hijacked public namespace ships " +
			"code into the cluster without any change to the manifest, and different nodes run " +
			"different code under the same name.",
		Remediation: "Reference the image by an immutable version tag and, better, by digest (name:1.2.3@sha256:...), and update it deliberately through review.",
		References: []string{
			"https://kubernetes.io/docs/concepts/containers/images/#image-names",
			"https://kubernetes.io/docs/concepts/containers/images/#updating-images",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var vs []check.Violation
		for c := range w.Containers() {
			ref, err := parseImage(c.Container.Image)
			if err != nil || !ref.Latest() {
				continue
			}
			msg := fmt.Sprintf("%s image %q uses the latest tag, which moves with every push", c.String(), c.Container.Image)
			if ref.Tag == "" {
				msg = fmt.Sprintf("%s image %q has no tag, so it runs whatever latest points to when the node pulls", c.String(), c.Container.Image)
			}
			vs = append(vs, check.Violation{Path: c.Path.Child("image"), Message: msg})
		}
		return vs, nil
	},
}

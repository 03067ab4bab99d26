package container

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
)

// Why: a tag is a mutable pointer, whatever it looks like: 1.2.3 can be re-pushed by anyone with
// write access to the repository, by a compromised CI token, or by the registry operator.
// Only a digest names content; the kubelet and runtime verify what they pull against it, and
// admission policies and signature verification (cosign, Sigstore policy-controller) can only
// bind a decision to a digest. A tag written beside the digest is ignored by the runtime, so
// name:1.2.3@sha256:... passes. A reference the kubelet cannot parse is reported here too: it
// pins nothing, and a silent pass would read as compliance.
var imageNotPinnedByDigest = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0061",
		Slug:     "image-not-pinned-by-digest",
		Title:    "Image not pinned by digest",
		Layer:    check.LayerContainer,
		Severity: check.SeverityLow,
		Description: "The container image is referenced by tag only, without an @sha256: digest. Tags can be " +
			"moved to different content at any time by whoever can push to the repository, so what " +
			"the container runs is decided by the registry at pull time rather than by the " +
			"reviewed manifest, and signature or vulnerability verdicts cannot be tied to it.",
		Remediation: "Append the digest of the reviewed image to the reference (name:1.2.3@sha256:...), for example with 'crane digest' or a tool such as Renovate that keeps digests current.",
		References: []string{
			"https://kubernetes.io/docs/concepts/containers/images/#image-names",
			"https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var vs []check.Violation
		for c := range w.Containers() {
			img := c.Container.Image
			ref, err := parseImage(img)
			var msg string
			switch {
			case img == "":
				msg = fmt.Sprintf("%s names no image, so nothing pins what it runs", c.String())
			case err != nil:
				msg = fmt.Sprintf("%s image %q is not a valid image reference (the kubelet refuses it as InvalidImageName), so it is not pinned by digest", c.String(), img)
			case !ref.Pinned():
				msg = fmt.Sprintf("%s image %q is not pinned by digest; its tag can be moved to other content", c.String(), img)
			default:
				continue
			}
			vs = append(vs, check.Violation{Path: c.Path.Child("image"), Message: msg})
		}
		return vs, nil
	},
}

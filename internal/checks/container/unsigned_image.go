package container

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/imagefacts"
)

// Why: a digest proves which bytes run, not who built them. A signature from the
// organisation's build key is what ties an image to its reviewed source and pipeline; an
// unsigned image, or one whose signatures do not verify against a trusted key (forged,
// signed by someone else, or signed for another digest), may come from a compromised
// registry account or a developer's laptop. Only the user knows which keys to trust, so the
// check runs when signatures are required; when verification did not run for an image, the
// image is not assessed rather than passed.
var unsignedImage = &check.ObjectCheck[*imagefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0072",
		Slug:     "unsigned-image",
		Title:    "Image is unsigned or its signature does not verify",
		Layer:    check.LayerContainer,
		Severity: check.SeverityHigh,
		Description: "Signatures are required, and the image has no signature, or none of its signatures verifies " +
			"against a trusted key for its digest. Nothing then shows that the image was built by the " +
			"organisation's pipeline rather than pushed by whoever obtained registry credentials.",
		Remediation: "Sign images in the build pipeline (cosign sign --key KEY IMAGE@DIGEST) with a key listed in " +
			"images.keys, deploy them by digest, and enforce verification at admission with a policy controller.",
		References: []string{
			"https://docs.sigstore.dev/cosign/signing/signing_with_containers/",
			"https://kubernetes.io/docs/tasks/administer-cluster/verify-signed-artifacts/",
			"https://slsa.dev/spec/v1.0/threats",
		},
	},
	Kind: imagefacts.Kind,
	Run:  runUnsignedImage,
}

func runUnsignedImage(env *check.Env, _ *check.Object, f *imagefacts.Facts) ([]check.Violation, error) {
	if !env.Images.RequireSigned {
		return nil, check.NotAssessedf("signature verification not requested: --require-signed")
	}
	if err := analysed(f); err != nil {
		return nil, err
	}
	s := f.Signature
	if s == nil {
		return nil, check.NotAssessedf("signature verification did not run for image %s (no trusted keys given, or facts from an analysis without them)", f.Name)
	}
	if s.Verified {
		return nil, nil
	}
	msg := fmt.Sprintf("image %s is unsigned", f.Name)
	if s.Signatures > 0 {
		msg = fmt.Sprintf("image %s has %d signature(s), none of which verifies against a trusted key", f.Name, s.Signatures)
	}
	if s.Problem != "" {
		msg += ": " + s.Problem
	}
	return []check.Violation{{Path: field.NewPath("signature"), Message: msg}}, nil
}

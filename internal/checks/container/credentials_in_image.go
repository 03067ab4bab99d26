package container

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/imagefacts"
)

// Why: an image is copied to every registry mirror, node and developer laptop that pulls it,
// and its layers and configuration are readable by anyone with pull access, for ever: deleting
// a file in a later layer does not remove it from the earlier one. A password in ENV, a private
// key or a cloud credentials file COPY'd in at build time is therefore published to everyone
// who can pull, and to the attacker who gets any code execution in any container running the
// image. strata records the names of such variables and the paths of such files, never their
// values, and so do the findings.
var credentialsInImage = &check.ObjectCheck[*imagefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0069",
		Slug:     "credentials-in-image",
		Title:    "Image contains credentials",
		Layer:    check.LayerContainer,
		Severity: check.SeverityHigh,
		Description: "The image configuration sets credential-like environment variables, or its filesystem " +
			"holds private keys or credential files. Anyone who can pull the image, and any attacker who " +
			"runs code in a container built from it, can read them, and they stay in the image's layers " +
			"even when a later layer deletes the file.",
		Remediation: "Rotate the exposed credentials, then rebuild without them: pass build-time secrets with " +
			"BuildKit secret mounts (RUN --mount=type=secret) instead of ENV, ARG or COPY, and supply runtime " +
			"credentials from Kubernetes Secrets or workload identity.",
		References: []string{
			"https://docs.docker.com/build/building/secrets/",
			"https://kubernetes.io/docs/concepts/configuration/secret/",
			"https://attack.mitre.org/techniques/T1552/001/",
		},
	},
	Kind: imagefacts.Kind,
	Run:  runCredentialsInImage,
}

func runCredentialsInImage(_ *check.Env, _ *check.Object, f *imagefacts.Facts) ([]check.Violation, error) {
	if err := analysed(f); err != nil {
		return nil, err
	}
	var vs []check.Violation
	for i, name := range f.Config.CredentialEnv {
		vs = append(vs, check.Violation{
			Path:    field.NewPath("config", "credentialEnv").Index(i),
			Message: fmt.Sprintf("image %s sets the environment variable %s, which looks like a credential, in its configuration", f.Name, name),
		})
	}
	files, err := filesOf(f, describeCredential, imagefacts.FilePrivateKey, imagefacts.FileCredential)
	return append(vs, files...), err
}

func describeCredential(file imagefacts.File) string {
	what := file.Name
	if what == "" {
		what = "a private key"
		if file.Category == imagefacts.FileCredential {
			what = "credentials"
		}
	}
	return fmt.Sprintf("%s at %s (%s)", what, file.Path, layerNote(file))
}

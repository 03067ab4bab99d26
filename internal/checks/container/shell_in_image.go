package container

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/imagefacts"
)

// Why: most remote-code-execution bugs in applications (command injection, template
// injection, deserialisation) give the attacker one command; a shell in the image turns that
// command into an interactive foothold with pipes, loops and redirection, and every public
// exploit script assumes /bin/sh. A shell is also what 'kubectl exec' needs, so its presence
// invites ad-hoc changes in production. An image built onto distroless or scratch has none,
// and the attacker must bring a full payload. The finding is on the Image object, once per
// shell file, so the fix (a multi-stage build) is made once for every workload using it.
var shellInImage = &check.ObjectCheck[*imagefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0065",
		Slug:     "shell-in-image",
		Title:    "Image contains a shell",
		Layer:    check.LayerContainer,
		Severity: check.SeverityLow,
		Description: "The image ships a command shell (sh, bash, ash, dash, zsh, busybox). An attacker who " +
			"gets one command executed through an application bug uses the shell to run scripts, chain " +
			"tools and keep an interactive foothold, and the shell lets people change running containers " +
			"by hand with kubectl exec.",
		Remediation: "Build the image in two stages and copy only the application and its runtime files onto a " +
			"distroless or scratch base (FROM gcr.io/distroless/static or FROM scratch); debug with ephemeral " +
			"containers (kubectl debug) instead of a shell in the image.",
		References: []string{
			"https://docs.docker.com/build/building/multi-stage/",
			"https://github.com/GoogleContainerTools/distroless",
			"https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/#ephemeral-container",
		},
	},
	Kind: imagefacts.Kind,
	Run: func(_ *check.Env, _ *check.Object, f *imagefacts.Facts) ([]check.Violation, error) {
		return filesOf(f, func(file imagefacts.File) string {
			return fmt.Sprintf("the shell %s at %s (%s)", file.Name, file.Path, layerNote(file))
		}, imagefacts.FileShell)
	},
}

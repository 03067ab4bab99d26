package workload

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
)

// Why: stdin: true keeps the main process's standard input open, and tty: true gives it a
// terminal, so whoever holds pods/attach types straight into the container's entrypoint; when
// that is a shell, as it is for images run "interactively", attach is an exec that RBAC reviews
// and audit rules written for pods/exec do not catch. It also keeps processes such as sh alive
// only because their stdin never closes, a sign of a debugging leftover in production. Ephemeral
// containers are skipped: kubectl debug -it sets both by design and they cannot be changed.
var interactiveContainer = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0045",
		Slug:     "interactive-container",
		Title:    "Container keeps an interactive terminal open",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityLow,
		Description: "A container sets stdin: true or tty: true, keeping an interactive input channel to its " +
			"main process open. Anyone allowed pods/attach can type into it, and when the entrypoint " +
			"is a shell that is a command shell in the workload which restrictions and audit rules " +
			"aimed at pods/exec miss; in production it usually marks a debugging leftover.",
		Remediation: "Remove stdin and tty from the container, or set them to false, and debug with kubectl debug when a shell is needed.",
		References: []string{
			"https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#debugging",
			"https://kubernetes.io/docs/reference/kubectl/generated/kubectl_attach/",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var vs []check.Violation
		for c := range w.Containers() {
			if c.Kind == podspec.EphemeralContainer {
				continue
			}
			for _, f := range []struct {
				name, what string
				on         bool
			}{
				{"stdin", "keeps stdin open to its main process, so pods/attach can type into it", c.Container.Stdin},
				{"tty", "allocates a terminal for its main process, an interactive setting that belongs to debugging", c.Container.TTY},
			} {
				if !f.on {
					continue
				}
				p := c.Path.Child(f.name)
				vs = append(vs, check.Violation{
					Path:    p,
					Message: fmt.Sprintf("%s %s", c.String(), f.what),
					Fix:     []check.PatchOp{{Op: "replace", Path: check.Pointer(p), Value: false}},
				})
			}
		}
		return vs, nil
	},
}

package workload

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
)

// Why: environment variables leak far more easily than files. They are inherited by every
// child process, dumped by crash reporters, debug endpoints and "print the config" log lines,
// readable in /proc/<pid>/environ by anything sharing the process namespace, and shown by
// `docker inspect`/`crictl inspect` on the node. They are also fixed at start, so a rotated
// Secret never reaches a running container. A Secret mounted as a volume is a file with its own
// permissions that the kubelet updates in place; the CIS Kubernetes Benchmark (5.4.1) prefers it.
var secretsInEnv = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0025",
		Slug:     "secret-in-env",
		Title:    "Secret exposed as environment variables",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityLow,
		Description: "A container reads a Secret into environment variables (env valueFrom.secretKeyRef or " +
			"envFrom.secretRef). Environment variables are inherited by child processes, end up in " +
			"logs, crash dumps and runtime inspection output, and never see a rotated value. The CIS " +
			"Kubernetes Benchmark asks for Secrets as files instead.",
		Remediation: "Mount the Secret as a volume (optionally selecting keys with items and a restrictive " +
			"defaultMode) and have the application read the file; keep env only for software that " +
			"cannot read files.",
		References: []string{
			"https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod",
			"https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var out []check.Violation
		for c := range w.Containers() {
			for j, e := range c.Container.Env {
				if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
					continue
				}
				ref := e.ValueFrom.SecretKeyRef
				out = append(out, check.Violation{
					Path: c.Path.Child("env").Index(j).Child("valueFrom", "secretKeyRef"),
					Message: fmt.Sprintf("container %q reads key %q of Secret %q into env %s",
						c.Container.Name, ref.Key, ref.Name, e.Name),
				})
			}
			for j, e := range c.Container.EnvFrom {
				if e.SecretRef == nil {
					continue
				}
				out = append(out, check.Violation{
					Path: c.Path.Child("envFrom").Index(j).Child("secretRef"),
					Message: fmt.Sprintf("container %q reads every key of Secret %q into its environment",
						c.Container.Name, e.SecretRef.Name),
				})
			}
		}
		return out, nil
	},
}

package workload

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
)

// Why: a literal env value is part of the manifest, so the credential lives wherever the
// manifest does — Git history, CI logs, Helm release Secrets, `kubectl get -o yaml` output,
// the last-applied-configuration annotation — and anyone with read access to Deployments or
// Pods (far more people than can read Secrets) can read it. It cannot be rotated without a
// redeploy, and it is visible in /proc/<pid>/environ to anything sharing the process
// namespace. Names alone mislead (TOKEN_TTL, PASSWORD_MIN_LENGTH, *_FILE), so names are
// combined with the value's shape, and well-known token formats are caught under any name.
var envLiteralCredentials = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0024",
		Slug:     "credential-in-env-literal",
		Title:    "Credential written as a literal environment variable",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityHigh,
		Description: "A container's env entry holds a literal value that is a credential: its name says so " +
			"(PASSWORD, SECRET, TOKEN, API_KEY, ACCESS_KEY, PRIVATE_KEY, CREDENTIAL, a connection " +
			"string with a password, ...) or its value has the shape of a known credential (AWS access " +
			"key ID, GitHub, GitLab, Slack, Stripe, npm or SendGrid token, Google API key, JWT, PEM " +
			"private key, URL with user:password@). Everyone who can read the workload or its " +
			"manifest can read the credential.",
		Remediation: "Rotate the exposed credential, store the new one in a Secret (or an external secret " +
			"manager) and reference it with valueFrom.secretKeyRef or, better, mount it as a file.",
		References: []string{
			"https://kubernetes.io/docs/concepts/configuration/secret/",
			"https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
			"https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var out []check.Violation
		for c := range w.Containers() {
			for j, e := range c.Container.Env {
				if e.ValueFrom != nil || e.Value == "" {
					continue
				}
				why := literalCredential(e.Name, e.Value)
				if why == "" {
					continue
				}
				out = append(out, check.Violation{
					Path: c.Path.Child("env").Index(j).Child("value"),
					Message: fmt.Sprintf("container %q: env %s holds a literal value; %s",
						c.Container.Name, e.Name, why),
				})
			}
		}
		return out, nil
	},
}

package workload

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: every namespace has a "default" ServiceAccount and every pod that names no account runs
// as it. Whatever RBAC anyone grants to "default" — often to make one workload work — is then
// granted to every pod of the namespace, including ones added later, and audit logs cannot tell
// the workloads apart. A dedicated ServiceAccount per workload keeps permissions and audit
// trails per workload (CIS Kubernetes Benchmark 5.1.5).
var defaultServiceAccount = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0027",
		Slug:     "default-service-account",
		Title:    "Pod runs as the namespace's default ServiceAccount",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityLow,
		Description: "The pod leaves serviceAccountName empty or sets it to \"default\", so it shares one " +
			"identity with every other such pod in the namespace. Permissions granted to that shared " +
			"account reach all of them, and the API server's audit log cannot tell them apart.",
		Remediation: "Create a ServiceAccount for the workload (with automountServiceAccountToken: false unless " +
			"it calls the API), bind only the permissions it needs, and set serviceAccountName to it.",
		References: []string{
			"https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts",
			"https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		if podServiceAccount(w.Spec) != "default" {
			return nil, nil
		}
		msg := "pod names no ServiceAccount, so it runs as the namespace's \"default\" account"
		if w.Spec.ServiceAccountName == "default" || w.Spec.DeprecatedServiceAccount == "default" {
			msg = "pod runs as the namespace's \"default\" ServiceAccount"
		}
		return []check.Violation{{Path: w.Path.Child("serviceAccountName"), Message: msg}}, nil
	},
}

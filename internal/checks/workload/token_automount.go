package workload

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
)

var tokenAutomountSAKind = schema.GroupKind{Group: "", Kind: "ServiceAccount"}

// Why: unless told otherwise, the kubelet mounts a token of the pod's ServiceAccount at
// /var/run/secrets/kubernetes.io/serviceaccount in every container. Most applications never
// call the Kubernetes API, but an attacker with code execution (an RCE, a malicious dependency,
// SSRF with file read) picks the token up and talks to the API server as that account: listing
// Secrets, creating pods, or probing for RBAC escalation. Whether the token is mounted is
// decided by the pod and, when the pod is silent, by its ServiceAccount, so this check reads
// both.
//
// Scope namespace: a workload's finding reads only the workload and the ServiceAccount of its
// own namespace that it names.
var tokenAutomount = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0026",
		Slug:     "service-account-token-automount",
		Title:    "Service account token mounted into the pod",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityMedium,
		Description: "The pod gets its ServiceAccount's API token mounted: it sets " +
			"automountServiceAccountToken: true, or leaves it unset and its ServiceAccount does not " +
			"set it to false. Any code running in the pod can then authenticate to the API server with " +
			"the account's permissions.",
		Remediation: "Set automountServiceAccountToken: false on the pod spec (or on the ServiceAccount for " +
			"every pod using it); pods that call the API should mount a short-lived, audience-bound " +
			"token through a projected serviceAccountToken volume instead.",
		References: []string{
			"https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting",
			"https://kubernetes.io/docs/concepts/security/service-accounts/",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Reads: append(append([]schema.GroupKind(nil), podspec.Kinds...), tokenAutomountSAKind),
	Scope: check.ScopeNamespace,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		var out []check.ObjectViolation
		for _, gk := range podspec.Kinds {
			for _, o := range inv.List(gk, "") {
				t, ok := podspec.Extract(o.Obj)
				if !ok {
					continue
				}
				msg, err := tokenMountReason(inv, o, t.Spec)
				if err != nil {
					return out, err
				}
				if msg == "" {
					continue
				}
				p := t.Path.Child("automountServiceAccountToken")
				out = append(out, check.ObjectViolation{Object: o, Violation: check.Violation{
					Path:    p,
					Message: msg,
					Fix:     []check.PatchOp{{Op: "add", Path: check.Pointer(p), Value: false}},
				}})
			}
		}
		return out, nil
	},
}

// tokenMountReason says why the pod spec of o gets a service account token mounted, or returns
// "" when it does not.
func tokenMountReason(inv check.Inventory, o *check.Object, spec *corev1.PodSpec) (string, error) {
	if spec.AutomountServiceAccountToken != nil {
		if *spec.AutomountServiceAccountToken {
			return "pod sets automountServiceAccountToken to true, so every container gets the API token " +
				"of ServiceAccount " + fmt.Sprintf("%q", podServiceAccount(spec)), nil
		}
		return "", nil
	}
	name := podServiceAccount(spec)
	sa, found := inv.Get(tokenAutomountSAKind, o.Ref.Namespace, name)
	if !found {
		return fmt.Sprintf("pod does not set automountServiceAccountToken and ServiceAccount %q is not in "+
			"the input, so the API default applies and the token is mounted", name), nil
	}
	obj, ok := sa.Obj.(*corev1.ServiceAccount)
	if !ok {
		return "", fmt.Errorf("serviceaccount %s: unexpected object type %T", sa.Ref, sa.Obj)
	}
	switch {
	case obj.AutomountServiceAccountToken == nil:
		return fmt.Sprintf("pod does not set automountServiceAccountToken and neither does ServiceAccount %q, "+
			"so the token is mounted", name), nil
	case *obj.AutomountServiceAccountToken:
		return fmt.Sprintf("pod does not set automountServiceAccountToken and ServiceAccount %q sets it to "+
			"true, so the token is mounted", name), nil
	}
	return "", nil
}

// podServiceAccount is the ServiceAccount a pod runs as: serviceAccountName, its deprecated
// alias serviceAccount, or "default".
func podServiceAccount(spec *corev1.PodSpec) string {
	switch {
	case spec.ServiceAccountName != "":
		return spec.ServiceAccountName
	case spec.DeprecatedServiceAccount != "":
		return spec.DeprecatedServiceAccount
	}
	return "default"
}

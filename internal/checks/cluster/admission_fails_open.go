package cluster

import (
	"fmt"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/strata-sec/strata/internal/check"
)

// Why: with failurePolicy Ignore the API server admits a request unchecked whenever the
// webhook errors or does not answer within its timeout. An attacker who can make the webhook
// slow or unavailable — flood it, evict or crash its pods, exhaust its node, or simply wait for
// an upgrade or a certificate expiry — creates privileged pods or RBAC bindings the policy
// would have rejected, and nothing records that the policy was skipped. Gatekeeper installs
// with Ignore by default and several policy engines offer it per policy; that trades security
// for availability, which this check makes visible for the webhooks that guard workloads,
// identities, Secrets, namespaces, network policy and admission itself.
var webhookFailsOpen = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0145",
		Slug:     "webhook-fails-open",
		Title:    "Security admission webhook fails open",
		Layer:    check.LayerCluster,
		Severity: check.SeverityMedium,
		Description: "An admission webhook that covers pods, workloads, RBAC, Secrets, namespaces, network policies or " +
			"admission configuration has failurePolicy: Ignore. Whenever the webhook is down or slow, requests are " +
			"admitted without its check, so an attacker who can disrupt it bypasses the policy.",
		Remediation: "Set failurePolicy: Fail on the webhook, run it with several replicas and a PodDisruptionBudget, and exclude only the namespaces it depends on.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#failure-policy",
			"https://kubernetes.io/docs/concepts/cluster-administration/admission-webhooks-good-practices/",
		},
	},
	Reads: webhookReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		var out []check.ObjectViolation
		for _, w := range admissionWebhooks(inv) {
			covered := w.guarded()
			if !w.failsOpen() || len(covered) == 0 {
				continue
			}
			p := w.path.Child("failurePolicy")
			out = append(out, w.violation(p,
				fmt.Sprintf("webhook %q fails open (failurePolicy: Ignore) on %s: while it is down or slower than its timeout, those requests skip it", w.name, listResources(covered)),
				[]check.PatchOp{{Op: "replace", Path: check.Pointer(p), Value: string(admissionregistrationv1.Fail)}}))
		}
		return out, nil
	},
}

package cluster

import (
	"fmt"

	"k8s.io/utils/ptr"

	"github.com/strata-sec/strata/internal/check"
)

// maxWebhookTimeout is the v1 default and the longest timeout the Kubernetes admission-webhook
// good practices recommend.
const maxWebhookTimeout = 10

// Why: every matching API request waits up to timeoutSeconds for the webhook. With a 30-second
// timeout, a webhook an attacker can slow down (by flooding it or its dependencies) stalls
// every create and update it covers for that long, starving API server request slots and
// controllers that retry; combined with failurePolicy Ignore (ST-0145), a forced timeout is
// a policy bypass that takes longer but is just as complete. Short timeouts keep the blast
// radius of a misbehaving webhook small. The API server's own request deadline bounds the
// rest of the request, so long webhook timeouts also cause unrelated client failures.
var webhookLongTimeout = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0147",
		Slug:     "webhook-long-timeout",
		Title:    "Admission webhook timeout above 10 seconds",
		Layer:    check.LayerCluster,
		Severity: check.SeverityLow,
		Description: "An admission webhook sets timeoutSeconds above 10. Every request it covers can hang that long " +
			"when the webhook is slow, so an attacker who can slow it degrades the API server, and with " +
			"failurePolicy Ignore a forced timeout skips the webhook altogether.",
		Remediation: "Set timeoutSeconds to 10 or less and make the webhook answer quickly; move slow work out of the admission path.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#timeouts",
			"https://kubernetes.io/docs/concepts/cluster-administration/admission-webhooks-good-practices/",
		},
	},
	Reads: webhookReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		var out []check.ObjectViolation
		for _, w := range admissionWebhooks(inv) {
			t := ptr.Deref(w.timeout, maxWebhookTimeout)
			if t <= maxWebhookTimeout {
				continue
			}
			p := w.path.Child("timeoutSeconds")
			out = append(out, w.violation(p,
				fmt.Sprintf("webhook %q waits up to %d seconds for an answer, more than %d", w.name, t, maxWebhookTimeout),
				[]check.PatchOp{{Op: "replace", Path: check.Pointer(p), Value: maxWebhookTimeout}}))
		}
		return out, nil
	},
}

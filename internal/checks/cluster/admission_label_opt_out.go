package cluster

import (
	"fmt"
	"slices"
	"sort"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// reservedNamespaceLabel is set by the API server to the namespace's own name and cannot be
// changed, so selecting on it is safe.
const reservedNamespaceLabel = "kubernetes.io/metadata.name"

// gatekeeperIgnoreLabel is Gatekeeper's namespace opt-out label. Gatekeeper guards it with a
// second webhook that lets only exempt namespaces carry it.
const (
	gatekeeperIgnoreLabel = "admission.gatekeeper.sh/ignore"
	gatekeeperGuard       = "check-ignore-label.gatekeeper.sh"
)

// Why: a selector decides which requests reach the webhook, and whoever controls the selected
// labels decides whether a policy applies to them. The heuristic:
//
//   - objectSelector matches the labels of the object being admitted, which its creator
//     writes. Any objectSelector on a policy webhook is an opt-out for whoever creates pods:
//     add the excluding label (NotIn, DoesNotExist) or leave out the required one (In, Exists,
//     matchLabels) and the policy never sees the pod.
//   - namespaceSelector matches namespace labels. kubernetes.io/metadata.name is set by the API
//     server and is safe. Any other label can be set by whoever may update the namespace, which
//     in multi-tenant clusters (and with namespace self-service) is the tenant the policy is
//     meant to constrain; an expression on such a label is an opt-out. Gatekeeper's
//     admission.gatekeeper.sh/ignore counts as guarded when Gatekeeper's check-ignore-label
//     webhook is present and fails closed.
//
// Only validating webhooks on security-relevant resources are checked: they are where policy is
// enforced, while mutating webhooks commonly inject sidecars and defaults that teams are meant
// to opt out of.
var webhookLabelOptOut = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0148",
		Slug:     "webhook-label-opt-out",
		Title:    "Policy webhook can be skipped by a label",
		Layer:    check.LayerCluster,
		Severity: check.SeverityMedium,
		Description: "A validating webhook on pods, workloads, RBAC, Secrets or namespaces selects requests by an object " +
			"label, or by a namespace label other than kubernetes.io/metadata.name. Whoever creates the object, or may " +
			"label the namespace, can set or drop that label and so decide that the policy does not apply to them.",
		Remediation: "Exclude namespaces by kubernetes.io/metadata.name instead of a custom label, drop objectSelector from policy webhooks, and express per-workload exceptions inside the policy engine where they are reviewed.",
		References: []string{
			"https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#matching-requests-namespaceselector",
			"https://open-policy-agent.github.io/gatekeeper/website/docs/customize-admission/",
		},
	},
	Reads: webhookReads,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		all := admissionWebhooks(inv)
		guarded := gatekeeperGuarded(all)
		var out []check.ObjectViolation
		for _, w := range all {
			covered := w.guarded()
			if !w.validating || len(covered) == 0 {
				continue
			}
			if p, key, ok := optOutKey(w.objectSel, w.path.Child("objectSelector"), nil); ok {
				out = append(out, w.violation(p, fmt.Sprintf("webhook %q on %s selects objects by label %q, which whoever creates the object sets: leaving it out, or adding it, skips the policy",
					w.name, listResources(covered), key), nil))
				continue
			}
			safe := []string{reservedNamespaceLabel}
			if guarded {
				safe = append(safe, gatekeeperIgnoreLabel)
			}
			if p, key, ok := optOutKey(w.namespaceSel, w.path.Child("namespaceSelector"), safe); ok {
				out = append(out, w.violation(p, fmt.Sprintf("webhook %q on %s selects namespaces by label %q, which anyone who may update a namespace can change to skip the policy there",
					w.name, listResources(covered), key), nil))
			}
		}
		return out, nil
	},
}

// optOutKey returns the first selector term on a label outside safe, with its field path.
func optOutKey(sel *metav1.LabelSelector, p *field.Path, safe []string) (*field.Path, string, bool) {
	if sel == nil {
		return nil, "", false
	}
	keys := make([]string, 0, len(sel.MatchLabels))
	for k := range sel.MatchLabels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(safe, k) {
			return p.Child("matchLabels").Key(k), k, true
		}
	}
	for i, e := range sel.MatchExpressions {
		if !slices.Contains(safe, e.Key) {
			return p.Child("matchExpressions").Index(i).Child("key"), e.Key, true
		}
	}
	return nil, "", false
}

// gatekeeperGuarded reports whether Gatekeeper's label guard is installed and fails closed, so
// that only exempt namespaces can carry its ignore label.
func gatekeeperGuarded(all []admissionWebhook) bool {
	for _, w := range all {
		if w.validating && w.name == gatekeeperGuard && !w.failsOpen() &&
			slices.ContainsFunc(w.rules, func(r admissionregistrationv1.RuleWithOperations) bool {
				return slices.Contains(r.APIGroups, "") && ruleCovers(r.Resources, "namespaces")
			}) {
			return true
		}
	}
	return false
}

package cluster

import (
	"fmt"
	"slices"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// The admission checks look at each webhook of every ValidatingWebhookConfiguration and
// MutatingWebhookConfiguration. A check has one severity and one ID whichever kind the webhook
// sits in, so they are cluster checks over both kinds, placing one violation per webhook at
// webhooks[i]. Only admissionregistration.k8s.io/v1 is read: v1beta1 has not been served
// since Kubernetes 1.22.

var webhookGK = struct{ Validating, Mutating schema.GroupKind }{
	Validating: schema.GroupKind{Group: admissionregistrationv1.GroupName, Kind: "ValidatingWebhookConfiguration"},
	Mutating:   schema.GroupKind{Group: admissionregistrationv1.GroupName, Kind: "MutatingWebhookConfiguration"},
}

var webhookReads = []schema.GroupKind{webhookGK.Validating, webhookGK.Mutating}

// admissionWebhook is one webhook of either kind, with the fields the checks read.
type admissionWebhook struct {
	obj        *check.Object
	path       *field.Path
	validating bool
	name       string
	client     admissionregistrationv1.WebhookClientConfig
	rules      []admissionregistrationv1.RuleWithOperations
	// failurePolicy is nil when unset; v1 defaults it to Fail.
	failurePolicy *admissionregistrationv1.FailurePolicyType
	namespaceSel  *metav1.LabelSelector
	objectSel     *metav1.LabelSelector
	// timeout is nil when unset; v1 defaults it to 10 seconds.
	timeout *int32
}

// admissionWebhooks lists every webhook of every validating, then mutating, configuration.
func admissionWebhooks(inv check.Inventory) []admissionWebhook {
	var out []admissionWebhook
	for _, o := range inv.List(webhookGK.Validating, "") {
		c, ok := o.Obj.(*admissionregistrationv1.ValidatingWebhookConfiguration)
		if !ok {
			continue
		}
		for i, w := range c.Webhooks {
			out = append(out, admissionWebhook{o, field.NewPath("webhooks").Index(i), true, w.Name, w.ClientConfig, w.Rules,
				w.FailurePolicy, w.NamespaceSelector, w.ObjectSelector, w.TimeoutSeconds})
		}
	}
	for _, o := range inv.List(webhookGK.Mutating, "") {
		c, ok := o.Obj.(*admissionregistrationv1.MutatingWebhookConfiguration)
		if !ok {
			continue
		}
		for i, w := range c.Webhooks {
			out = append(out, admissionWebhook{o, field.NewPath("webhooks").Index(i), false, w.Name, w.ClientConfig, w.Rules,
				w.FailurePolicy, w.NamespaceSelector, w.ObjectSelector, w.TimeoutSeconds})
		}
	}
	return out
}

// violation places a violation on the webhook's object.
func (w admissionWebhook) violation(p *field.Path, msg string, fix []check.PatchOp) check.ObjectViolation {
	return check.ObjectViolation{Object: w.obj, Violation: check.Violation{Path: p, Message: msg, Fix: fix}}
}

// failsOpen reports whether the webhook's failure policy is Ignore.
func (w admissionWebhook) failsOpen() bool {
	return w.failurePolicy != nil && *w.failurePolicy == admissionregistrationv1.Ignore
}

// guardedResource is a resource whose admission decides who runs what with which privileges:
// workloads and their exec/attach/debug subresources, identities and permissions, Secrets,
// namespaces (which carry Pod Security labels), NetworkPolicies, Services (externalIPs, CVE-
// 2020-8554) and the admission configuration itself.
type guardedResource struct{ group, resource string }

var guardedResources = []guardedResource{
	{"", "pods"}, {"", "pods/exec"}, {"", "pods/attach"}, {"", "pods/ephemeralcontainers"},
	{"", "replicationcontrollers"}, {"", "podtemplates"}, {"", "namespaces"}, {"", "secrets"},
	{"", "serviceaccounts"}, {"", "serviceaccounts/token"}, {"", "services"},
	{"apps", "deployments"}, {"apps", "replicasets"}, {"apps", "statefulsets"}, {"apps", "daemonsets"},
	{"batch", "jobs"}, {"batch", "cronjobs"},
	{"rbac.authorization.k8s.io", "roles"}, {"rbac.authorization.k8s.io", "rolebindings"},
	{"rbac.authorization.k8s.io", "clusterroles"}, {"rbac.authorization.k8s.io", "clusterrolebindings"},
	{"networking.k8s.io", "networkpolicies"},
	{"admissionregistration.k8s.io", "validatingwebhookconfigurations"},
	{"admissionregistration.k8s.io", "mutatingwebhookconfigurations"},
	{"admissionregistration.k8s.io", "validatingadmissionpolicies"},
	{"admissionregistration.k8s.io", "validatingadmissionpolicybindings"},
}

// ruleCovers reports whether an admission rule's resources match resource, which may name a
// subresource ("pods/exec"). "*" matches every resource but no subresource, "*/*" everything,
// "pods/*" every subresource of pods, and "*/scale" the scale subresource of every resource.
func ruleCovers(patterns []string, resource string) bool {
	res, sub, _ := strings.Cut(resource, "/")
	for _, p := range patterns {
		pres, psub, hasSub := strings.Cut(p, "/")
		switch {
		case p == "*/*":
			return true
		case !hasSub:
			if sub == "" && (pres == "*" || pres == res) {
				return true
			}
		case sub != "" && (pres == "*" || pres == res) && (psub == "*" || psub == sub):
			return true
		}
	}
	return false
}

// guarded returns the security-relevant resources the webhook's rules cover, in the order of
// guardedResources; "every resource" when a rule matches everything.
func (w admissionWebhook) guarded() []string {
	for _, r := range w.rules {
		if slices.Contains(r.APIGroups, "*") && slices.Contains(r.Resources, "*/*") {
			return []string{"every resource"}
		}
	}
	for _, r := range w.rules {
		if slices.Contains(r.APIGroups, "*") && slices.Contains(r.Resources, "*") {
			return []string{"every resource (without subresources)"}
		}
	}
	var out []string
	for _, gr := range guardedResources {
		for _, r := range w.rules {
			if (slices.Contains(r.APIGroups, "*") || slices.Contains(r.APIGroups, gr.group)) && ruleCovers(r.Resources, gr.resource) {
				out = append(out, resourceName(gr.group, gr.resource))
				break
			}
		}
	}
	return out
}

// listResources names up to four resources and counts the rest.
func listResources(rs []string) string {
	const shown = 4
	if len(rs) <= shown {
		return strings.Join(rs, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(rs[:shown], ", "), len(rs)-shown)
}

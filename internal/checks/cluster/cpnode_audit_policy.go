package cluster

import (
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: without a policy file the API server records no audit event at all, whatever log path
// it has. With one, the policy decides what is kept: Secrets, ConfigMaps and TokenReviews must
// be recorded at Metadata level — who touched which object — and never at Request or
// RequestResponse, which would copy Secret values and tokens into the audit log, nor at None,
// which keeps no trace of who read them.
//
// The API server applies the first rule that matches a request, so the level of a resource is
// that of the first rule covering it for every request: one not narrowed by users, groups,
// verbs, namespaces or object names. A narrowed rule before it that logs request bodies still
// leaks the Secrets of the requests it matches, so it fails too. Facts recorded before the
// collector read the policy's content leave the content check not assessed: a policy nobody
// has read is never a pass.
var cpNodeAuditPolicy = &check.ObjectCheck[*nodefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0375",
		Slug:     "api-server-audit-policy-file",
		Title:    "API server on this node has no audit policy file",
		Layer:    check.LayerCluster,
		Severity: check.SeverityMedium,
		Description: "The kube-apiserver found on the node (static pod manifest or process) must run with " +
			"--audit-policy-file naming a policy that exists and parses (CIS Kubernetes Benchmark 3.2.1), and the " +
			"first rule of the policy matching Secrets, ConfigMaps and TokenReviews must record them at Metadata " +
			"level: not Request or RequestResponse, which would write their contents to the log, nor None, which " +
			"records nothing (3.2.2).",
		Remediation: "Write an audit policy (for example /etc/kubernetes/audit-policy.yaml) whose first rule logs secrets, configmaps and tokenreviews at level Metadata, and pass it to kube-apiserver with --audit-policy-file.",
		References: []string{
			"https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Kind: nodefacts.Kind,
	Run: func(_ *check.Env, _ *check.Object, f *nodefacts.Facts) ([]check.Violation, error) {
		api, ok := f.ControlPlane.Components[nodefacts.APIServer]
		if !ok {
			return nil, check.NotAssessedf("no control-plane files on this node (no kube-apiserver manifest or process)")
		}
		policy := strings.TrimSpace(api.Flags["audit-policy-file"])
		if policy == "" {
			flags := field.NewPath("controlPlane", "components").Key(nodefacts.APIServer).Child("flags")
			return []check.Violation{{Path: flags, Message: "kube-apiserver runs without --audit-policy-file: " +
				"it records no audit events (CIS 3.2.1)"}}, nil
		}
		ap := f.ControlPlane.AuditPolicy
		if ap == nil {
			return nil, check.NotAssessedf("the node facts do not include the content of the audit policy %s, so "+
				"whether it records Secrets, ConfigMaps and TokenReviews at Metadata level (CIS 3.2.2) is unknown", policy)
		}
		return auditPolicyViolations(ap), nil
	},
}

// auditSensitive are the resources whose requests carry secret data.
var auditSensitive = []struct{ group, resource, name string }{
	{"", "secrets", "secrets"},
	{"", "configmaps", "configmaps"},
	{"authentication.k8s.io", "tokenreviews", "tokenreviews.authentication.k8s.io"},
}

func auditPolicyViolations(ap *nodefacts.AuditPolicy) []check.Violation {
	base := field.NewPath("controlPlane", "auditPolicy")
	switch {
	case !ap.Exists:
		return []check.Violation{{Path: base.Child("exists"), Message: "the audit policy file " + ap.Path +
			" named by --audit-policy-file does not exist (CIS 3.2.1)"}}
	case ap.Error != "":
		return []check.Violation{{Path: base.Child("error"), Message: "the audit policy file " + ap.Path +
			" cannot be read as an audit policy, so the API server cannot load it (CIS 3.2.1)"}}
	}
	// Resources judged by the same rule and found wanting for the same reason share a finding.
	type finding struct {
		rule      int
		reason    string
		resources []string
	}
	var found []*finding
	for _, s := range auditSensitive {
		i, reason := auditResourceVerdict(ap.Rules, s.group, s.resource)
		if reason == "" {
			continue
		}
		if n := len(found); n > 0 && found[n-1].rule == i && found[n-1].reason == reason {
			found[n-1].resources = append(found[n-1].resources, s.name)
			continue
		}
		found = append(found, &finding{rule: i, reason: reason, resources: []string{s.name}})
	}
	var out []check.Violation
	for _, fd := range found {
		res := strings.Join(fd.resources, ", ")
		if fd.rule < 0 {
			out = append(out, check.Violation{Path: base.Child("rules"), Message: "no rule of " + ap.Path +
				" matches every request for " + res + ": " + fd.reason + " (CIS 3.2.2)"})
			continue
		}
		out = append(out, check.Violation{Path: base.Child("rules").Index(fd.rule).Child("level"), Message: "rule " +
			strconv.Itoa(fd.rule+1) + " of " + ap.Path + " is the first to match " + res + " and " + fd.reason + " (CIS 3.2.2)"})
	}
	return out
}

// auditResourceVerdict walks the rules in order for requests on one resource and returns the
// rule at fault (-1 for none) and why, or "" when the resource is recorded at Metadata level.
func auditResourceVerdict(rules []nodefacts.AuditPolicyRule, group, resource string) (int, string) {
	for i, r := range rules {
		matches, universal := auditRuleMatches(r, group, resource)
		if !matches {
			continue
		}
		if logsBodies(r.Level) {
			return i, "sets level " + r.Level + ", which writes the objects themselves to the audit log"
		}
		if !universal {
			continue
		}
		switch r.Level {
		case "Metadata":
			return -1, ""
		case "None":
			return i, "sets level None, which records no audit event"
		default:
			return i, "sets level " + strconv.Quote(r.Level) + ", which is not an audit level"
		}
	}
	return -1, "requests no rule matches are not recorded (level None)"
}

func logsBodies(level string) bool { return level == "Request" || level == "RequestResponse" }

// auditRuleMatches reports whether a rule can match requests on a resource of a group, and
// whether it matches every such request (no user, group, verb, namespace or name limit). It
// follows the API server's order: users, groups and verbs narrow; namespaces or resources
// make it a resource rule; otherwise nonResourceURLs make it a non-resource rule.
func auditRuleMatches(r nodefacts.AuditPolicyRule, group, resource string) (matches, universal bool) {
	universal = len(r.Users) == 0 && len(r.UserGroups) == 0 && len(r.Verbs) == 0 && len(r.Namespaces) == 0
	if len(r.Resources) == 0 {
		if len(r.Namespaces) == 0 && len(r.NonResourceURLs) > 0 {
			return false, false
		}
		return true, universal
	}
	for _, gr := range r.Resources {
		if gr.Group != group || !groupHasResource(gr.Resources, resource) {
			continue
		}
		matches = true
		if len(gr.ResourceNames) == 0 {
			return true, universal
		}
	}
	return matches, false
}

// groupHasResource reports whether a rule's resource list of a group covers a resource
// (an empty list covers the whole group).
func groupHasResource(resources []string, resource string) bool {
	if len(resources) == 0 {
		return true
	}
	for _, res := range resources {
		if res == resource || res == "*" {
			return true
		}
	}
	return false
}

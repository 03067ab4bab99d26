package paths

import (
	"fmt"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/strata-sec/strata/internal/rbac"
)

// podCreators are the resources whose create lets the holder start a pod with any service
// account of the namespace: the pod itself or any controller that stamps pods from a template.
var podCreators = []rbac.Request{
	{APIGroup: "", Resource: "pods"},
	{APIGroup: "", Resource: "replicationcontrollers"},
	{APIGroup: "apps", Resource: "deployments"},
	{APIGroup: "apps", Resource: "replicasets"},
	{APIGroup: "apps", Resource: "statefulsets"},
	{APIGroup: "apps", Resource: "daemonsets"},
	{APIGroup: "batch", Resource: "jobs"},
	{APIGroup: "batch", Resource: "cronjobs"},
}

// Allows reports whether rule grants any of verbs on the resource (group, resource,
// subresource) with the given object name ("" for any object) in namespace ns.
func Allows(rule *rbacv1.PolicyRule, verbs []string, group, resource, sub, name string) bool {
	for _, v := range verbs {
		if rbac.RuleAllows(rule, rbac.Request{Verb: v, APIGroup: group, Resource: resource, Subresource: sub, Name: name}) {
			return true
		}
	}
	return false
}

// CreatesPods returns the first pod-creating resource the rule lets its holder create, or "".
func CreatesPods(rule *rbacv1.PolicyRule) string {
	for _, r := range podCreators {
		if Allows(rule, []string{"create"}, r.APIGroup, r.Resource, "", "") {
			if r.APIGroup == "" {
				return r.Resource
			}
			return r.Resource + "." + r.APIGroup
		}
	}
	return ""
}

// namespaces returns where a binding's namespaced grants apply.
func (g *Graph) namespaces(b *Binding) []string {
	if b.Namespace != "" {
		return []string{b.Namespace}
	}
	return g.facts.namespaces
}

func (g *Graph) toSA(from int, ns, name, reason string, gr rbac.Grant) {
	g.edge(from, g.node(Node{Subject: rbac.Subject{Kind: rbac.KindServiceAccount, Namespace: ns, Name: name}}), reason, gr)
}

func (g *Graph) toTarget(from int, t, reason string, gr rbac.Grant) {
	g.edge(from, g.index[Node{Target: t}], reason, gr)
}

// ruleEdges adds the edges rule ri of binding b gives node from (through subject si).
func (g *Graph) ruleEdges(from int, b *Binding, ri, si int) {
	r := &b.Rules[ri]
	gr := b.Grant(ri, si)
	cluster := b.Namespace == ""
	if cluster && Allows(r, []string{"*"}, "*", "*", "", "") {
		g.toTarget(from, TargetClusterAdmin, "holds every verb on every resource cluster-wide", gr)
	}
	if res := CreatesPods(r); res != "" {
		for _, ns := range g.namespaces(b) {
			for _, sa := range g.facts.accounts[ns] {
				g.toSA(from, ns, sa, fmt.Sprintf("create %s in namespace %s running as it", res, ns), gr)
			}
		}
	}
	if Allows(r, []string{"create", "get"}, "", "pods", "exec", "") || Allows(r, []string{"create", "get"}, "", "pods", "attach", "") ||
		Allows(r, []string{"update", "patch"}, "", "pods", "ephemeralcontainers", "") {
		for _, ns := range g.namespaces(b) {
			for _, sa := range g.facts.running[ns] {
				g.toSA(from, ns, sa, fmt.Sprintf("exec into its pods in namespace %s", ns), gr)
			}
		}
	}
	if cluster && Allows(r, []string{"get", "create"}, "", "nodes", "proxy", "") {
		g.toTarget(from, TargetNodes, "call the kubelet API through nodes/proxy", gr)
		for _, ns := range g.facts.namespaces {
			for _, sa := range g.facts.running[ns] {
				g.toSA(from, ns, sa, "exec into its pods through the kubelet (nodes/proxy)", gr)
			}
		}
	}
	g.bindEdges(from, b, r, gr)
	g.impersonateEdges(from, b, r, gr)
	g.tokenEdges(from, b, r, gr)
	g.secretEdges(from, b, r, gr)
}

// bindEdges: bind or escalate on roles lets the holder grant itself any permission. Cluster-wide
// that is cluster-admin; in a namespace it is everything there, every service account included.
func (g *Graph) bindEdges(from int, b *Binding, r *rbacv1.PolicyRule, gr rbac.Grant) {
	can := false
	for _, res := range []string{"roles", "clusterroles"} {
		can = can || Allows(r, []string{"bind", "escalate"}, rbacv1.GroupName, res, "", "")
	}
	if !can {
		return
	}
	if b.Namespace == "" {
		g.toTarget(from, TargetClusterAdmin, "bind or escalate roles cluster-wide", gr)
		return
	}
	for _, sa := range g.facts.accounts[b.Namespace] {
		g.toSA(from, b.Namespace, sa, "bind or escalate roles in namespace "+b.Namespace, gr)
	}
}

// impersonateEdges: impersonating a user, group or service account is being it. Impersonating
// any group includes system:masters, which the authorizer never restricts.
func (g *Graph) impersonateEdges(from int, b *Binding, r *rbacv1.PolicyRule, gr rbac.Grant) {
	if !rbac.VerbMatches(r, "impersonate") {
		return
	}
	if b.Namespace == "" {
		for _, kind := range []string{rbac.KindUser, rbac.KindGroup} {
			res := map[string]string{rbac.KindUser: "users", rbac.KindGroup: "groups"}[kind]
			if Allows(r, []string{"impersonate"}, "", res, "", "") {
				if kind == rbac.KindGroup {
					g.toTarget(from, TargetClusterAdmin, "impersonate group system:masters", gr)
				}
				for i := range g.Nodes {
					if n := g.Nodes[i]; n.Target == "" && n.Subject.Kind == kind {
						g.edge(from, i, "impersonate "+n.Subject.String(), gr)
					}
				}
				continue
			}
			for _, name := range r.ResourceNames {
				if !Allows(r, []string{"impersonate"}, "", res, "", name) {
					continue
				}
				if kind == rbac.KindGroup && name == "system:masters" {
					g.toTarget(from, TargetClusterAdmin, "impersonate group system:masters", gr)
					continue
				}
				g.edge(from, g.node(Node{Subject: rbac.Subject{Kind: kind, Name: name}}), "impersonate "+kind+" "+name, gr)
			}
		}
	}
	for _, ns := range g.namespaces(b) {
		for _, sa := range g.named(r, "impersonate", "serviceaccounts", "", g.facts.accounts[ns]) {
			g.toSA(from, ns, sa, "impersonate it", gr)
		}
	}
}

// named returns the names among candidates the rule grants verb on (resource/sub); a rule
// without resourceNames grants them all, one with names also those not yet in the inventory.
func (g *Graph) named(r *rbacv1.PolicyRule, verb, resource, sub string, candidates []string) []string {
	if Allows(r, []string{verb}, "", resource, sub, "") {
		return candidates
	}
	var out []string
	for _, n := range r.ResourceNames {
		if Allows(r, []string{verb}, "", resource, sub, n) {
			out = append(out, n)
		}
	}
	return out
}

// tokenEdges: create on serviceaccounts/token mints a token for the service account.
func (g *Graph) tokenEdges(from int, b *Binding, r *rbacv1.PolicyRule, gr rbac.Grant) {
	for _, ns := range g.namespaces(b) {
		for _, sa := range g.named(r, "create", "serviceaccounts", "token", g.facts.accounts[ns]) {
			g.toSA(from, ns, sa, "create a token for it (serviceaccounts/token)", gr)
		}
	}
}

// secretEdges: reading Secrets reaches the secrets target, and every legacy token Secret read
// is its service account.
func (g *Graph) secretEdges(from int, b *Binding, r *rbacv1.PolicyRule, gr rbac.Grant) {
	anyRead := Allows(r, []string{"get", "list", "watch"}, "", "secrets", "", "")
	if anyRead {
		g.toTarget(from, TargetSecrets, "read Secrets "+scopeText(b), gr)
	}
	for _, ns := range g.namespaces(b) {
		names := make([]string, 0, len(g.facts.tokens[ns]))
		for name := range g.facts.tokens[ns] {
			if anyRead || Allows(r, []string{"get"}, "", "secrets", "", name) {
				names = append(names, name)
			}
		}
		for _, name := range sortedStrings(names) {
			g.toSA(from, ns, g.facts.tokens[ns][name], "read its token Secret "+ns+"/"+name, gr)
		}
	}
}

func scopeText(b *Binding) string {
	if b.Namespace == "" {
		return "cluster-wide"
	}
	return "in namespace " + b.Namespace
}

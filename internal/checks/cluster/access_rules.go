package cluster

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// The RBAC checks of this package ask one question of a role: does it grant more than the
// harmless, public-by-design requests every cluster allows (health, version, API discovery,
// "what may I do")? The evaluator here answers it for RBAC rules as the RBAC authorizer reads
// them, wildcards included, and says what a rule grants beyond that. It deliberately knows
// only this one question; effective permissions and escalation paths are internal/rbac's job.

// reach orders what an RBAC rule lets its subjects do, from nothing to everything else.
type reach int

const (
	// reachNone: the rule matches no request (no verbs, or resources without API groups, or
	// non-resource URLs bound through a RoleBinding, which cannot grant them).
	reachNone reach = iota
	// reachPublic: what system:public-info-viewer grants every caller by default (health and
	// version endpoints), the service-account issuer's OIDC discovery documents (public keys,
	// published on purpose), and kubeadm's cluster-info ConfigMap in kube-public.
	reachPublic
	// reachDiscovery: API discovery and OpenAPI documents, individual health checks, the
	// self-review APIs of system:basic-user and ClusterTrustBundles (public trust anchors).
	// They map the cluster's API surface and versions but expose no object.
	reachDiscovery
	// reachBeyond: anything else.
	reachBeyond
)

func (r reach) String() string {
	return [...]string{"nothing", "public information", "API discovery", "more than discovery"}[r]
}

// publicURLs are non-resource URLs every caller may read by default.
var publicURLs = []string{
	"/healthz", "/livez", "/readyz", "/version", "/version/",
	"/.well-known/openid-configuration", "/.well-known/openid-configuration/",
	"/openid/v1/jwks", "/openid/v1/jwks/",
}

// discoveryURLPrefixes are the non-resource URL trees that serve only discovery documents and
// health detail. A non-resource request under /api/ or /apis/ is always discovery: requests
// for objects there are resource requests, which nonResourceURLs never match.
var discoveryURLPrefixes = []string{"/api", "/apis", "/openapi", "/healthz", "/livez", "/readyz", "/version"}

// urlReach rates one nonResourceURLs entry. An entry ending in "*" matches every path with
// that prefix; one is discovery only when every path it can match is.
func urlReach(u string) reach {
	if slices.Contains(publicURLs, u) {
		return reachPublic
	}
	prefix, wild := strings.CutSuffix(u, "*")
	for _, p := range discoveryURLPrefixes {
		if wild && (prefix == p || prefix == p+"/") {
			return reachDiscovery
		}
		if !wild && (u == p || strings.HasPrefix(u, p+"/")) {
			return reachDiscovery
		}
	}
	return reachBeyond
}

// limitedGrant is a resource permission that stays within a reach below reachBeyond.
type limitedGrant struct {
	group, resource string
	verbs           []string
	// names restricts the grant to these object names; nil means any name.
	names []string
	// namespace restricts the grant to a RoleBinding in this namespace; "" means anywhere.
	namespace string
	reach     reach
}

var limitedGrants = []limitedGrant{
	{group: "authorization.k8s.io", resource: "selfsubjectaccessreviews", verbs: []string{"create"}, reach: reachDiscovery},
	{group: "authorization.k8s.io", resource: "selfsubjectrulesreviews", verbs: []string{"create"}, reach: reachDiscovery},
	{group: "authentication.k8s.io", resource: "selfsubjectreviews", verbs: []string{"create"}, reach: reachDiscovery},
	{group: "certificates.k8s.io", resource: "clustertrustbundles", verbs: []string{"get", "list", "watch"}, reach: reachDiscovery},
	// kubeadm lets system:anonymous read this one ConfigMap so that joining nodes can find the
	// cluster; it holds the cluster's CA certificate and address, nothing secret.
	{group: "", resource: "configmaps", verbs: []string{"get"}, names: []string{"cluster-info"}, namespace: "kube-public", reach: reachPublic},
}

// ruleScope is where a binding applies its role's rules.
type ruleScope struct {
	// clusterWide is true for a ClusterRoleBinding.
	clusterWide bool
	// namespace is a RoleBinding's namespace.
	namespace string
}

// ruleReach rates one rule in scope and describes what it grants beyond discovery, one entry
// per resource or URL ("list, watch pods", "get /metrics").
func ruleReach(r rbacv1.PolicyRule, scope ruleScope) (reach, []string) {
	if len(r.Verbs) == 0 {
		return reachNone, nil
	}
	out := reachNone
	var beyond []string
	// Non-resource URLs are granted only through ClusterRoleBindings: a non-resource request
	// has no namespace, so the authorizer never consults RoleBindings for it.
	if scope.clusterWide {
		for _, u := range r.NonResourceURLs {
			rc := urlReach(u)
			out = max(out, rc)
			if rc == reachBeyond {
				beyond = append(beyond, verbList(r.Verbs)+" "+urlName(u))
			}
		}
	}
	for _, g := range r.APIGroups {
		for _, res := range r.Resources {
			var over []string
			for _, v := range r.Verbs {
				rc := atomReach(g, res, v, r.ResourceNames, scope)
				out = max(out, rc)
				if rc == reachBeyond {
					over = append(over, v)
				}
			}
			if len(over) > 0 {
				beyond = append(beyond, verbList(over)+" "+ruleResourceName(g, res))
			}
		}
	}
	return out, beyond
}

// atomReach rates one verb on one resource of one group. A wildcard verb, group or resource is
// never limited: it covers every verb, group or resource there is, or will be.
func atomReach(group, resource, verb string, names []string, scope ruleScope) reach {
	best := reachBeyond
	for _, lg := range limitedGrants {
		if lg.group != group || lg.resource != resource || !slices.Contains(lg.verbs, verb) {
			continue
		}
		if lg.names != nil && (len(names) == 0 || !subset(names, lg.names)) {
			continue
		}
		if lg.namespace != "" && (scope.clusterWide || scope.namespace != lg.namespace) {
			continue
		}
		best = min(best, lg.reach)
	}
	return best
}

func subset(xs, of []string) bool {
	for _, x := range xs {
		if !slices.Contains(of, x) {
			return false
		}
	}
	return true
}

// verbList names verbs for messages; "*" is every verb.
func verbList(verbs []string) string {
	if slices.Contains(verbs, "*") {
		return "every verb on"
	}
	return strings.Join(verbs, ", ")
}

func urlName(u string) string {
	if u == "*" {
		return "every non-resource URL"
	}
	return u
}

// ruleResourceName names a rule's group and resource, wildcards spelled out.
func ruleResourceName(group, resource string) string {
	switch {
	case group == "*" && resource == "*":
		return "every resource in every API group"
	case group == "*":
		return resource + " in every API group"
	case resource == "*" && group == "":
		return "every core resource"
	case resource == "*":
		return "every resource in " + group
	}
	return resourceName(group, resource)
}

func resourceName(group, resource string) string {
	if group == "" {
		return resource
	}
	return resource + "." + group
}

// rulesReach rates a whole role: the highest reach of its rules, and what they grant beyond
// discovery, without duplicates.
func rulesReach(rules []rbacv1.PolicyRule, scope ruleScope) (reach, []string) {
	out := reachNone
	var beyond []string
	for _, r := range rules {
		rc, b := ruleReach(r, scope)
		out = max(out, rc)
		for _, s := range b {
			if !slices.Contains(beyond, s) {
				beyond = append(beyond, s)
			}
		}
	}
	return out, beyond
}

// summarize joins up to three descriptions and counts the rest.
func summarize(items []string) string {
	const shown = 3
	if len(items) <= shown {
		return strings.Join(items, "; ")
	}
	return fmt.Sprintf("%s; and %d more", strings.Join(items[:shown], "; "), len(items)-shown)
}

package synth

import "fmt"

// other writes the i-th non-workload object: the Services, configuration, identities, RBAC
// and network policies that surround workloads in a real namespace.
func (g *gen) other(i int) {
	team := g.pick(teams)
	app := team + "-" + g.pick(roles)
	ns := g.namespace(team)
	name := fmt.Sprintf("%s-%04d", app, i)
	labels := [][2]string{{"app.kubernetes.io/name", app}, {"app.kubernetes.io/part-of", team}}
	switch g.weighted(25, 25, 15, 10, 10, 15) {
	case 0:
		g.service(name, app, ns, labels)
	case 1:
		g.configMap(name, team, ns, labels)
	case 2:
		g.serviceAccountObject(name, ns, labels)
	case 3:
		g.role(name, ns, labels)
	case 4:
		g.roleBinding(name, app, ns, labels)
	default:
		g.networkPolicy(name, app, ns, labels)
	}
}

func (g *gen) service(name, app, ns string, labels [][2]string) {
	g.d.kv(0, "apiVersion", "v1")
	g.d.kv(0, "kind", "Service")
	g.metadata(name, ns, labels)
	g.d.key(0, "spec")
	typ := []string{"ClusterIP", "NodePort", "LoadBalancer", "ExternalName"}[g.weighted(65, 15, 15, 5)]
	g.d.kv(2, "type", typ)
	if typ == "ExternalName" {
		g.d.kv(2, "externalName", str(app+".example.internal"))
		return
	}
	g.d.key(2, "selector")
	g.d.kv(4, "app.kubernetes.io/name", str(app))
	g.d.key(2, "ports")
	g.d.item(2, "name", "http")
	g.d.kv(4, "port", "80")
	g.d.kv(4, "targetPort", "http")
	if typ == "NodePort" {
		g.d.kv(4, "nodePort", itoa(30000+g.r.IntN(2768)))
	}
	if typ == "LoadBalancer" && g.chance(0.5) {
		g.d.kv(2, "loadBalancerSourceRanges", `["10.0.0.0/8"]`)
	}
	if typ == "ClusterIP" && g.chance(0.05) {
		g.d.kv(2, "externalIPs", `["203.0.113.10"]`)
	}
}

func (g *gen) configMap(name, team, ns string, labels [][2]string) {
	g.d.kv(0, "apiVersion", "v1")
	g.d.kv(0, "kind", "ConfigMap")
	g.metadata(name, ns, labels)
	g.d.key(0, "data")
	g.d.kv(2, "LOG_LEVEL", g.pick([]string{"info", "debug"}))
	g.d.kv(2, "FEATURE_FLAGS", str("checkout-v2,fast-search"))
	// A literal block, as teams write them; some carry a password that belongs in a Secret.
	g.d.kv(2, "application.properties", "|")
	g.d.WriteString("    server.port=8080\n")
	fmt.Fprintf(&g.d, "    spring.datasource.url=jdbc:postgresql://%s-db:5432/%s\n", team, team)
	if g.chance(0.3) {
		fmt.Fprintf(&g.d, "    spring.datasource.password=%s\n", g.token(alnum, 18))
	}
}

func (g *gen) serviceAccountObject(name, ns string, labels [][2]string) {
	g.d.kv(0, "apiVersion", "v1")
	g.d.kv(0, "kind", "ServiceAccount")
	g.metadata(name, ns, labels)
	if g.chance(0.5) {
		g.d.kv(0, "automountServiceAccountToken", "false")
	}
}

// roleRules are rule sets from least to most privileged.
var roleRules = [][]struct{ groups, resources, verbs string }{
	{{`[""]`, `["configmaps"]`, `["get", "list", "watch"]`}},
	{{`[""]`, `["pods", "services", "endpoints"]`, `["get", "list", "watch"]`}, {`["apps"]`, `["deployments"]`, `["get", "list"]`}},
	{{`[""]`, `["secrets"]`, `["get", "list"]`}},
	{{`[""]`, `["pods/exec"]`, `["create"]`}, {`[""]`, `["pods"]`, `["get", "list", "delete"]`}},
	{{`["*"]`, `["*"]`, `["*"]`}},
}

func (g *gen) role(name, ns string, labels [][2]string) {
	g.d.kv(0, "apiVersion", "rbac.authorization.k8s.io/v1")
	g.d.kv(0, "kind", "Role")
	g.metadata(name, ns, labels)
	g.d.key(0, "rules")
	for _, r := range roleRules[g.weighted(35, 30, 15, 12, 8)] {
		g.d.item(0, "apiGroups", r.groups)
		g.d.kv(2, "resources", r.resources)
		g.d.kv(2, "verbs", r.verbs)
	}
}

func (g *gen) roleBinding(name, app, ns string, labels [][2]string) {
	g.d.kv(0, "apiVersion", "rbac.authorization.k8s.io/v1")
	g.d.kv(0, "kind", "RoleBinding")
	g.metadata(name, ns, labels)
	g.d.key(0, "roleRef")
	g.d.kv(2, "apiGroup", "rbac.authorization.k8s.io")
	if g.chance(0.6) {
		g.d.kv(2, "kind", "Role")
		g.d.kv(2, "name", str(app+"-reader"))
	} else {
		g.d.kv(2, "kind", "ClusterRole")
		g.d.kv(2, "name", g.pick([]string{"view", "edit", "admin", "cluster-admin"}))
	}
	g.d.key(0, "subjects")
	switch g.weighted(60, 25, 15) {
	case 0:
		g.d.item(0, "kind", "ServiceAccount")
		g.d.kv(2, "name", str(app))
		g.d.kv(2, "namespace", str(ns))
	case 1:
		g.d.item(0, "kind", "ServiceAccount")
		g.d.kv(2, "name", "default")
		g.d.kv(2, "namespace", str(ns))
	default:
		g.d.item(0, "kind", "Group")
		g.d.kv(2, "name", str(g.pick(teams)+"-developers"))
		g.d.kv(2, "apiGroup", "rbac.authorization.k8s.io")
	}
}

func (g *gen) networkPolicy(name, app, ns string, labels [][2]string) {
	g.d.kv(0, "apiVersion", "networking.k8s.io/v1")
	g.d.kv(0, "kind", "NetworkPolicy")
	g.metadata(name, ns, labels)
	g.d.key(0, "spec")
	if g.chance(0.4) {
		g.d.kv(2, "podSelector", "{}")
		g.d.kv(2, "policyTypes", "[Ingress, Egress]")
		return
	}
	g.d.key(2, "podSelector")
	g.d.key(4, "matchLabels")
	g.d.kv(6, "app.kubernetes.io/name", str(app))
	g.d.kv(2, "policyTypes", "[Ingress]")
	g.d.key(2, "ingress")
	g.d.itemKey(2, "from")
	if g.chance(0.2) {
		// Allows any source: the kind of rule that looks restrictive and is not.
		g.d.itemKey(4, "ipBlock")
		g.d.kv(8, "cidr", "0.0.0.0/0")
	} else {
		g.d.itemKey(4, "namespaceSelector")
		g.d.key(8, "matchLabels")
		g.d.kv(10, "kubernetes.io/metadata.name", "ingress-nginx")
	}
	g.d.key(4, "ports")
	g.d.item(4, "port", "8080")
	g.d.kv(6, "protocol", "TCP")
}

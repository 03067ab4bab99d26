package rbac

import (
	"fmt"
	"math/rand/v2"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// world is a generated RBAC configuration: every feature the authorizer knows (wildcards,
// subresources and */subresource, resourceNames, nonResourceURLs, RoleBindings to
// ClusterRoles, service account subjects with and without a namespace, groups, dangling role
// references and label aggregation), so that the oracle and benchmark exercise all of them.
type world struct {
	namespaces   []string
	roles        []*rbacv1.Role
	clusterRoles []*rbacv1.ClusterRole
	rbs          []*rbacv1.RoleBinding
	crbs         []*rbacv1.ClusterRoleBinding
}

type worldSize struct {
	namespaces, roles, clusterRoles, aggregated, rbs, crbs int
}

// The vocabulary requests are drawn from; rules draw from it plus wildcards.
var (
	vocabVerbs     = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "escalate", "bind", "impersonate"}
	vocabGroups    = []string{"", "apps", "batch", "rbac.authorization.k8s.io"}
	vocabResources = []string{"pods", "secrets", "configmaps", "deployments", "jobs", "roles", "nodes", "pods/exec", "pods/log", "deployments/scale", "pods/status", "deployments/status"}
	vocabNames     = []string{"n1", "n2", "n3"}
	vocabURLs      = []string{"/metrics", "/logs", "/logs/kube", "/healthz", "/healthz/etcd", "/apis", "/apis/apps", "/api", "/o-private", "/o-private/x"}
	ruleURLs       = []string{"/metrics", "/logs/*", "/healthz", "/healthz/*", "/api*", "/o-private*", "/apis/apps", "*"}
	ruleResources  = append([]string{"*", "*/exec", "*/status", "*/scale"}, vocabResources...)
	ruleVerbs      = append([]string{"*"}, vocabVerbs...)
	ruleGroups     = append([]string{"*"}, vocabGroups...)
)

func pick[T any](r *rand.Rand, from []T) T { return from[r.IntN(len(from))] }

func pickSome(r *rand.Rand, from []string, max int) []string {
	n := 1 + r.IntN(max)
	var out []string
	for range n {
		v := pick(r, from)
		dup := false
		for _, have := range out {
			dup = dup || have == v
		}
		if !dup {
			out = append(out, v)
		}
	}
	return out
}

func genRules(r *rand.Rand, cluster bool) []rbacv1.PolicyRule {
	var rules []rbacv1.PolicyRule
	for range 1 + r.IntN(4) {
		if cluster && r.IntN(5) == 0 {
			rules = append(rules, rbacv1.PolicyRule{Verbs: pickSome(r, []string{"get", "post", "*"}, 2), NonResourceURLs: pickSome(r, ruleURLs, 2)})
			continue
		}
		// Wildcards are rarer than names so that most answers are not simply "allowed".
		verbs, groups, resources := pickSome(r, vocabVerbs, 3), pickSome(r, vocabGroups, 2), pickSome(r, vocabResources, 3)
		if r.IntN(8) == 0 {
			verbs = append(verbs, "*")
		}
		if r.IntN(6) == 0 {
			groups = []string{"*"}
		}
		if r.IntN(5) == 0 {
			resources = append(resources, pick(r, ruleResources[:4]))
		}
		rule := rbacv1.PolicyRule{Verbs: verbs, APIGroups: groups, Resources: resources}
		if r.IntN(4) == 0 {
			rule.ResourceNames = pickSome(r, vocabNames, 2)
		}
		rules = append(rules, rule)
	}
	return rules
}

func genSubjects(r *rand.Rand, w *world, namespace string) []rbacv1.Subject {
	var subs []rbacv1.Subject
	for range 1 + r.IntN(3) {
		switch r.IntN(10) {
		case 0, 1, 2:
			subs = append(subs, rbacv1.Subject{Kind: KindUser, APIGroup: rbacv1.GroupName, Name: fmt.Sprintf("u%d", r.IntN(10))})
		case 3, 4:
			subs = append(subs, rbacv1.Subject{Kind: KindGroup, APIGroup: rbacv1.GroupName, Name: fmt.Sprintf("g%d", r.IntN(5))})
		case 5:
			if r.IntN(3) != 0 {
				subs = append(subs, rbacv1.Subject{Kind: KindUser, APIGroup: rbacv1.GroupName, Name: fmt.Sprintf("u%d", r.IntN(10))})
				continue
			}
			grp := pick(r, []string{GroupAuthenticated, GroupServiceAccounts, GroupUnauthenticated, GroupServiceAccounts + ":" + pick(r, w.namespaces)})
			subs = append(subs, rbacv1.Subject{Kind: KindGroup, APIGroup: rbacv1.GroupName, Name: grp})
		default:
			sa := rbacv1.Subject{Kind: KindServiceAccount, Name: fmt.Sprintf("sa%d", r.IntN(4)), Namespace: pick(r, w.namespaces)}
			if namespace != "" && r.IntN(2) == 0 {
				sa.Namespace = "" // defaults to the RoleBinding's namespace
			}
			subs = append(subs, sa)
		}
	}
	return subs
}

// genWorld makes a world; object names start with prefix so it can share a cluster.
func genWorld(seed uint64, prefix string, size worldSize) *world {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	w := &world{}
	for i := range size.namespaces {
		w.namespaces = append(w.namespaces, fmt.Sprintf("%sns%d", prefix, i))
	}
	for i := range size.roles {
		ns := pick(r, w.namespaces)
		w.roles = append(w.roles, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("%srole%d", prefix, i)}, Rules: genRules(r, false)})
	}
	aggLabel := prefix + "agg"
	for i := range size.clusterRoles {
		cr := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%scr%d", prefix, i)}, Rules: genRules(r, true)}
		if size.aggregated > 0 && r.IntN(3) == 0 {
			cr.Labels = map[string]string{aggLabel: fmt.Sprintf("a%d", r.IntN(size.aggregated))}
		}
		w.clusterRoles = append(w.clusterRoles, cr)
	}
	for i := range size.aggregated {
		sel := metav1.LabelSelector{MatchLabels: map[string]string{aggLabel: fmt.Sprintf("a%d", i)}}
		if i%2 == 1 {
			sel = metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: aggLabel, Operator: metav1.LabelSelectorOpIn, Values: []string{fmt.Sprintf("a%d", i), fmt.Sprintf("a%d", i-1)}}}}
		}
		w.clusterRoles = append(w.clusterRoles, &rbacv1.ClusterRole{
			ObjectMeta:      metav1.ObjectMeta{Name: fmt.Sprintf("%sagg%d", prefix, i)},
			AggregationRule: &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{sel}},
		})
	}
	for i := range size.rbs {
		ns := pick(r, w.namespaces)
		ref := rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: pick(r, w.clusterRoles).Name}
		if r.IntN(2) == 0 {
			ref.Kind, ref.Name = "Role", pick(r, w.roles).Name // often in another namespace: then it grants nothing
		}
		if r.IntN(40) == 0 {
			ref.Name = prefix + "missing"
		}
		w.rbs = append(w.rbs, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("%srb%d", prefix, i)}, RoleRef: ref, Subjects: genSubjects(r, w, ns)})
	}
	for i := range size.crbs {
		ref := rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: pick(r, w.clusterRoles).Name}
		if r.IntN(40) == 0 {
			ref.Name = prefix + "missing"
		}
		w.crbs = append(w.crbs, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%scrb%d", prefix, i)}, RoleRef: ref, Subjects: genSubjects(r, w, "")})
	}
	return w
}

// identity is who a generated request comes from.
type identity struct {
	user   string
	groups []string
}

func genIdentity(r *rand.Rand, w *world) identity {
	switch r.IntN(6) {
	case 0, 1:
		groups := []string{GroupAuthenticated}
		for g := range 5 {
			if r.IntN(3) == 0 {
				groups = append(groups, fmt.Sprintf("g%d", g))
			}
		}
		return identity{fmt.Sprintf("u%d", r.IntN(12)), groups}
	case 2:
		return identity{AnonymousUser, []string{GroupUnauthenticated}}
	default:
		u, g := UserInfo(Subject{Kind: KindServiceAccount, Namespace: pick(r, w.namespaces), Name: fmt.Sprintf("sa%d", r.IntN(5))})
		return identity{u, g}
	}
}

func genRequest(r *rand.Rand, w *world) Request {
	if r.IntN(6) == 0 {
		return Request{Verb: pick(r, []string{"get", "post", "put"}), NonResourceURL: pick(r, vocabURLs)}
	}
	req := Request{Verb: pick(r, vocabVerbs), APIGroup: pick(r, vocabGroups)}
	req.Resource, req.Subresource, _ = cutSlash(pick(r, vocabResources))
	if r.IntN(5) != 0 {
		req.Namespace = pick(r, w.namespaces)
	}
	if r.IntN(2) == 0 {
		req.Name = pick(r, vocabNames)
	}
	return req
}

func cutSlash(s string) (string, string, bool) {
	for i := range len(s) {
		if s[i] == '/' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

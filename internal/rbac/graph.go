package rbac

import (
	"cmp"
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/strata-sec/strata/internal/check"
)

const rbacAPIVersion = "rbac.authorization.k8s.io/v1"

// binding is a RoleBinding or ClusterRoleBinding with its role's effective rules resolved.
type binding struct {
	pos       int // canonical order: ClusterRoleBindings by name, then RoleBindings by namespace and name
	ref       check.Ref
	role      check.Ref
	rules     []rbacv1.PolicyRule // nil when the role is missing
	namespace string              // "" for a ClusterRoleBinding
	subjects  []rbacv1.Subject
}

// Graph indexes roles and bindings by subject and namespace. It is immutable once built and
// safe for concurrent use.
type Graph struct {
	bindings []*binding
	cluster  []*binding
	byNS     map[string][]*binding
	byUser   map[string][]*binding
	byGroup  map[string][]*binding
	roles    map[check.Ref][]rbacv1.PolicyRule
	dangling []Dangling
	aggDiffs []AggregationDiff
}

// New builds a Graph from manifests: aggregated ClusterRoles get the rules the aggregation
// controller would give them.
func New(roles []*rbacv1.Role, clusterRoles []*rbacv1.ClusterRole, rbs []*rbacv1.RoleBinding, crbs []*rbacv1.ClusterRoleBinding) *Graph {
	return Build(Options{}, roles, clusterRoles, rbs, crbs)
}

// Build builds a Graph with options.
func Build(opts Options, roles []*rbacv1.Role, clusterRoles []*rbacv1.ClusterRole, rbs []*rbacv1.RoleBinding, crbs []*rbacv1.ClusterRoleBinding) *Graph {
	g := &Graph{
		byNS:    map[string][]*binding{},
		byUser:  map[string][]*binding{},
		byGroup: map[string][]*binding{},
		roles:   make(map[check.Ref][]rbacv1.PolicyRule, len(roles)+len(clusterRoles)),
	}
	for _, r := range roles {
		g.roles[roleRef("Role", r.Namespace, r.Name)] = r.Rules
	}
	effective, diffs := aggregate(clusterRoles, opts.StoredAggregation)
	g.aggDiffs = diffs
	for name, rules := range effective {
		g.roles[roleRef("ClusterRole", "", name)] = rules
	}
	// One allocation for every binding: a watcher rebuilds the graph on each RBAC change.
	slab := make([]binding, len(crbs)+len(rbs))
	g.bindings = make([]*binding, 0, len(slab))
	crbs = slices.SortedFunc(slices.Values(crbs), func(a, b *rbacv1.ClusterRoleBinding) int { return cmp.Compare(a.Name, b.Name) })
	for i, b := range crbs {
		g.add(&slab[i], "ClusterRoleBinding", "", b.Name, string(b.UID), b.RoleRef, b.Subjects)
	}
	rbs = slices.SortedFunc(slices.Values(rbs), func(a, b *rbacv1.RoleBinding) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	for i, b := range rbs {
		g.add(&slab[len(crbs)+i], "RoleBinding", b.Namespace, b.Name, string(b.UID), b.RoleRef, b.Subjects)
	}
	return g
}

func roleRef(kind, namespace, name string) check.Ref {
	return check.Ref{APIVersion: rbacAPIVersion, Kind: kind, Namespace: namespace, Name: name}
}

// add indexes one binding. The role is looked up the way the authorizer does: a ClusterRole by
// name, a Role in the binding's own namespace; any other roleRef kind grants nothing.
func (g *Graph) add(b *binding, kind, namespace, name, uid string, ref rbacv1.RoleRef, subjects []rbacv1.Subject) {
	*b = binding{
		pos:       len(g.bindings),
		ref:       check.Ref{APIVersion: rbacAPIVersion, Kind: kind, Namespace: namespace, Name: name, UID: uid},
		namespace: namespace,
		subjects:  subjects,
	}
	switch ref.Kind {
	case "ClusterRole":
		b.role = roleRef("ClusterRole", "", ref.Name)
	default:
		b.role = roleRef(ref.Kind, namespace, ref.Name)
	}
	rules, ok := g.roles[b.role]
	if !ok || (ref.Kind != "Role" && ref.Kind != "ClusterRole") {
		g.dangling = append(g.dangling, Dangling{Binding: b.ref, Role: b.role})
	} else {
		b.rules = rules
	}
	g.bindings = append(g.bindings, b)
	if namespace == "" {
		g.cluster = append(g.cluster, b)
	} else {
		g.byNS[namespace] = append(g.byNS[namespace], b)
	}
	for _, s := range subjects {
		switch s.Kind {
		case KindUser:
			g.byUser[s.Name] = appendOnce(g.byUser[s.Name], b)
		case KindGroup:
			g.byGroup[s.Name] = appendOnce(g.byGroup[s.Name], b)
		case KindServiceAccount:
			if ns := cmp.Or(s.Namespace, namespace); ns != "" {
				u := ServiceAccountUser(ns, s.Name)
				g.byUser[u] = appendOnce(g.byUser[u], b)
			}
		}
	}
}

// appendOnce appends b unless it is already last: bindings are added one at a time, so a
// binding naming a subject twice would otherwise be indexed twice.
func appendOnce(bs []*binding, b *binding) []*binding {
	if n := len(bs); n > 0 && bs[n-1] == b {
		return bs
	}
	return append(bs, b)
}

// appliesTo returns the first binding subject that names the identity, as the authorizer's
// appliesTo does: a service account subject without a namespace means the binding's namespace,
// and in a ClusterRoleBinding (no namespace) it matches no one.
func (b *binding) appliesTo(user string, groups []string) (Subject, bool) {
	for _, s := range b.subjects {
		switch s.Kind {
		case KindUser:
			if user != "" && s.Name == user {
				return Subject{Kind: KindUser, Name: s.Name}, true
			}
		case KindGroup:
			if slices.Contains(groups, s.Name) {
				return Subject{Kind: KindGroup, Name: s.Name}, true
			}
		case KindServiceAccount:
			ns := cmp.Or(s.Namespace, b.namespace)
			if ns != "" && user == ServiceAccountUser(ns, s.Name) {
				return Subject{Kind: KindServiceAccount, Namespace: ns, Name: s.Name}, true
			}
		}
	}
	return Subject{}, false
}

// candidates returns the bindings that name the identity, in canonical order.
func (g *Graph) candidates(user string, groups []string) []*binding {
	var out []*binding
	if user != "" {
		out = append(out, g.byUser[user]...)
	}
	for _, grp := range groups {
		out = append(out, g.byGroup[grp]...)
	}
	slices.SortFunc(out, func(a, b *binding) int { return cmp.Compare(a.pos, b.pos) })
	return slices.Compact(out)
}

func (b *binding) grant(i int, via Subject) Grant {
	return Grant{Binding: b.ref, Role: b.role, RuleIndex: i, Rule: b.rules[i], Namespace: b.namespace, Via: via}
}

// Allows reports whether the identity may make request r, with every rule that grants it. A
// ClusterRoleBinding grants everywhere; a RoleBinding only requests in its namespace, so it
// never grants cluster-scoped or non-resource requests.
func (g *Graph) Allows(user string, groups []string, r Request) (bool, []Grant) {
	var grants []Grant
	for _, b := range g.candidates(user, groups) {
		if b.namespace != "" && (b.namespace != r.Namespace || r.NonResourceURL != "") {
			continue
		}
		via, ok := b.appliesTo(user, groups)
		if !ok {
			continue
		}
		for i := range b.rules {
			if RuleAllows(&b.rules[i], r) {
				grants = append(grants, b.grant(i, via))
			}
		}
	}
	return len(grants) > 0, grants
}

// WhoCan returns every subject named in a binding that grants request r, with the grants,
// ordered by kind, namespace and name. Groups are listed as groups: system:authenticated
// stands for every authenticated identity.
func (g *Graph) WhoCan(r Request) []SubjectGrants {
	found := map[Subject][]Grant{}
	visit := func(bs []*binding) {
		for _, b := range bs {
			for i := range b.rules {
				if !RuleAllows(&b.rules[i], r) {
					continue
				}
				for _, s := range b.subjects {
					if subj, ok := bindingSubject(s, b.namespace); ok {
						found[subj] = append(found[subj], b.grant(i, subj))
					}
				}
			}
		}
	}
	visit(g.cluster)
	if r.Namespace != "" && r.NonResourceURL == "" {
		visit(g.byNS[r.Namespace])
	}
	out := make([]SubjectGrants, 0, len(found))
	for s, gs := range found {
		out = append(out, SubjectGrants{Subject: s, Grants: gs})
	}
	slices.SortFunc(out, func(a, b SubjectGrants) int { return compareSubjects(a.Subject, b.Subject) })
	return out
}

// bindingSubject normalises a binding subject; false for subjects that can match no one.
func bindingSubject(s rbacv1.Subject, namespace string) (Subject, bool) {
	switch s.Kind {
	case KindUser, KindGroup:
		return Subject{Kind: s.Kind, Name: s.Name}, true
	case KindServiceAccount:
		ns := cmp.Or(s.Namespace, namespace)
		return Subject{Kind: KindServiceAccount, Namespace: ns, Name: s.Name}, ns != ""
	}
	return Subject{}, false
}

func compareSubjects(a, b Subject) int {
	return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
}

// Access returns every rule that applies to the subject, through any binding naming it or one
// of its groups (UserInfo), in canonical binding order: cluster-wide grants first, then
// namespaced ones by namespace.
func (g *Graph) Access(s Subject) []Grant {
	user, groups := UserInfo(s)
	return g.AccessOf(user, groups)
}

// AccessOf is Access for an identity given as a user name and groups.
func (g *Graph) AccessOf(user string, groups []string) []Grant {
	var grants []Grant
	for _, b := range g.candidates(user, groups) {
		via, ok := b.appliesTo(user, groups)
		if !ok {
			continue
		}
		for i := range b.rules {
			grants = append(grants, b.grant(i, via))
		}
	}
	return grants
}

// Subjects returns every distinct subject the bindings name, ordered by kind, namespace, name.
func (g *Graph) Subjects() []Subject {
	seen := map[Subject]bool{}
	var out []Subject
	for _, b := range g.bindings {
		for _, s := range b.subjects {
			if subj, ok := bindingSubject(s, b.namespace); ok && !seen[subj] {
				seen[subj] = true
				out = append(out, subj)
			}
		}
	}
	slices.SortFunc(out, compareSubjects)
	return out
}

// Rules returns the effective rules of a Role or ClusterRole (after aggregation).
func (g *Graph) Rules(role check.Ref) ([]rbacv1.PolicyRule, bool) {
	r, ok := g.roles[check.Ref{APIVersion: rbacAPIVersion, Kind: role.Kind, Namespace: role.Namespace, Name: role.Name}]
	return r, ok
}

// Dangling returns the bindings whose role does not exist.
func (g *Graph) Dangling() []Dangling { return g.dangling }

// AggregationDiffs returns the aggregated ClusterRoles whose stored rules differ from what the
// aggregation controller computes from the selected roles.
func (g *Graph) AggregationDiffs() []AggregationDiff { return g.aggDiffs }

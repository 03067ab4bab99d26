package paths

import (
	"fmt"
	"maps"
	"slices"
	"sort"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
	"github.com/strata-sec/strata/internal/rbac"
)

// Targets that are not identities.
const (
	TargetClusterAdmin = "cluster-admin"
	TargetSecrets      = "secrets"
	TargetNodes        = "nodes"
)

// Node is an identity (Subject) or a target (Target set, Subject zero).
type Node struct {
	Subject rbac.Subject `json:"subject,omitzero"`
	Target  string       `json:"target,omitempty"`
}

func (n Node) String() string {
	if n.Target != "" {
		return n.Target
	}
	return n.Subject.String()
}

// Edge is one "can become" step, with the rule that allows it.
type Edge struct {
	From, To int
	// Reason says what the holder does ("create pods in namespace prod").
	Reason string
	Grant  rbac.Grant
}

// Graph is the escalation graph of one inventory.
type Graph struct {
	Nodes    []Node
	Edges    []Edge
	Bindings []Binding
	index    map[Node]int
	out, in  [][]int32
	// edgeSet drops duplicate edges (same ends and reason).
	edgeSet map[edgeKey]bool
	facts   *facts
}

type edgeKey struct {
	from, to int
	reason   string
}

// Node returns the index of n, or -1.
func (g *Graph) Node(n Node) int {
	if i, ok := g.index[n]; ok {
		return i
	}
	return -1
}

func (g *Graph) node(n Node) int {
	if i, ok := g.index[n]; ok {
		return i
	}
	g.index[n] = len(g.Nodes)
	g.Nodes = append(g.Nodes, n)
	g.out = append(g.out, nil)
	g.in = append(g.in, nil)
	return len(g.Nodes) - 1
}

func (g *Graph) edge(from, to int, reason string, gr rbac.Grant) {
	if from == to {
		return
	}
	k := edgeKey{from, to, reason}
	if g.edgeSet[k] {
		return
	}
	g.edgeSet[k] = true
	g.Edges = append(g.Edges, Edge{From: from, To: to, Reason: reason, Grant: gr})
	e := int32(len(g.Edges) - 1)
	g.out[from] = append(g.out[from], e)
	g.in[to] = append(g.in[to], e)
}

// facts are the non-RBAC objects the edges depend on, indexed by namespace.
type facts struct {
	// accounts are the service accounts known per namespace (objects, bindings, pods).
	accounts map[string][]string
	// running are the service accounts pods run as, per namespace.
	running map[string][]string
	// tokens are the legacy token Secrets per namespace: Secret name -> service account.
	tokens     map[string]map[string]string
	namespaces []string
}

func (f *facts) add(m map[string][]string, ns, name string) {
	if !slices.Contains(m[ns], name) {
		m[ns] = append(m[ns], name)
	}
}

// FactsOf returns what the graph reads of an object that is not an RBAC object: a workload's
// service account, a ServiceAccount's identity, a Secret's token binding. The graph of an
// inventory changes with such an object only when this does (check.ClusterCheck.Projection).
func FactsOf(o *check.Object) (string, bool) {
	gk := o.Ref.GroupKind()
	switch {
	case gk == ServiceAccountGK:
		return o.Ref.Namespace + "/" + o.Ref.Name, true
	case gk == SecretGK:
		s, ok := o.Obj.(*corev1.Secret)
		if !ok {
			return "", true
		}
		sa, annotated := s.Annotations[corev1.ServiceAccountNameKey]
		return fmt.Sprintf("%s/%s %q %q %v", s.Namespace, s.Name, s.Type, sa, annotated), true
	case slices.Contains(podspec.Kinds, gk):
		t, ok := podspec.Extract(o.Obj)
		if !ok {
			return "", true
		}
		return o.Ref.Namespace + " " + t.Spec.ServiceAccountName, true
	}
	return "", false
}

// gatherFacts adds the service accounts the bindings name to the inventory's object facts.
func gatherFacts(inv check.Inventory, bindings []Binding) (*facts, error) {
	base, err := check.Derived(inv, factsKey{}, func() (*facts, error) { return objectFacts(inv), nil })
	if err != nil {
		return nil, err
	}
	// base is shared: copy what is added to.
	f := &facts{accounts: maps.Clone(base.accounts), running: base.running, tokens: base.tokens}
	added := map[string]bool{}
	for _, b := range bindings {
		for _, s := range b.Subjects {
			sub := SubjectOf(s, b.Namespace)
			if sub.Kind != rbac.KindServiceAccount || sub.Namespace == "" || slices.Contains(f.accounts[sub.Namespace], sub.Name) {
				continue
			}
			if !added[sub.Namespace] {
				added[sub.Namespace] = true
				f.accounts[sub.Namespace] = slices.Clone(f.accounts[sub.Namespace])
			}
			f.accounts[sub.Namespace] = append(f.accounts[sub.Namespace], sub.Name)
		}
	}
	for ns := range added {
		sort.Strings(f.accounts[ns])
	}
	f.namespaces = namespacesOf(f)
	return f, nil
}

// factsKey keys the object facts among derived values; they are built from workloads, service
// accounts and Secrets only (inventory.KindsKey), so an RBAC change does not rebuild them.
type factsKey struct{}

func (factsKey) DerivedFrom() []schema.GroupKind {
	return append([]schema.GroupKind{ServiceAccountGK, SecretGK}, podspec.Kinds...)
}

// objectFacts gathers what service accounts, workloads and legacy token Secrets say.
func objectFacts(inv check.Inventory) *facts {
	f := &facts{accounts: map[string][]string{}, running: map[string][]string{}, tokens: map[string]map[string]string{}}
	for _, o := range inv.List(ServiceAccountGK, "") {
		f.add(f.accounts, o.Ref.Namespace, o.Ref.Name)
	}
	for _, gk := range podspec.Kinds {
		for _, o := range inv.List(gk, "") {
			t, ok := podspec.Extract(o.Obj)
			if !ok {
				continue
			}
			sa := t.Spec.ServiceAccountName
			if sa == "" {
				sa = "default"
			}
			f.add(f.running, o.Ref.Namespace, sa)
			f.add(f.accounts, o.Ref.Namespace, sa)
		}
	}
	for _, o := range inv.List(SecretGK, "") {
		s, ok := o.Obj.(*corev1.Secret)
		if !ok {
			continue
		}
		sa, annotated := s.Annotations[corev1.ServiceAccountNameKey]
		if sa == "" || s.Type != corev1.SecretTypeServiceAccountToken && (s.Type != "" || !annotated) {
			continue
		}
		if f.tokens[s.Namespace] == nil {
			f.tokens[s.Namespace] = map[string]string{}
		}
		f.tokens[s.Namespace][s.Name] = sa
		f.add(f.accounts, s.Namespace, sa)
	}
	for _, m := range []map[string][]string{f.accounts, f.running} {
		for _, names := range m {
			sort.Strings(names)
		}
	}
	return f
}

// namespacesOf lists, sorted, the namespaces with known or running service accounts.
func namespacesOf(f *facts) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []map[string][]string{f.accounts, f.running} {
		for ns := range m {
			if !seen[ns] {
				seen[ns] = true
				out = append(out, ns)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Build resolves the inventory's bindings and derives every edge.
//
// The graph is built once per inventory and shared by every caller: it must not be modified.
func Build(inv check.Inventory) (*Graph, error) {
	return check.Derived(inv, graphKey{}, func() (*Graph, error) { return buildGraph(inv) })
}

type graphKey struct{}

func buildGraph(inv check.Inventory) (*Graph, error) {
	bindings, err := Bindings(inv)
	if err != nil {
		return nil, err
	}
	g := &Graph{Bindings: bindings, edgeSet: map[edgeKey]bool{}}
	if g.facts, err = gatherFacts(inv, bindings); err != nil {
		return nil, err
	}
	// Room for every node up front: a watcher rebuilds the graph on each RBAC change.
	n := 3 + len(bindings)
	for _, names := range g.facts.accounts {
		n += len(names)
	}
	g.index = make(map[Node]int, n)
	g.Nodes, g.out, g.in = make([]Node, 0, n), make([][]int32, 0, n), make([][]int32, 0, n)
	// Nodes first, in a stable order: targets, binding subjects, then every service account.
	for _, t := range []string{TargetClusterAdmin, TargetSecrets, TargetNodes} {
		g.node(Node{Target: t})
	}
	for _, b := range bindings {
		for _, s := range b.Subjects {
			g.node(Node{Subject: SubjectOf(s, b.Namespace)})
		}
	}
	for _, ns := range g.facts.namespaces {
		for _, sa := range g.facts.accounts[ns] {
			g.node(Node{Subject: rbac.Subject{Kind: rbac.KindServiceAccount, Namespace: ns, Name: sa}})
		}
	}
	holders := g.holders()
	for bi := range bindings {
		b := &bindings[bi]
		for ri := range b.Rules {
			for si := range b.Subjects {
				for _, from := range holders[SubjectOf(b.Subjects[si], b.Namespace)] {
					g.ruleEdges(from, b, ri, si)
				}
			}
		}
	}
	return g, nil
}

// holders maps each binding subject to the identity nodes that hold its grants: a service
// account is also every group it belongs to (system:serviceaccounts, its namespace's group,
// system:authenticated), a user is in system:authenticated. A group subject is held by its own
// node; the members of a group are not known from RBAC objects.
//
// Only subjects some binding names are keys: nothing else is looked up.
func (g *Graph) holders() map[rbac.Subject][]int {
	out := map[rbac.Subject][]int{}
	for _, b := range g.Bindings {
		for _, s := range b.Subjects {
			out[SubjectOf(s, b.Namespace)] = nil
		}
	}
	add := func(k rbac.Subject, i int) {
		if l, used := out[k]; used {
			out[k] = append(l, i)
		}
	}
	n := len(g.Nodes)
	for i := 0; i < n; i++ {
		s := g.Nodes[i].Subject
		if g.Nodes[i].Target != "" {
			continue
		}
		add(s, i)
		user, groups := rbac.UserInfo(s)
		if s.Kind == rbac.KindServiceAccount {
			add(rbac.Subject{Kind: rbac.KindUser, Name: user}, i)
		}
		for _, grp := range groups {
			if gs := (rbac.Subject{Kind: rbac.KindGroup, Name: grp}); gs != s {
				add(gs, i)
			}
		}
	}
	return out
}

func sortedStrings(ss []string) []string {
	sort.Strings(ss)
	return ss
}

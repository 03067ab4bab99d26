package paths

import (
	"fmt"
	"strings"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/rbac"
)

// Step is one edge of a path, as reports print it.
type Step struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason"`
	// Binding and Role grant the permission; Rule is the index of the rule in the role.
	Binding check.Ref `json:"binding"`
	Role    check.Ref `json:"role"`
	Rule    int       `json:"rule"`
}

// Path is a shortest escalation path from one identity to a target.
type Path struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Steps []Step `json:"steps"`
}

// String renders the path on one line: a -[reason]-> b -[reason]-> c.
func (p Path) String() string {
	var b strings.Builder
	b.WriteString(p.From)
	for _, s := range p.Steps {
		fmt.Fprintf(&b, " -[%s (%s %s rule %d via %s)]-> %s", s.Reason, s.Binding.Kind, refName(s.Binding), s.Rule, s.Role.Kind+" "+s.Role.Name, s.To)
	}
	return b.String()
}

func refName(r check.Ref) string {
	if r.Namespace == "" {
		return r.Name
	}
	return r.Namespace + "/" + r.Name
}

// Resolve finds the node a target names: cluster-admin, secrets, nodes, or a subject
// (user:NAME, group:NAME, sa:NS/NAME). A subject the graph does not hold is an error, never
// an empty answer.
func (g *Graph) Resolve(name string) (int, error) {
	switch name {
	case TargetClusterAdmin, TargetSecrets, TargetNodes:
		return g.index[Node{Target: name}], nil
	}
	s, err := rbac.ParseSubject(name)
	if err != nil {
		return -1, fmt.Errorf("%w (or cluster-admin, secrets, nodes)", err)
	}
	i := g.Node(Node{Subject: s})
	if i < 0 {
		return -1, fmt.Errorf("subject %s appears in no binding, service account or pod of the input", s)
	}
	return i, nil
}

// Toward runs one breadth-first search backwards from target and returns, for every node, the
// edge to take first on a shortest path to it (-1: the target is unreachable, or the node is
// the target).
func (g *Graph) Toward(target int) []int32 {
	next := make([]int32, len(g.Nodes))
	for i := range next {
		next[i] = -1
	}
	seen := make([]bool, len(g.Nodes))
	seen[target] = true
	queue := []int{target}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, e := range g.in[n] {
			from := g.Edges[e].From
			if !seen[from] {
				seen[from] = true
				next[from] = e
				queue = append(queue, from)
			}
		}
	}
	return next
}

// PathFrom returns the shortest path from node from to target using next (from Toward);
// ok is false when there is none.
func (g *Graph) PathFrom(from, target int, next []int32) (Path, bool) {
	if from == target || next[from] < 0 {
		return Path{}, false
	}
	p := Path{From: g.Nodes[from].String(), To: g.Nodes[target].String()}
	for n := from; n != target; {
		e := g.Edges[next[n]]
		p.Steps = append(p.Steps, Step{
			From: g.Nodes[e.From].String(), To: g.Nodes[e.To].String(), Reason: e.Reason,
			Binding: e.Grant.Binding, Role: e.Grant.Role, Rule: e.Grant.RuleIndex,
		})
		n = e.To
	}
	return p, true
}

// Query selects paths: From empty means every identity that is not part of Kubernetes itself.
type Query struct {
	From string
	To   string
}

// Find answers q: the shortest path from each selected identity to the target, in node order.
func (g *Graph) Find(q Query) ([]Path, error) {
	if q.To == "" {
		q.To = TargetClusterAdmin
	}
	target, err := g.Resolve(q.To)
	if err != nil {
		return nil, fmt.Errorf("--to: %w", err)
	}
	next := g.Toward(target)
	if q.From != "" {
		from, err := g.Resolve(q.From)
		if err != nil {
			return nil, fmt.Errorf("--from: %w", err)
		}
		if g.Nodes[from].Target != "" {
			return nil, fmt.Errorf("--from: %s is a target, not an identity", q.From)
		}
		if p, ok := g.PathFrom(from, target, next); ok {
			return []Path{p}, nil
		}
		return nil, nil
	}
	system := g.systemNodes()
	var out []Path
	for i, n := range g.Nodes {
		if n.Target != "" || system[i] {
			continue
		}
		if p, ok := g.PathFrom(i, target, next); ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// systemNodes marks identities that are part of Kubernetes itself: a node is system when every
// binding naming it treats it as system, or, named by none, when it is system by name.
func (g *Graph) systemNodes() []bool {
	out := make([]bool, len(g.Nodes))
	named := make([]bool, len(g.Nodes))
	for i, n := range g.Nodes {
		out[i] = n.Target == "" && SystemSubject(n.Subject, nil)
	}
	for bi := range g.Bindings {
		b := &g.Bindings[bi]
		for _, s := range b.Subjects {
			i := g.Node(Node{Subject: SubjectOf(s, b.Namespace)})
			sys := SystemSubject(g.Nodes[i].Subject, b)
			if !named[i] {
				named[i], out[i] = true, sys
			} else {
				out[i] = out[i] && sys
			}
		}
	}
	return out
}

// FirstBinding returns the first binding naming subject s, and the subject's index in it.
func (g *Graph) FirstBinding(s rbac.Subject) (*Binding, int) {
	for bi := range g.Bindings {
		b := &g.Bindings[bi]
		for si, sub := range b.Subjects {
			if SubjectOf(sub, b.Namespace) == s {
				return b, si
			}
		}
	}
	return nil, -1
}

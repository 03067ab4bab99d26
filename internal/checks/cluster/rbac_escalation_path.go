package cluster

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
	"github.com/strata-sec/strata/internal/rbac/paths"
)

// Why: permissions chain. A CI account that may only create Deployments in prod becomes every
// service account of prod, one of which may hold cluster-admin; a Secret reader becomes the
// owner of every legacy token it reads. Each link looks moderate alone; the path is what an
// attacker walks. Identities that are part of Kubernetes itself are not reported
// (paths.SystemSubject).
var rbacEscalationPath = &check.ClusterCheck{
	Meta: check.Meta{
		ID: "ST-0197", Slug: "rbac-escalation-path", Title: "Escalation path to cluster-admin",
		Layer: check.LayerCluster, Severity: check.SeverityCritical,
		Description: "A non-system identity can reach cluster-admin through a chain of permissions: creating pods that " +
			"run as a more privileged service account, exec, token creation, impersonation, reading legacy tokens or binding roles.",
		Remediation: "Break the path at its first step: remove the permission that lets the identity become the next one.",
		References:  rbacRefs,
	},
	Reads:      append(append([]schema.GroupKind{paths.ServiceAccountGK, paths.SecretGK}, paths.RBACKinds...), podspec.Kinds...),
	Projection: paths.FactsOf,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		g, err := paths.Build(inv)
		if err != nil {
			return nil, err
		}
		ps, err := g.Find(paths.Query{})
		if err != nil {
			return nil, err
		}
		var out []check.ObjectViolation
		for _, p := range ps {
			b, si := firstBindingOf(g, p)
			if b == nil {
				continue
			}
			out = append(out, check.ObjectViolation{Object: b.Object, Violation: check.Violation{
				Path:    field.NewPath("subjects").Index(si),
				Message: fmt.Sprintf("%s reaches cluster-admin in %d step(s): %s", p.From, len(p.Steps), p),
			}})
		}
		return out, nil
	},
}

// firstBindingOf places a path on the first binding naming its identity, or, for an identity
// that holds its grants only through a group, on the binding of its first step.
func firstBindingOf(g *paths.Graph, p paths.Path) (*paths.Binding, int) {
	from, _ := g.Resolve(p.From)
	if b, si := g.FirstBinding(g.Nodes[from].Subject); b != nil {
		return b, si
	}
	ref := p.Steps[0].Binding
	for i := range g.Bindings {
		if g.Bindings[i].Object.Ref == ref {
			return &g.Bindings[i], 0
		}
	}
	return nil, -1
}

package cluster

import (
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/rbac"
	"github.com/strata-sec/strata/internal/rbac/paths"
)

// grantIndex maps each non-system binding subject (service account, user or group) to the
// positions of the bindings naming it, ascending, so that the grants of one service account
// are found without scanning every binding.
type grantIndex map[rbac.Subject][]int

// grantIndexKey keys the index among derived values; it is built from the RBAC kinds only, so
// it is shared by every namespace's part of ST-0196 (check.ScopeNamespace).
type grantIndexKey struct{}

func (grantIndexKey) DerivedFrom() []schema.GroupKind { return paths.RBACKinds }

// grantsBySubject indexes paths.Bindings(inv). The bindings are read inside the build, so an
// inventory that tracks what derived values read drops the index with them.
func grantsBySubject(inv check.Inventory) (grantIndex, error) {
	return check.Derived(inv, grantIndexKey{}, func() (grantIndex, error) {
		bindings, err := paths.Bindings(inv)
		if err != nil {
			return nil, err
		}
		idx := grantIndex{}
		for bi := range bindings {
			b := &bindings[bi]
			for _, s := range b.Subjects {
				sub := paths.SubjectOf(s, b.Namespace)
				if paths.SystemSubject(sub, b) {
					continue
				}
				switch sub.Kind {
				case rbac.KindServiceAccount, rbac.KindUser, rbac.KindGroup:
				default:
					continue
				}
				if l := idx[sub]; len(l) == 0 || l[len(l)-1] != bi {
					idx[sub] = append(l, bi)
				}
			}
		}
		return idx, nil
	})
}

// bindingsOf returns, ascending, the positions of the bindings whose non-system subjects name
// sa, its user name or one of its groups: those bindsTo accepts.
func (idx grantIndex) bindingsOf(sa rbac.Subject, user string, groups []string) []int {
	out := slices.Clone(idx[sa])
	out = append(out, idx[rbac.Subject{Kind: rbac.KindUser, Name: user}]...)
	for _, g := range groups {
		out = append(out, idx[rbac.Subject{Kind: rbac.KindGroup, Name: g}]...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// tokenExposureParts is ST-0196's check.ClusterCheck.ChangeParts: a binding can change the
// findings of the namespaces of the service accounts it names, directly or as the group
// system:serviceaccounts:NS. No other subject can match a service account: its user name and
// its other groups are system:* names, which the check leaves out. A role change reaches the
// subjects of every binding to it, which the object alone does not tell.
func tokenExposureParts(o *check.Object) ([]string, bool) {
	var subjects []rbacv1.Subject
	switch b := o.Obj.(type) {
	case *rbacv1.RoleBinding:
		subjects = b.Subjects
	case *rbacv1.ClusterRoleBinding:
		subjects = b.Subjects
	default:
		return nil, false
	}
	var out []string
	for _, s := range subjects {
		sub := paths.SubjectOf(s, o.Ref.Namespace)
		switch {
		case sub.Kind == rbac.KindServiceAccount:
			out = append(out, sub.Namespace)
		case sub.Kind == rbac.KindGroup && strings.HasPrefix(sub.Name, rbac.GroupServiceAccounts+":"):
			out = append(out, strings.TrimPrefix(sub.Name, rbac.GroupServiceAccounts+":"))
		}
	}
	return out, true
}

package rbac

import (
	"fmt"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
)

// Kinds are the inventory kinds a Graph is built from.
var Kinds = []schema.GroupKind{
	{Group: rbacv1.GroupName, Kind: "Role"},
	{Group: rbacv1.GroupName, Kind: "ClusterRole"},
	{Group: rbacv1.GroupName, Kind: "RoleBinding"},
	{Group: rbacv1.GroupName, Kind: "ClusterRoleBinding"},
}

// FromInventory builds a Graph from the RBAC objects of an inventory. An inventory that could
// not read one of the kinds is an error: a partial graph would answer "nobody" where it does
// not know. Aggregated ClusterRoles keep their stored rules when the inventory is a live
// cluster's (every ClusterRole has a UID and no source file) and are computed otherwise; in
// that manifest case the built-in ClusterRoles the input does not define are added.
//
// The graph is built once per inventory and shared by every caller: it must not be modified.
func FromInventory(inv check.Inventory) (*Graph, error) {
	return check.Derived(inv, graphKey{}, func() (*Graph, error) { return fromInventory(inv) })
}

type graphKey struct{}

// DerivedFrom declares the graph built from the RBAC kinds alone (inventory.KindsKey), so a
// namespace's part of a check that reads every RBAC object shares it (check.ScopeNamespace).
func (graphKey) DerivedFrom() []schema.GroupKind { return Kinds }

func fromInventory(inv check.Inventory) (*Graph, error) {
	for _, gk := range Kinds {
		if ok, reason := inv.Assessable(gk); !ok {
			return nil, fmt.Errorf("read %s: %s", gk.Kind, reason)
		}
	}
	roles, err := listTyped[*rbacv1.Role](inv, Kinds[0])
	if err != nil {
		return nil, err
	}
	crs, err := listTyped[*rbacv1.ClusterRole](inv, Kinds[1])
	if err != nil {
		return nil, err
	}
	rbs, err := listTyped[*rbacv1.RoleBinding](inv, Kinds[2])
	if err != nil {
		return nil, err
	}
	crbs, err := listTyped[*rbacv1.ClusterRoleBinding](inv, Kinds[3])
	if err != nil {
		return nil, err
	}
	live := len(inv.List(Kinds[1], "")) > 0
	for _, o := range inv.List(Kinds[1], "") {
		live = live && o.Ref.UID != "" && o.Source.File == ""
	}
	if !live {
		// A manifest set rarely defines the built-in roles it binds (edit, view, admin,
		// cluster-admin); every cluster has them.
		crs = withBootstrap(crs)
	}
	return Build(Options{StoredAggregation: live}, roles, crs, rbs, crbs), nil
}

// listTyped returns the objects of a kind as T, converting unstructured objects (older API
// versions served as rbac.authorization.k8s.io/v1beta1 decode the same fields).
func listTyped[T runtime.Object](inv check.Inventory, gk schema.GroupKind) ([]T, error) {
	objs := inv.List(gk, "")
	out := make([]T, 0, len(objs))
	for _, o := range objs {
		switch obj := o.Obj.(type) {
		case T:
			out = append(out, obj)
		case *unstructured.Unstructured:
			var t T
			typed, err := newOf(t)
			if err != nil {
				return nil, err
			}
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, typed); err != nil {
				return nil, fmt.Errorf("decode %s: %w", o.Ref, err)
			}
			out = append(out, typed.(T))
		default:
			return nil, fmt.Errorf("%s: unexpected object type %T", o.Ref, o.Obj)
		}
	}
	return out, nil
}

func newOf(t runtime.Object) (runtime.Object, error) {
	switch t.(type) {
	case *rbacv1.Role:
		return &rbacv1.Role{}, nil
	case *rbacv1.ClusterRole:
		return &rbacv1.ClusterRole{}, nil
	case *rbacv1.RoleBinding:
		return &rbacv1.RoleBinding{}, nil
	case *rbacv1.ClusterRoleBinding:
		return &rbacv1.ClusterRoleBinding{}, nil
	}
	return nil, fmt.Errorf("unsupported RBAC type %T", t)
}

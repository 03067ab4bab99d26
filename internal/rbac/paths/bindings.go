package paths

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/rbac"
)

// Kinds the escalation graph reads.
var (
	ClusterRoleGK        = schema.GroupKind{Group: rbacv1.GroupName, Kind: "ClusterRole"}
	RoleGK               = schema.GroupKind{Group: rbacv1.GroupName, Kind: "Role"}
	ClusterRoleBindingGK = schema.GroupKind{Group: rbacv1.GroupName, Kind: "ClusterRoleBinding"}
	RoleBindingGK        = schema.GroupKind{Group: rbacv1.GroupName, Kind: "RoleBinding"}
	ServiceAccountGK     = schema.GroupKind{Kind: "ServiceAccount"}
	SecretGK             = schema.GroupKind{Kind: "Secret"}
)

var rbacAPIVersion = rbacv1.SchemeGroupVersion.String()

// RBACKinds are the four RBAC kinds.
var RBACKinds = []schema.GroupKind{ClusterRoleBindingGK, RoleBindingGK, ClusterRoleGK, RoleGK}

// Binding is a RoleBinding or ClusterRoleBinding with the rules of the role it references.
type Binding struct {
	Object *check.Object
	// Role is the referenced Role or ClusterRole.
	Role     check.Ref
	Subjects []rbacv1.Subject
	// Namespace is a RoleBinding's namespace; "" for a ClusterRoleBinding.
	Namespace string
	// Rules are the role's effective rules (aggregation included).
	Rules []rbacv1.PolicyRule
	// Builtin is true when the role is not in the input and Rules are what the API server
	// creates it with (cluster-admin, admin, edit, view and the system: roles).
	Builtin bool
	// Missing is true when the role is neither in the input nor a built-in role: the
	// binding is evaluated as granting nothing, which is what the authorizer does today.
	Missing bool
}

// Grant returns the rbac.Grant of rule i to subject j, for edges and messages.
func (b *Binding) Grant(i, j int) rbac.Grant {
	return rbac.Grant{
		Binding: b.Object.Ref, Role: b.Role, RuleIndex: i, Rule: b.Rules[i],
		Namespace: b.Namespace, Via: SubjectOf(b.Subjects[j], b.Namespace),
	}
}

// RoleName names the role for messages, saying when its rules are the built-in ones.
func (b *Binding) RoleName() string {
	s := b.Role.Kind + " " + b.Role.Name
	if b.Builtin {
		s += " (built-in)"
	}
	return s
}

// Scope says where the binding applies ("cluster-wide", "in namespace prod").
func (b *Binding) Scope() string {
	if b.Namespace == "" {
		return "cluster-wide"
	}
	return "in namespace " + b.Namespace
}

// SubjectOf converts a binding subject; a service account without a namespace is in the
// RoleBinding's namespace.
func SubjectOf(s rbacv1.Subject, bindingNS string) rbac.Subject {
	out := rbac.Subject{Kind: s.Kind, Name: s.Name}
	if s.Kind == rbacv1.ServiceAccountKind {
		out.Namespace = s.Namespace
		if out.Namespace == "" {
			out.Namespace = bindingNS
		}
	}
	return out
}

// Bindings resolves every ClusterRoleBinding, then every RoleBinding, of the inventory. Roles'
// rules are the effective ones internal/rbac computes: aggregation applied, and the built-in
// ClusterRoles a manifest set binds without defining them.
//
// The result is computed once per inventory and shared by every caller: it must not be modified.
func Bindings(inv check.Inventory) ([]Binding, error) {
	return check.Derived(inv, bindingsKey{}, func() ([]Binding, error) { return resolveBindings(inv) })
}

type bindingsKey struct{}

// DerivedFrom declares the bindings resolved from the RBAC kinds alone (inventory.KindsKey),
// so a namespace's part of a check that reads every RBAC object shares them
// (check.ScopeNamespace).
func (bindingsKey) DerivedFrom() []schema.GroupKind { return RBACKinds }

func resolveBindings(inv check.Inventory) ([]Binding, error) {
	g, err := rbac.FromInventory(inv)
	if err != nil {
		return nil, err
	}
	crbs, rbs := inv.List(ClusterRoleBindingGK, ""), inv.List(RoleBindingGK, "")
	out := make([]Binding, 0, len(crbs)+len(rbs))
	for _, o := range crbs {
		b, ok := o.Obj.(*rbacv1.ClusterRoleBinding)
		if !ok {
			continue
		}
		rb, err := resolve(inv, g, o, b.RoleRef, b.Subjects, "")
		if err != nil {
			return nil, err
		}
		out = append(out, rb)
	}
	for _, o := range rbs {
		b, ok := o.Obj.(*rbacv1.RoleBinding)
		if !ok {
			continue
		}
		rb, err := resolve(inv, g, o, b.RoleRef, b.Subjects, b.Namespace)
		if err != nil {
			return nil, err
		}
		out = append(out, rb)
	}
	return out, nil
}

func resolve(inv check.Inventory, g *rbac.Graph, o *check.Object, ref rbacv1.RoleRef, subjects []rbacv1.Subject, ns string) (Binding, error) {
	b := Binding{Object: o, Subjects: subjects, Namespace: ns,
		Role: check.Ref{APIVersion: rbacAPIVersion, Kind: ref.Kind, Name: ref.Name}}
	gk := ClusterRoleGK
	switch ref.Kind {
	case "Role":
		if ns == "" { // a ClusterRoleBinding cannot reference a Role
			b.Missing = true
			return b, nil
		}
		b.Role.Namespace, gk = ns, RoleGK
	case "ClusterRole":
	default:
		b.Missing = true
		return b, nil
	}
	rules, ok := g.Rules(b.Role)
	if !ok {
		b.Missing = true
		return b, nil
	}
	_, inInput := inv.Get(gk, b.Role.Namespace, ref.Name)
	b.Rules, b.Builtin = rules, !inInput
	return b, nil
}

// SystemSubject reports whether s is part of Kubernetes itself rather than someone's
// deliberate grant, given the binding that names it:
//   - users and groups named system:* are control-plane components, nodes and the built-in
//     groups (system:authenticated and friends have their own checks, ST-0141/ST-0142), except
//     system:serviceaccounts:NS, which is every service account of one namespace;
//   - kubeadm:* groups bound by kubeadm:* bindings are kubeadm's own (kubeadm:cluster-admins
//     holds the admin.conf certificate);
//   - service accounts in kube-system bound by a bootstrap binding (named system:* or
//     kubeadm:*, or labelled kubernetes.io/bootstrapping=rbac-defaults) are the controllers.
//
// A kube-system service account bound by any other binding is not exempt: granting the
// kube-system default account cluster-admin is a classic mistake.
func SystemSubject(s rbac.Subject, b *Binding) bool {
	switch s.Kind {
	case rbac.KindUser:
		return strings.HasPrefix(s.Name, "system:")
	case rbac.KindGroup:
		if strings.HasPrefix(s.Name, rbac.GroupServiceAccounts+":") {
			return false
		}
		return strings.HasPrefix(s.Name, "system:") || strings.HasPrefix(s.Name, "kubeadm:") && b != nil && bootstrap(b)
	case rbac.KindServiceAccount:
		return s.Namespace == "kube-system" && b != nil && bootstrap(b)
	}
	return false
}

func bootstrap(b *Binding) bool {
	n := b.Object.Ref.Name
	return strings.HasPrefix(n, "system:") || strings.HasPrefix(n, "kubeadm:") ||
		b.Object.Meta != nil && b.Object.Meta.GetLabels()["kubernetes.io/bootstrapping"] == "rbac-defaults"
}

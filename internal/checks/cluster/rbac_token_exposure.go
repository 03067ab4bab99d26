package cluster

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
	"github.com/strata-sec/strata/internal/rbac"
	"github.com/strata-sec/strata/internal/rbac/paths"
)

// Why: a risky permission bound to a service account is dormant until a token for it exists
// somewhere an attacker can reach. A pod that automounts the token puts it on a file in every
// container, so whoever gets code execution in any of them (a vulnerable dependency, an SSRF to
// the file, a debug shell) holds the permission. The binding check (ST-0180 to ST-0191) says
// the account is powerful; this one says where that power is exposed. Risk classes are
// rbac.Classify's, so both agree on what counts as risky; system bindings are left out as in the
// other rbac checks (paths.SystemSubject).
//
// Scope namespace, with Roles and RoleBindings of every namespace: a finding is placed on a
// workload of namespace X and reads only that workload, X's ServiceAccount it names, and the
// bindings, which may sit anywhere (a RoleBinding in Y can name X's account or one of its
// groups) and are therefore read in full. A binding's change reaches only the namespaces of
// the accounts it names (tokenExposureParts).
var rbacTokenExposure = &check.ClusterCheck{
	Meta: check.Meta{
		ID: "ST-0196", Slug: "rbac-risky-token-automounted", Title: "Workload automounts the token of a service account with risky permissions",
		Layer: check.LayerCluster, Severity: check.SeverityHigh,
		Description: "A workload's pods mount the API token of a service account that holds a risky RBAC permission " +
			"(cluster-admin equivalent, escalate/bind/impersonate, nodes/proxy, token creation, exec, workload creation or reading Secrets). " +
			"Anyone who runs code in one of its containers can use that permission.",
		Remediation: "Set automountServiceAccountToken: false on the pod spec (or the service account) when the workload does not call the API; " +
			"otherwise move the risky permission to a service account used only by the workload that needs it, or narrow the role.",
		References: []string{
			"https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting",
			"https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
			"https://kubernetes.io/docs/concepts/security/service-accounts/",
		},
	},
	Reads:          slices.Concat(podspec.Kinds, []schema.GroupKind{paths.ServiceAccountGK}, paths.RBACKinds),
	Scope:          check.ScopeNamespace,
	CrossNamespace: []schema.GroupKind{paths.RoleBindingGK, paths.RoleGK},
	ChangeParts:    tokenExposureParts,
	Run:            runTokenExposure,
}

// riskyGrant is the first risky rule a service account holds.
type riskyGrant struct {
	binding  *paths.Binding
	rule     int
	category rbac.Category
}

func runTokenExposure(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
	bindings, err := paths.Bindings(inv)
	if err != nil {
		return nil, err
	}
	idx, err := grantsBySubject(inv)
	if err != nil {
		return nil, err
	}
	// Many workloads share an account; look each one up once.
	held := map[rbac.Subject]*riskyGrant{}
	var out []check.ObjectViolation
	for _, gk := range podspec.Kinds {
		for _, o := range inv.List(gk, "") {
			t, ok := podspec.Extract(o.Obj)
			if !ok || !automounts(inv, o.Ref.Namespace, t.Spec) {
				continue
			}
			sa := rbac.Subject{Kind: rbac.KindServiceAccount, Namespace: o.Ref.Namespace, Name: serviceAccountOf(t.Spec)}
			g, seen := held[sa]
			if !seen {
				g = firstRiskyGrant(bindings, idx, sa)
				held[sa] = g
			}
			if g != nil {
				out = append(out, exposureViolation(o, t, sa, g))
			}
		}
	}
	return out, nil
}

func serviceAccountOf(spec *corev1.PodSpec) string {
	if spec.ServiceAccountName != "" {
		return spec.ServiceAccountName
	}
	return "default"
}

// automounts reports whether the pods get the token: the pod spec's setting wins; without one,
// the ServiceAccount's, when the input holds it; the API server's default is to mount.
func automounts(inv check.Inventory, ns string, spec *corev1.PodSpec) bool {
	if spec.AutomountServiceAccountToken != nil {
		return *spec.AutomountServiceAccountToken
	}
	o, ok := inv.Get(paths.ServiceAccountGK, ns, serviceAccountOf(spec))
	if !ok {
		return true
	}
	sa, isSA := o.Obj.(*corev1.ServiceAccount)
	return !isSA || sa.AutomountServiceAccountToken == nil || *sa.AutomountServiceAccountToken
}

// firstRiskyGrant returns the most dangerous rule any non-system binding gives sa, directly or
// through its user name or groups, or nil.
func firstRiskyGrant(bindings []paths.Binding, idx grantIndex, sa rbac.Subject) *riskyGrant {
	user, groups := rbac.UserInfo(sa)
	var best *riskyGrant
	for _, bi := range idx.bindingsOf(sa, user, groups) {
		b := &bindings[bi]
		for ri := range b.Rules {
			c := rbac.Classify(b.Rules[ri])
			if c == rbac.CategoryOther {
				continue
			}
			if best == nil || slices.Index(rbac.Categories, c) < slices.Index(rbac.Categories, best.category) {
				best = &riskyGrant{binding: b, rule: ri, category: c}
			}
		}
	}
	return best
}

func exposureViolation(o *check.Object, t podspec.Template, sa rbac.Subject, g *riskyGrant) check.ObjectViolation {
	path := t.Path.Child("serviceAccountName")
	if t.Spec.AutomountServiceAccountToken != nil {
		path = t.Path.Child("automountServiceAccountToken")
	}
	b := g.binding
	msg := fmt.Sprintf("pods automount the token of %s, which holds %s (%s) %s through %s %s, %s rule %d",
		sa, g.category, exposedRuleText(b.Rules[g.rule]), b.Scope(), b.Object.Ref.Kind, exposedRefText(b.Object.Ref), b.RoleName(), g.rule)
	return check.ObjectViolation{Object: o, Violation: check.Violation{
		Path:    path,
		Message: msg,
		Fix:     []check.PatchOp{{Op: "add", Path: check.Pointer(t.Path.Child("automountServiceAccountToken")), Value: false}},
	}}
}

// exposedRuleText renders a rule as "verbs resources": "create pods", "get,list secrets".
func exposedRuleText(r rbacv1.PolicyRule) string {
	res := make([]string, len(r.Resources))
	for i, name := range r.Resources {
		res[i] = name
		if len(r.APIGroups) == 1 && r.APIGroups[0] != "" && r.APIGroups[0] != rbacv1.APIGroupAll {
			res[i] = name + "." + r.APIGroups[0]
		}
	}
	s := strings.Join(r.Verbs, ",") + " " + strings.Join(res, ",")
	if len(r.ResourceNames) > 0 {
		s += " named " + strings.Join(r.ResourceNames, ",")
	}
	return s
}

func exposedRefText(r check.Ref) string {
	if r.Namespace == "" {
		return r.Name
	}
	return r.Namespace + "/" + r.Name
}

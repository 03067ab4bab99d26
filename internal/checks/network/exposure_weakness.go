package network

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
	"github.com/strata-sec/strata/internal/rbac"
)

// weakness is a high-severity flaw of a pod spec that turns a compromised container into a
// compromised node.
type weakness struct {
	Path *field.Path
	What string
}

// weaknesses lists the node-escape flaws of a pod spec: privileged containers, host
// namespaces, sensitive hostPath volumes and dangerous added capabilities.
func weaknesses(spec *corev1.PodSpec, specPath *field.Path) []weakness {
	var out []weakness
	for _, ns := range []struct {
		on   bool
		name string
		what string
	}{
		{spec.HostNetwork, "hostNetwork", "shares the node's network namespace"},
		{spec.HostPID, "hostPID", "shares the node's process namespace"},
		{spec.HostIPC, "hostIPC", "shares the node's IPC namespace"},
	} {
		if ns.on {
			out = append(out, weakness{specPath.Child(ns.name), "the pod " + ns.what})
		}
	}
	for i, v := range spec.Volumes {
		if v.HostPath != nil && sensitiveHostPath(v.HostPath.Path) {
			out = append(out, weakness{specPath.Child("volumes").Index(i).Child("hostPath", "path"),
				fmt.Sprintf("the pod mounts the node's %s", path.Clean(v.HostPath.Path))})
		}
	}
	for c := range podspec.Containers(spec, specPath) {
		sc := c.Container.SecurityContext
		if sc == nil {
			continue
		}
		if sc.Privileged != nil && *sc.Privileged {
			out = append(out, weakness{c.Path.Child("securityContext", "privileged"), c.String() + " is privileged"})
		}
		if sc.Capabilities == nil {
			continue
		}
		for i, capability := range sc.Capabilities.Add {
			name := strings.TrimPrefix(strings.ToUpper(string(capability)), "CAP_")
			if dangerousCapabilities[name] {
				out = append(out, weakness{c.Path.Child("securityContext", "capabilities", "add").Index(i),
					fmt.Sprintf("%s adds capability %s", c, name)})
			}
		}
	}
	return out
}

// dangerousCapabilities are the capabilities that are known to lead out of a container.
var dangerousCapabilities = map[string]bool{
	"ALL": true, "SYS_ADMIN": true, "NET_ADMIN": true, "SYS_PTRACE": true, "SYS_MODULE": true,
	"BPF": true, "DAC_READ_SEARCH": true, "SYS_RAWIO": true,
}

// hostPathsExact are host directories whose whole tree is sensitive only at the top level
// (their read-only subdirectories such as /etc/ssl/certs are commonly and safely mounted).
var hostPathsExact = map[string]bool{"/": true, "/etc": true, "/var": true, "/var/run": true, "/run": true, "/home": true, "/dev": true, "/boot": true}

// hostPathsTree are host paths sensitive along with everything beneath them.
var hostPathsTree = []string{
	"/proc", "/sys", "/root", "/var/lib/kubelet", "/var/lib/etcd", "/etc/kubernetes", "/var/lib/docker",
	"/var/lib/containerd", "/var/run/docker.sock", "/run/docker.sock", "/var/run/containerd", "/run/containerd",
	"/var/run/crio", "/run/crio", "/var/log",
}

func sensitiveHostPath(p string) bool {
	if p == "" {
		return false
	}
	p = path.Clean(p)
	if hostPathsExact[p] {
		return true
	}
	for _, t := range hostPathsTree {
		if p == t || strings.HasPrefix(p, t+"/") {
			return true
		}
	}
	return false
}

// exposureSAKind is the ServiceAccount kind, read for its automountServiceAccountToken.
var exposureSAKind = schema.GroupKind{Kind: "ServiceAccount"}

// tokenWeakness reports the pod's API credentials as a weakness when they are worth stealing:
// the pod gets a token of its ServiceAccount and the account holds a risky RBAC permission
// (any rule rbac.Classify puts above CategoryOther). The riskiest grant is named; ties go to
// the first in the graph's canonical order (cluster-wide bindings first).
func tokenWeakness(inv check.Inventory, g *rbac.Graph, namespace string, spec *corev1.PodSpec, specPath *field.Path) (weakness, bool, error) {
	sa := serviceAccountOf(spec)
	how, at, err := tokenMount(inv, namespace, sa, spec, specPath)
	if err != nil || how == "" {
		return weakness{}, false, err
	}
	var best *rbac.Grant
	bestRank, risky := len(rbac.Categories), 0
	grants := g.Access(rbac.Subject{Kind: rbac.KindServiceAccount, Namespace: namespace, Name: sa})
	for i := range grants {
		rank := slices.Index(rbac.Categories, rbac.Classify(grants[i].Rule))
		if rbac.Categories[rank] == rbac.CategoryOther {
			continue
		}
		risky++
		if rank < bestRank {
			best, bestRank = &grants[i], rank
		}
	}
	if best == nil {
		return weakness{}, false, nil
	}
	what := fmt.Sprintf("%s the API token of ServiceAccount %s/%s, which can %s %s (%s) through rule %d of %s, bound by %s",
		how, namespace, sa, ruleText(best.Rule), grantScope(best.Namespace), rbac.Categories[bestRank],
		best.RuleIndex, refText(best.Role), refText(best.Binding))
	if best.Via.Kind != rbac.KindServiceAccount {
		what += " to " + best.Via.String()
	}
	switch {
	case risky == 2:
		what += "; 1 more risky rule"
	case risky > 2:
		what += fmt.Sprintf("; %d more risky rules", risky-1)
	}
	return weakness{Path: at, What: what}, true, nil
}

// tokenMount says how the pod gets an API token of ServiceAccount sa ("" when it gets none) and
// at which field. The pod's automountServiceAccountToken wins; when unset, the ServiceAccount's
// decides, and an account missing from the inventory leaves the API default (mounted). A
// projected serviceAccountToken volume without an audience is an API token too, whatever
// automount says; one with an audience is rejected by the API server.
func tokenMount(inv check.Inventory, namespace, sa string, spec *corev1.PodSpec, specPath *field.Path) (string, *field.Path, error) {
	switch auto := spec.AutomountServiceAccountToken; {
	case auto != nil && *auto:
		return "the pod automounts", specPath.Child("automountServiceAccountToken"), nil
	case auto == nil:
		mounted := true
		if o, found := inv.Get(exposureSAKind, namespace, sa); found {
			obj, ok := o.Obj.(*corev1.ServiceAccount)
			if !ok {
				return "", nil, fmt.Errorf("%s: unexpected type %T", o.Ref, o.Obj)
			}
			mounted = obj.AutomountServiceAccountToken == nil || *obj.AutomountServiceAccountToken
		}
		if mounted {
			return "the pod automounts", serviceAccountPath(spec, specPath), nil
		}
	}
	for i, v := range spec.Volumes {
		if v.Projected == nil {
			continue
		}
		for j, src := range v.Projected.Sources {
			if src.ServiceAccountToken != nil && src.ServiceAccountToken.Audience == "" {
				return "the pod mounts a projected volume with",
					specPath.Child("volumes").Index(i).Child("projected", "sources").Index(j).Child("serviceAccountToken"), nil
			}
		}
	}
	return "", nil, nil
}

// serviceAccountOf is the ServiceAccount a pod runs as: serviceAccountName, its deprecated
// alias serviceAccount, or "default".
func serviceAccountOf(spec *corev1.PodSpec) string {
	switch {
	case spec.ServiceAccountName != "":
		return spec.ServiceAccountName
	case spec.DeprecatedServiceAccount != "":
		return spec.DeprecatedServiceAccount
	}
	return "default"
}

// serviceAccountPath is the field that chose the pod's ServiceAccount (serviceAccountName when
// neither is set, where a fix would go).
func serviceAccountPath(spec *corev1.PodSpec, specPath *field.Path) *field.Path {
	if spec.ServiceAccountName == "" && spec.DeprecatedServiceAccount != "" {
		return specPath.Child("serviceAccount")
	}
	return specPath.Child("serviceAccountName")
}

// ruleText renders a rule as a short phrase: "create pods", "get, list secrets named db",
// "do anything to any resource in any API group".
func ruleText(r rbacv1.PolicyRule) string {
	verbs := strings.Join(r.Verbs, ", ")
	if slices.Contains(r.Verbs, rbacv1.VerbAll) {
		verbs = "do anything to"
	}
	res := strings.Join(r.Resources, ", ")
	if slices.Contains(r.Resources, rbacv1.ResourceAll) {
		res = "any resource"
	}
	out := verbs + " " + res
	switch {
	case slices.Contains(r.APIGroups, rbacv1.APIGroupAll):
		out += " in any API group"
	case slices.ContainsFunc(r.APIGroups, func(g string) bool { return g != "" }):
		groups := make([]string, len(r.APIGroups))
		for i, g := range r.APIGroups {
			groups[i] = cmp.Or(g, "core")
		}
		out += " in API group " + strings.Join(groups, ", ")
	}
	if len(r.ResourceNames) > 0 {
		out += " named " + strings.Join(r.ResourceNames, ", ")
	}
	return out
}

// refText names an RBAC object the way the exposure messages name Services: "Role ns/name".
func refText(r check.Ref) string {
	if r.Namespace == "" {
		return r.Kind + " " + r.Name
	}
	return r.Kind + " " + r.Namespace + "/" + r.Name
}

func grantScope(namespace string) string {
	if namespace == "" {
		return "cluster-wide"
	}
	return "in namespace " + namespace
}

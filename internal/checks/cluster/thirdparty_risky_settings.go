package cluster

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
)

var ingressConfigMapGK = corev1.SchemeGroupVersion.WithKind("ConfigMap").GroupKind()

var riskySettingsReads = append(slices.Clone(podspec.Kinds), ingressConfigMapGK)

// Why: two components whose settings turn off their own security.
//
//   - Kubernetes Dashboard: --enable-skip-login adds a Skip button that logs in as the
//     Dashboard's own service account (often given cluster-admin for convenience), so anyone
//     who reaches the UI acts with it; --enable-insecure-login accepts logins over plain HTTP,
//     sending bearer tokens in clear text; --authentication-mode=basic sends passwords with
//     every request. An exposed Dashboard that asked for no login is how Tesla's cloud
//     account was cryptojacked in 2018.
//   - ingress-nginx: allow-snippet-annotations "true" lets anyone who can create an Ingress
//     paste raw nginx configuration into the controller, which can read every Secret in the
//     cluster (CVE-2021-25742). It is a ConfigMap key only — the Helm value
//     controller.allowSnippetAnnotations writes it, no controller flag sets it — so the
//     controller's ConfigMap (its --configmap argument, or one labelled as ingress-nginx's)
//     is read for that one key. The value is an on/off switch, not a secret; no other key is
//     read and no value is reported.
var riskyThirdPartySettings = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0161",
		Slug:     "risky-third-party-settings",
		Title:    "Third-party component configured to bypass its own security",
		Layer:    check.LayerCluster,
		Severity: check.SeverityHigh,
		Description: "Kubernetes Dashboard runs with --enable-skip-login, --enable-insecure-login or " +
			"--authentication-mode=basic, or ingress-nginx's ConfigMap sets allow-snippet-annotations to true. " +
			"Either lets an attacker act with the component's cluster-wide permissions.",
		Remediation: "Remove the Dashboard flags and log in with short-lived tokens; set allow-snippet-annotations to \"false\" and replace snippets with supported annotations.",
		References: []string{
			"https://github.com/kubernetes/dashboard/blob/v2.7.0/docs/common/dashboard-arguments.md",
			"https://github.com/kubernetes/ingress-nginx/issues/7837",
		},
	},
	Reads:      riskySettingsReads,
	Projection: settingsProjection,
	Run: func(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
		out, configMaps := workloadSettings(inv)
		return append(out, snippetConfigMaps(inv, configMaps)...), nil
	},
}

// workloadSettings checks every Dashboard container's flags and collects the ConfigMaps the
// ingress-nginx controllers read, as namespace and name.
func workloadSettings(inv check.Inventory) ([]check.ObjectViolation, map[[2]string]bool) {
	var out []check.ObjectViolation
	configMaps := map[[2]string]bool{}
	for _, gk := range podspec.Kinds {
		for _, o := range inv.List(gk, "") {
			vs, refs := objectSettings(o)
			out = append(out, vs...)
			for _, ref := range refs {
				configMaps[ref] = true
			}
		}
	}
	return out, configMaps
}

// objectSettings is one workload's part of workloadSettings.
func objectSettings(o *check.Object) (out []check.ObjectViolation, configMaps [][2]string) {
	t, ok := podspec.Extract(o.Obj)
	if !ok {
		return nil, nil
	}
	for c := range podspec.Containers(t.Spec, t.Path) {
		r, ok := recognise(t.Meta, c)
		switch {
		case !ok:
		case r.component == &kubernetesDashboard:
			if v, bad := dashboardFlags(c); bad {
				out = append(out, check.ObjectViolation{Object: o, Violation: v})
			}
		case r.component == &ingressNginx:
			if ref, ok := controllerConfigMap(c.Container, o.Ref.Namespace); ok {
				configMaps = append(configMaps, ref)
			}
		}
	}
	return out, configMaps
}

// settingsProjection is everything the check reads of a workload: its findings and the
// ConfigMaps it names; the check's outcome is the union of these plus the ConfigMaps.
func settingsProjection(o *check.Object) (string, bool) {
	if !slices.Contains(podspec.Kinds, o.Ref.GroupKind()) {
		return "", false
	}
	vs, refs := objectSettings(o)
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "%s %q;", v.Violation.Path, v.Violation.Message)
	}
	return fmt.Sprint(b.String(), refs), true
}

// snippetConfigMaps checks the controllers' ConfigMaps, and any ConfigMap labelled as
// ingress-nginx's, for the snippet switch.
func snippetConfigMaps(inv check.Inventory, referenced map[[2]string]bool) []check.ObjectViolation {
	var out []check.ObjectViolation
	for _, o := range inv.List(ingressConfigMapGK, "") {
		cm, ok := o.Obj.(*corev1.ConfigMap)
		if !ok || !referenced[[2]string{cm.Namespace, cm.Name}] && cm.Labels["app.kubernetes.io/name"] != "ingress-nginx" {
			continue
		}
		if v, bad := snippetsAllowed(cm); bad {
			out = append(out, check.ObjectViolation{Object: o, Violation: v})
		}
	}
	return out
}

package cluster

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/strata-sec/strata/internal/check"
)

// Why: two ways a namespace's enforce label promises less than it looks like.
//
//   - enforce is less strict than warn or audit (privileged < baseline < restricted). The
//     namespace owner knows pods break the stricter level — they are warned and audited — but
//     they are admitted. That is the documented way to roll out a stricter level, and it is
//     meant to end; left in place, an attacker's pod only produces a warning nobody reads.
//   - enforce-version is pinned to a Pod Security Standards version that predates controls at
//     the enforced level (for example hostProbesAndHostLifecycle, v1.34, or procMount_restricted,
//     v1.35). Pods the current standard rejects are admitted. The controls are read from
//     k8s.io/pod-security-admission, so the list follows the standard as it changes.
var namespaceWeakPodSecurity = &check.ObjectCheck[*corev1.Namespace]{
	Meta: check.Meta{
		ID:       "ST-0152",
		Slug:     "namespace-weak-pod-security",
		Title:    "Namespace enforces less than its Pod Security labels suggest",
		Layer:    check.LayerCluster,
		Severity: check.SeverityLow,
		Description: "The namespace enforces a weaker Pod Security level than it warns or audits at, or pins " +
			"enforce-version to a version that predates controls of the enforced level. Pods that break the " +
			"stricter or newer rules are admitted.",
		Remediation: "Raise enforce to the warn/audit level once the warnings are resolved, and set enforce-version to latest or to the cluster's current version.",
		References: []string{
			"https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces",
			"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		},
	},
	Kind: psaNamespaceGK,
	Run: func(env *check.Env, _ *check.Object, ns *corev1.Namespace) ([]check.Violation, error) {
		enforce, ok := psaLevel(ns.Labels, psaapi.EnforceLevelLabel)
		if !ok {
			return nil, nil // ST-0150
		}
		var out []check.Violation
		if v, found := stricterMode(ns.Labels, enforce); found {
			out = append(out, v)
		}
		if v, found := stalePinnedVersion(env, ns, enforce); found {
			out = append(out, v)
		}
		return out, nil
	},
}

// stricterMode reports warn or audit set stricter than enforce, with a fix raising enforce.
func stricterMode(labels map[string]string, enforce psaapi.Level) (check.Violation, bool) {
	for _, key := range []string{psaapi.WarnLevelLabel, psaapi.AuditLevelLabel} {
		l, ok := psaLevel(labels, key)
		if !ok || psaapi.CompareLevels(l, enforce) <= 0 {
			continue
		}
		p := psaLabelPath(psaapi.EnforceLevelLabel)
		mode := strings.TrimPrefix(key, "pod-security.kubernetes.io/")
		return check.Violation{
			Path:    p,
			Message: fmt.Sprintf("enforce is %s but %s is %s: pods that break %s are admitted with only a %s", enforce, mode, l, l, map[string]string{"warn": "warning", "audit": "audit annotation"}[mode]),
			Fix:     []check.PatchOp{{Op: "replace", Path: check.Pointer(p), Value: string(l)}},
		}, true
	}
	return check.Violation{}, false
}

// stalePinnedVersion reports an enforce-version older than controls of the enforced level.
func stalePinnedVersion(env *check.Env, ns *corev1.Namespace, enforce psaapi.Level) (check.Violation, bool) {
	raw, ok := ns.Labels[psaapi.EnforceVersionLabel]
	if !ok || enforce == psaapi.LevelPrivileged {
		return check.Violation{}, false
	}
	pinned, err := psaapi.ParseVersion(raw)
	if err != nil || pinned.Latest() {
		return check.Violation{}, false // PSA reads an invalid version as latest
	}
	missing := controlsSince(enforce, pinned, env.PSSVersion)
	if len(missing) == 0 {
		return check.Violation{}, false
	}
	target := env.PSSVersion
	if target == (psaapi.Version{}) {
		target = psaapi.LatestVersion()
	}
	p := psaLabelPath(psaapi.EnforceVersionLabel)
	return check.Violation{
		Path:    p,
		Message: fmt.Sprintf("enforce-version is pinned to %s, before %s: those %s controls are not enforced", raw, strings.Join(missing, ", "), enforce),
		Fix:     []check.PatchOp{{Op: "replace", Path: check.Pointer(p), Value: target.String()}},
	}, true
}

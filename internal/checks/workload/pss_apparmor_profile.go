package workload

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/pss"
)

// Why: on AppArmor hosts the runtime's default profile blocks writes to /proc and /sys, mounts
// and other operations container escapes use. An Unconfined profile, set in the security
// context or through the older beta annotations, switches that protection off. Upstream
// control: appArmorProfile (baseline).
var pssAppArmorProfile = pss.NewCheck(check.Meta{
	ID:       "ST-0011",
	Slug:     "pss-apparmor-profile",
	Title:    "AppArmor profile disabled or overridden",
	Layer:    check.LayerWorkload,
	Severity: check.SeverityMedium,
	Description: "The pod or a container sets an AppArmor profile other than RuntimeDefault or a Localhost " +
		"profile, typically Unconfined, in securityContext.appArmorProfile or in a " +
		"container.apparmor.security.beta.kubernetes.io annotation. Without the default profile, a compromised " +
		"container can mount filesystems and write to sensitive /proc and /sys paths that AppArmor would block.",
	Remediation: "Set appArmorProfile.type to RuntimeDefault or Localhost (or remove it), and replace unconfined AppArmor annotations with runtime/default.",
	References: []string{
		"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"https://kubernetes.io/docs/tutorials/security/apparmor/",
	},
}, locateAppArmorProfile)

func locateAppArmorProfile(e *pss.Eval) []check.Violation {
	var vs []check.Violation
	if psc := e.Workload.Spec.SecurityContext; psc != nil && psc.AppArmorProfile != nil {
		msg, bad := e.Probe(nil, e.Pod(&corev1.PodSecurityContext{AppArmorProfile: psc.AppArmorProfile}))
		if bad {
			vs = append(vs, appArmorViolation(e.Workload.Path.Child("securityContext", "appArmorProfile"), msg))
		}
	}
	for c := range e.Workload.Containers() {
		sc := c.Container.SecurityContext
		if sc == nil || sc.AppArmorProfile == nil {
			continue
		}
		if msg, bad := e.ProbeContainer(c, nil, &corev1.SecurityContext{AppArmorProfile: sc.AppArmorProfile}); bad {
			vs = append(vs, appArmorViolation(c.Path.Child("securityContext", "appArmorProfile"), msg))
		}
	}
	return append(vs, e.Annotations(e.Pod(nil), corev1.DeprecatedAppArmorBetaProfileRuntimeDefault)...)
}

// appArmorViolation points at the profile type and replaces the whole profile, since an
// Unconfined profile carries no localhostProfile worth keeping.
func appArmorViolation(profile *field.Path, msg string) check.Violation {
	return check.Violation{
		Path:    profile.Child("type"),
		Message: msg,
		Fix:     []check.PatchOp{pss.Replace(profile, map[string]any{"type": string(corev1.AppArmorProfileTypeRuntimeDefault)})},
	}
}

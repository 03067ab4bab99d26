package container

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/check"
)

// Why: with IfNotPresent or Never the kubelet starts a container from any image already in the
// node's cache without asking the registry. On a node shared between tenants, a pod in another
// namespace that merely names a private image someone else pulled runs it without any pull
// secret (the reason the AlwaysPullImages admission plugin exists). Under a movable tag the
// cache also decides the content: nodes keep running an old or a poisoned image after the tag
// was fixed, and different nodes run different code. Always makes every start authorise against
// the registry and resolve the tag afresh. With a digest the content is fixed and guessing the
// digest of someone's private image is impractical, so pinned references pass. An unset policy
// is read the way the API server defaults it: Always for latest or no tag, else IfNotPresent.
// References the kubelet cannot parse are reported by ST-0061.
var imagePullPolicyNotAlways = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0062",
		Slug:     "image-pull-policy-not-always",
		Title:    "Tag-referenced image may be served from the node cache",
		Layer:    check.LayerContainer,
		Severity: check.SeverityInfo,
		Description: "The container's image is referenced by tag without a digest and its imagePullPolicy is, " +
			"or defaults to, IfNotPresent or Never. The kubelet then starts it from the node's image " +
			"cache without asking the registry: on a multi-tenant cluster any pod scheduled to the " +
			"node can run a private image another tenant pulled without holding its pull secret, and " +
			"a re-pushed tag keeps running its old content on nodes that cached it.",
		Remediation: "Set imagePullPolicy: Always (or pin the image by digest); on clusters shared between tenants enable the AlwaysPullImages admission plugin or the kubelet's KubeletEnsureSecretPulledImages feature.",
		References: []string{
			"https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy",
			"https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#alwayspullimages",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var vs []check.Violation
		for c := range w.Containers() {
			ref, err := parseImage(c.Container.Image)
			if err != nil || ref.Pinned() {
				continue
			}
			p := c.Path.Child("imagePullPolicy")
			var msg string
			switch policy := c.Container.ImagePullPolicy; {
			case policy == "" && ref.Latest():
				// The API server defaults this to Always.
				continue
			case policy == "":
				msg = fmt.Sprintf("%s image %q has no imagePullPolicy, which defaults to IfNotPresent for tag %q, so the node cache serves it without registry authorisation", c.String(), c.Container.Image, ref.Tag)
			case policy == corev1.PullAlways:
				continue
			default:
				msg = fmt.Sprintf("%s image %q uses imagePullPolicy %s, so the node cache serves it without registry authorisation", c.String(), c.Container.Image, policy)
			}
			op := "replace"
			if c.Container.ImagePullPolicy == "" {
				op = "add"
			}
			vs = append(vs, check.Violation{Path: p, Message: msg,
				Fix: []check.PatchOp{{Op: op, Path: check.Pointer(p), Value: string(corev1.PullAlways)}}})
		}
		return vs, nil
	},
}

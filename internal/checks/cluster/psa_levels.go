package cluster

import (
	"slices"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/strata-sec/strata/internal/check"
)

// psaNamespaceGK is the kind the Pod Security label checks read.
var psaNamespaceGK = corev1.SchemeGroupVersion.WithKind("Namespace").GroupKind()

// systemNamespaces are created by the API server itself. kube-system runs the node agents and
// control-plane add-ons that need privileged pods; kube-public and kube-node-lease hold no
// pods. Clusters exempt them, or leave them unlabelled, on purpose.
var systemNamespaces = []string{"kube-system", "kube-public", "kube-node-lease"}

func psaLabelPath(key string) *field.Path { return field.NewPath("metadata", "labels").Key(key) }

// psaSetLabel sets one label, creating metadata.labels when the namespace has none (a JSON
// patch cannot add a member to an object that does not exist).
func psaSetLabel(ns *corev1.Namespace, key, value string) check.PatchOp {
	if ns.Labels == nil {
		return check.PatchOp{Op: "add", Path: "/metadata/labels", Value: map[string]string{key: value}}
	}
	return check.PatchOp{Op: "add", Path: check.Pointer(psaLabelPath(key)), Value: value}
}

// psaLevel reads a level label as Pod Security admission does: ok is false when the label is
// absent; an invalid value reads as restricted for enforce (PSA fails closed) and as privileged
// for warn and audit (PSA fails open there).
func psaLevel(labels map[string]string, key string) (level psaapi.Level, ok bool) {
	v, ok := labels[key]
	if !ok {
		return "", false
	}
	l, err := psaapi.ParseLevel(v)
	if err != nil && key != psaapi.EnforceLevelLabel {
		return psaapi.LevelPrivileged, true
	}
	return l, true
}

// psaControls are Pod Security admission's controls, built once; they are never written.
var psaControls = sync.OnceValue(policy.DefaultChecks)

// controlsSince returns the controls that apply at level and were introduced after pinned, up
// to and including the Pod Security Standards version strata evaluates (current). A namespace
// pinned to an older version does not enforce them.
func controlsSince(level psaapi.Level, pinned, current psaapi.Version) []string {
	if current == (psaapi.Version{}) {
		current = psaapi.LatestVersion()
	}
	var out []string
	for _, c := range psaControls() {
		if len(c.Versions) == 0 || psaapi.CompareLevels(level, c.Level) < 0 {
			continue
		}
		first := c.Versions[0].MinimumVersion
		if pinned.Older(first) && !current.Older(first) {
			out = append(out, string(c.ID)+" (from "+first.String()+")")
		}
	}
	slices.Sort(out)
	return out
}

package pss

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/check"
)

// stored returns w as the API server would store it, for the defaults a PSS verdict depends on.
// Upstream evaluates pods after defaulting, and manifests are not defaulted yet: a volume that
// names no source is stored as an emptyDir, so without this a plain "- name: scratch" volume
// would be judged an unknown, restricted volume type. w itself is never modified.
func stored(w *check.Workload) *check.Workload {
	spec := w.Spec
	for i := range spec.Volumes {
		if spec.Volumes[i].VolumeSource != (corev1.VolumeSource{}) {
			continue
		}
		if spec == w.Spec {
			cp := *w.Spec
			cp.Volumes = append([]corev1.Volume(nil), w.Spec.Volumes...)
			spec = &cp
		}
		spec.Volumes[i].EmptyDir = &corev1.EmptyDirVolumeSource{}
	}
	if spec == w.Spec {
		return w
	}
	out := *w
	out.Spec = spec
	return &out
}

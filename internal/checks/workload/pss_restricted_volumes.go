package workload

import (
	"encoding/json"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/pss"
)

// Why: volume types beyond configMap, secret, projected, downwardAPI, emptyDir, ephemeral, csi,
// image and persistentVolumeClaim mount storage straight from the pod spec: host paths, network
// filesystems (nfs, cephfs, glusterfs), block devices or a git clone run on the node (gitRepo).
// They bypass the storage class and PersistentVolume controls an administrator sets, and some
// have given node-level code execution. Upstream control: restrictedVolumes (restricted).
var pssRestrictedVolumes = pss.NewCheck(check.Meta{
	ID:       "ST-0016",
	Slug:     "pss-restricted-volumes",
	Title:    "Pod uses a restricted volume type",
	Layer:    check.LayerWorkload,
	Severity: check.SeverityMedium,
	Description: "The pod declares a volume whose type the restricted policy does not allow, such as hostPath, " +
		"nfs, iscsi, rbd or gitRepo. Inline volumes of these types reach host paths, network storage or node " +
		"tooling directly from the pod spec, bypassing the PersistentVolume and storage class controls, and " +
		"gitRepo has let pods run commands on the node.",
	Remediation: "Use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret volumes; move other storage behind a PersistentVolumeClaim.",
	References: []string{
		"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"https://kubernetes.io/docs/concepts/storage/volumes/",
	},
}, locateRestrictedVolumes)

// No fix: moving a volume to another type is a storage design decision.
func locateRestrictedVolumes(e *pss.Eval) []check.Violation {
	var vs []check.Violation
	for i, v := range e.Workload.Spec.Volumes {
		probe := e.Pod(nil)
		probe.Volumes = append(probe.Volumes, v)
		msg, bad := e.Probe(nil, probe)
		if !bad {
			continue
		}
		vs = append(vs, check.Violation{Path: volumeSource(e.Workload.Path.Child("volumes").Index(i), v), Message: msg})
	}
	return vs
}

// volumeSource returns the path of the one source field a volume sets (volumes[0].nfs), or the
// volume itself when that is not exactly one field. It reads the field name from the volume's
// JSON form, so it covers every volume type without listing them.
func volumeSource(at *field.Path, v corev1.Volume) *field.Path {
	b, err := json.Marshal(v.VolumeSource)
	if err != nil {
		return at
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil || len(fields) != 1 {
		return at
	}
	for name := range fields {
		return at.Child(name)
	}
	return at
}

package cluster

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: the kubelet runs whatever the static pod manifests say, as the control plane. Anyone who
// can write one of them can add a flag that disables authorization to the API server or mount
// the host into etcd's pod; anyone who can read them learns every credential path and setting.
// The CNI configuration decides how every pod's network is wired. CNI files exist on worker
// nodes too, so they are judged only on a node that holds control-plane manifests.
var cpNodeManifestFiles = &check.ObjectCheck[*nodefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0370",
		Slug:     "control-plane-manifest-file-permissions",
		Title:    "Control-plane static pod manifests or CNI files are writable or owned by someone other than root",
		Layer:    check.LayerCluster,
		Severity: check.SeverityMedium,
		Description: "The static pod manifests of kube-apiserver, kube-controller-manager, kube-scheduler and etcd " +
			"(CIS Kubernetes Benchmark 1.1.1-1.1.8) and the CNI configuration files (1.1.9, 1.1.10) on a " +
			"control-plane node must be mode 600 or stricter and owned by root:root. A group- or world-readable " +
			"or writable manifest lets a local user read or change how the control plane runs.",
		Remediation: "Run chmod 600 and chown root:root on each file under /etc/kubernetes/manifests and on the CNI configuration files (for example /etc/cni/net.d/*).",
		References: []string{
			"https://www.cisecurity.org/benchmark/kubernetes",
			"https://kubernetes.io/docs/tasks/configure-pod-container/static-pod/",
		},
	},
	Kind: nodefacts.Kind,
	Run: func(_ *check.Env, _ *check.Object, f *nodefacts.Facts) ([]check.Violation, error) {
		if !anyFileExists(f, manifestRoles...) {
			return nil, check.NotAssessedf("no control-plane files on this node (no static pod manifest of the control plane present)")
		}
		return assessFiles(f, "static pod manifests and CNI files", manifestRules)
	},
}

var manifestRoles = []string{nodefacts.RoleAPIServerManifest, nodefacts.RoleControllerManagerManifest,
	nodefacts.RoleSchedulerManifest, nodefacts.RoleEtcdManifest}

var manifestRules = []fileRule{
	{role: nodefacts.RoleAPIServerManifest, maxMode: 0o600, owner: "root", group: "root", modeItem: "1.1.1", ownerItem: "1.1.2"},
	{role: nodefacts.RoleControllerManagerManifest, maxMode: 0o600, owner: "root", group: "root", modeItem: "1.1.3", ownerItem: "1.1.4"},
	{role: nodefacts.RoleSchedulerManifest, maxMode: 0o600, owner: "root", group: "root", modeItem: "1.1.5", ownerItem: "1.1.6"},
	{role: nodefacts.RoleEtcdManifest, maxMode: 0o600, owner: "root", group: "root", modeItem: "1.1.7", ownerItem: "1.1.8"},
	{role: nodefacts.RoleCNIConfig, maxMode: 0o600, owner: "root", group: "root", modeItem: "1.1.9", ownerItem: "1.1.10"},
}

// anyFileExists reports whether a file of any of roles exists on the node.
func anyFileExists(f *nodefacts.Facts, roles ...string) bool {
	for _, file := range f.Files {
		if file.Exists && contains(roles, file.Role) {
			return true
		}
	}
	return false
}

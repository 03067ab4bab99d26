package cluster

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: admin.conf and super-admin.conf hold a client certificate in system:masters (or bound
// to cluster-admin); the scheduler's and controller manager's kubeconfigs hold their
// credentials, and the controller manager can create tokens for any service account. A local
// user who can read one of these files is cluster-admin or close to it.
var cpNodeKubeconfigs = &check.ObjectCheck[*nodefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0372",
		Slug:     "control-plane-kubeconfig-permissions",
		Title:    "Control-plane kubeconfig files are readable by other users or not owned by root",
		Layer:    check.LayerCluster,
		Severity: check.SeverityHigh,
		Description: "admin.conf and super-admin.conf (CIS Kubernetes Benchmark 1.1.13, 1.1.14), scheduler.conf " +
			"(1.1.15, 1.1.16) and controller-manager.conf (1.1.17, 1.1.18) must be mode 600 or stricter and owned " +
			"by root:root. They carry client credentials of cluster administrators and control-plane components.",
		Remediation: "Run chmod 600 and chown root:root on /etc/kubernetes/admin.conf, super-admin.conf, scheduler.conf and controller-manager.conf.",
		References: []string{
			"https://www.cisecurity.org/benchmark/kubernetes",
			"https://kubernetes.io/docs/setup/best-practices/certificates/",
		},
	},
	Kind: nodefacts.Kind,
	Run: func(_ *check.Env, _ *check.Object, f *nodefacts.Facts) ([]check.Violation, error) {
		return assessFiles(f, "admin.conf, super-admin.conf, scheduler.conf and controller-manager.conf", kubeconfigRules)
	},
}

var kubeconfigRules = []fileRule{
	{role: nodefacts.RoleAdminKubeconfig, maxMode: 0o600, owner: "root", group: "root", modeItem: "1.1.13", ownerItem: "1.1.14"},
	{role: nodefacts.RoleSuperAdminKubeconfig, maxMode: 0o600, owner: "root", group: "root", modeItem: "1.1.13", ownerItem: "1.1.14"},
	{role: nodefacts.RoleSchedulerKubeconfig, maxMode: 0o600, owner: "root", group: "root", modeItem: "1.1.15", ownerItem: "1.1.16"},
	{role: nodefacts.RoleControllerManagerKubeconfig, maxMode: 0o600, owner: "root", group: "root", modeItem: "1.1.17", ownerItem: "1.1.18"},
}

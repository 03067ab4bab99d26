package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: rbac_pv_create.go0
var rbacPVCreate = riskCheck(check.Meta{
	ID: "ST-0191", Slug: "rbac-persistentvolume-create", Title: "PersistentVolume creation by a non-system subject",
	Layer: check.LayerCluster, Severity: check.SeverityHigh,
	Description: "A binding grants create on persistentvolumes. The subject can create a hostPath PersistentVolume, claim it, and mount any directory of a node, bypassing the Pod Security hostPath restriction.",
	Remediation: "Remove create on persistentvolumes from the role and use dynamic provisioning through StorageClasses.",
	References:  rbacRefs,
}, allows("create on persistentvolumes", "", []string{"persistentvolumes"}, []string{"create"}, true))

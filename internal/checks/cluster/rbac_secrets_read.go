package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: rbac_secrets_read.go0
var rbacSecretsRead = riskCheck(check.Meta{
	ID: "ST-0181", Slug: "rbac-secrets-read", Title: "Secrets readable by a non-system subject",
	Layer: check.LayerCluster, Severity: check.SeverityHigh,
	Description: "A binding lets a subject get, list or watch every Secret of a namespace or of the cluster. Secrets hold credentials: legacy service account tokens, registry and cloud keys, TLS keys.",
	Remediation: "Limit Secret access to the named Secrets the subject needs with resourceNames, or mount them into its pods instead.",
	References:  rbacRefs,
}, allows("read (get, list, watch) on secrets", "", []string{"secrets"}, []string{"get", "list", "watch"}, true))

package cluster

import (
	"github.com/strata-sec/strata/internal/check"
)

// Why: rbac_sa_token.go0
var rbacSATokenCreate = riskCheck(check.Meta{
	ID: "ST-0187", Slug: "rbac-serviceaccount-token-create", Title: "Service account token creation by a non-system subject",
	Layer: check.LayerCluster, Severity: check.SeverityHigh,
	Description: "A binding grants create on serviceaccounts/token. The subject mints tokens for the namespace's service accounts and acts as them, from anywhere, for as long as the token lives.",
	Remediation: "Remove serviceaccounts/token from the role, or limit it with resourceNames to the service account the subject is meant to use.",
	References:  rbacRefs,
}, allows("create on serviceaccounts/token", "", []string{"serviceaccounts/token"}, []string{"create"}, false))

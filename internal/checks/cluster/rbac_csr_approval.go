package cluster

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/rbac/paths"
)

// Why: rbac_csr_approval.go0
var rbacCSRApproval = riskCheck(check.Meta{
	ID: "ST-0188", Slug: "rbac-csr-approval", Title: "Certificate signing request approval by a non-system subject",
	Layer: check.LayerCluster, Severity: check.SeverityHigh,
	Description: "A binding grants update on certificatesigningrequests/approval together with approve on signers. The subject can approve its own request for a client certificate of any identity the signer accepts, system:masters included.",
	Remediation: "Remove CSR approval from the role; leave approval to the control plane's approver controllers.",
	References:  rbacRefs,
}, csrApproval)

// csrApproval matches the approval rule when the same role also lets its holder approve for
// some signer.
func csrApproval(r *rbacv1.PolicyRule, b *paths.Binding) (string, bool) {
	if !paths.Allows(r, []string{"update", "patch"}, "certificates.k8s.io", "certificatesigningrequests", "approval", "") {
		return "", false
	}
	for i := range b.Rules {
		signers := &b.Rules[i]
		names := []string{""}
		names = append(names, signers.ResourceNames...)
		for _, n := range names {
			if paths.Allows(signers, []string{"approve"}, "certificates.k8s.io", "signers", "", n) {
				return "update on certificatesigningrequests/approval (with approve on signers)", true
			}
		}
	}
	return "", false
}

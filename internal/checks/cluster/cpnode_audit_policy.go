package cluster

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: without a policy file the API server records no audit event at all, whatever log path
// it has. With one, the policy decides what is kept: Secrets, ConfigMaps and TokenReviews must
// be recorded at Metadata level — who touched which object — and never at Request or
// RequestResponse, which would copy Secret values and tokens into the audit log.
//
// The node facts carry the API server's flags but not the policy's content, so this check
// fails only what the flags and the recorded files prove (no policy, or a policy file that is
// not there) and is otherwise not assessed: a policy nobody has read is never a pass.
var cpNodeAuditPolicy = &check.ObjectCheck[*nodefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0375",
		Slug:     "api-server-audit-policy-file",
		Title:    "API server on this node has no audit policy file",
		Layer:    check.LayerCluster,
		Severity: check.SeverityMedium,
		Description: "The kube-apiserver found on the node (static pod manifest or process) must run with " +
			"--audit-policy-file naming a policy that exists (CIS Kubernetes Benchmark 3.2.1), and the policy " +
			"must record Secrets, ConfigMaps and TokenReviews at Metadata level, not Request or RequestResponse, " +
			"which would write their contents to the log (3.2.2).",
		Remediation: "Write an audit policy (for example /etc/kubernetes/audit-policy.yaml) whose first rule logs secrets, configmaps and tokenreviews at level Metadata, and pass it to kube-apiserver with --audit-policy-file.",
		References: []string{
			"https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Kind: nodefacts.Kind,
	Run: func(_ *check.Env, _ *check.Object, f *nodefacts.Facts) ([]check.Violation, error) {
		api, ok := f.ControlPlane.Components[nodefacts.APIServer]
		if !ok {
			return nil, check.NotAssessedf("no control-plane files on this node (no kube-apiserver manifest or process)")
		}
		flags := field.NewPath("controlPlane", "components").Key(nodefacts.APIServer).Child("flags")
		policy := strings.TrimSpace(api.Flags["audit-policy-file"])
		if policy == "" {
			return []check.Violation{{Path: flags, Message: "kube-apiserver runs without --audit-policy-file: " +
				"it records no audit events (CIS 3.2.1)"}}, nil
		}
		for i, file := range f.Files {
			if file.Path == policy && !file.Exists {
				return []check.Violation{{Path: field.NewPath("files").Index(i).Child("exists"), Message: "the audit " +
					"policy file " + policy + " named by --audit-policy-file does not exist (CIS 3.2.1)"}}, nil
			}
		}
		return nil, check.NotAssessedf("the node facts do not include the content of the audit policy %s, so "+
			"whether it records Secrets, ConfigMaps and TokenReviews at Metadata level (CIS 3.2.2) is unknown", policy)
	},
}

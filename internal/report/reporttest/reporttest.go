package reporttest

import (
	"time"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/framework"
	"github.com/strata-sec/strata/internal/posture"
	"github.com/strata-sec/strata/internal/report"
)

// Now is the fixed time of every report built here.
var Now = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

// The checks of the example scan, one or more per layer, covering every status.
var (
	Privileged = &check.Meta{
		ID: "ST-0001", Slug: "privileged-container", Title: "Container runs privileged",
		Layer: check.LayerWorkload, Severity: check.SeverityCritical,
		Description: "A privileged container has every capability and sees every host device; escaping to the node is trivial.",
		Remediation: "Set securityContext.privileged to false or remove it.",
		References: []string{
			"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
			"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
		},
	}
	Seccomp = &check.Meta{
		ID: "ST-0005", Slug: "seccomp-unconfined", Title: "Seccomp profile is Unconfined",
		Layer: check.LayerKernel, Severity: check.SeverityHigh,
		Description: "Without a seccomp profile every system call reaches the kernel, including the ones container escapes use.",
		Remediation: "Set securityContext.seccompProfile.type to RuntimeDefault.",
		References:  []string{"https://kubernetes.io/docs/tutorials/security/seccomp/"},
	}
	SharedPID = &check.Meta{
		ID: "ST-0020", Slug: "shared-process-namespace", Title: "Containers share one process namespace",
		Layer: check.LayerWorkload, Severity: check.SeverityMedium,
		Description: "Every container of the pod can see and signal the processes of the others and read their environment through /proc.",
		Remediation: "Remove shareProcessNamespace from the pod spec, or set it to false.",
		References:  []string{"https://kubernetes.io/docs/tasks/configure-pod-container/share-process-namespace/"},
	}
	MutableTag = &check.Meta{
		ID: "ST-0041", Slug: "mutable-image-tag", Title: "Image uses a mutable tag",
		Layer: check.LayerContainer, Severity: check.SeverityLow,
		Description: "A tag such as latest can point at a different image tomorrow, so what runs is not what was reviewed.",
		Remediation: "Pin the image by digest (image@sha256:...).",
		References:  []string{"https://kubernetes.io/docs/concepts/containers/images/#image-names"},
	}
	PullPolicy = &check.Meta{
		ID: "ST-0042", Slug: "image-pull-policy-never", Title: "Image pull policy is Never",
		Layer: check.LayerContainer, Severity: check.SeverityInfo,
		Description: "With imagePullPolicy Never a node runs whatever image it has cached under the name, unverified.",
		Remediation: "Use IfNotPresent with a digest, or Always.",
		References:  []string{"https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy"},
	}
	DefaultDeny = &check.Meta{
		ID: "ST-0101", Slug: "namespace-without-default-deny", Title: "Namespace has no default-deny NetworkPolicy",
		Layer: check.LayerNetwork, Severity: check.SeverityHigh,
		Description: "Without a default-deny policy every pod in the namespace accepts traffic from every other pod in the cluster.",
		Remediation: "Add a NetworkPolicy that selects every pod and allows nothing, then allow what is needed.",
		References:  []string{"https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies"},
	}
	KubeletAnon = &check.Meta{
		ID: "ST-0201", Slug: "kubelet-anonymous-auth", Title: "Kubelet allows anonymous requests",
		Layer: check.LayerNode, Severity: check.SeverityCritical,
		Description: "An anonymous kubelet API lets anyone on the network list pods and run commands in containers.",
		Remediation: "Set authentication.anonymous.enabled to false in the kubelet configuration.",
		References:  []string{"https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/"},
	}
	WildcardVerbs = &check.Meta{
		ID: "ST-0301", Slug: "rbac-wildcard-verbs", Title: "Role grants every verb",
		Layer: check.LayerCluster, Severity: check.SeverityHigh,
		Description: "A wildcard verb grants today's verbs and every verb added later, including escalate and impersonate.",
		Remediation: "List the verbs the subject needs instead of *.",
		References:  []string{"https://kubernetes.io/docs/concepts/security/rbac-good-practices/"},
	}
	Escalation = &check.Meta{
		ID: "ST-0302", Slug: "rbac-escalation-path", Title: "Subject can escalate to cluster-admin",
		Layer: check.LayerCluster, Severity: check.SeverityCritical,
		Description: "A chain of bindings lets a subject grant itself cluster-admin through bind, escalate or pod creation.",
		Remediation: "Remove the binding that opens the path, or the bind and escalate verbs.",
		References:  []string{"https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping"},
	}
)

// Checks lists the example checks in ID order.
func Checks() []*check.Meta {
	return []*check.Meta{Privileged, Seccomp, SharedPID, MutableTag, PullPolicy, DefaultDeny, KubeletAnon, WildcardVerbs, Escalation}
}

var (
	web    = check.Ref{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "web"}
	worker = check.Ref{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "worker"}
	debug  = check.Ref{APIVersion: "v1", Kind: "Pod", Namespace: "default", Name: "debug"}
	shopNS = check.Ref{APIVersion: "v1", Kind: "Namespace", Name: "shop"}
	opsCR  = check.Ref{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole", Name: "ops", UID: "6f1c2d3e-0000-4000-8000-00000000c0de"}
)

// Meta is the scan metadata of the example report.
func Meta() report.Meta {
	return report.Meta{
		ToolVersion:    "1.2.3",
		InformationURI: "https://github.com/strata-sec/strata",
		GeneratedAt:    Now,
		Sources:        []string{"deploy/", "pods.yaml"},
		PSSVersion:     "v1.33",
		Objects:        7,
		Frameworks: map[string][]posture.FrameworkRef{
			Seccomp.ID: {{ID: "pss-baseline", Control: "seccomp"}},
		},
		FrameworkDefs: []framework.Framework{{ID: "example-benchmark", Title: "Example benchmark", Controls: []framework.Control{
			{ID: "1", Title: "No privileged containers", Checks: []string{Privileged.ID}},
			{ID: "2", Title: "Seccomp everywhere", Checks: []string{Seccomp.ID}},
			{ID: "3", Title: "Kubelet hardening", Checks: []string{KubeletAnon.ID}},
			{ID: "4", Title: "Least privilege", Checks: []string{WildcardVerbs.ID, Escalation.ID}},
			{ID: "5", Title: "Reviewed by hand", NotAssessed: "ask the platform team for the review record."},
			{ID: "6", Title: "Not in this scan", Checks: []string{"ST-0999"}},
		}}},
	}
}

// Report is the example report every golden test renders.
func Report() *report.Report { return report.New(Posture(), Meta()) }

// Posture is the example posture: findings in four layers (one without a source file, one
// without a field path), a suppressed finding, an expired and an unused exemption, every
// coverage status, and input errors.
func Posture() *posture.Posture {
	annotation := &posture.Exemption{Checks: []string{SharedPID.ID}, Reason: "the debug sidecar needs the process namespace",
		Source: "annotation on Deployment/shop/worker", Used: 1}
	expires := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	expired := &posture.Exemption{Checks: []string{Privileged.ID}, Reason: "legacy CNI agent, migration planned",
		Owner: "platform-team", Expires: &expires, Source: "strata.yaml:12", Expired: true}
	pss := []posture.FrameworkRef{{ID: "pss-baseline", Control: "privileged"}, {ID: "cis-kubernetes-1.10", Control: "5.2.2"}}
	p := &posture.Posture{
		Checks: Checks(),
		Findings: []*posture.Finding{
			{Check: MutableTag, Object: web, Path: "spec.template.spec.containers[0].image",
				Message: `image "nginx:latest" uses the mutable tag latest`, Location: check.Location{File: "deploy/web.yaml", Line: 20}},
			{Check: Privileged, Object: web, Path: "spec.template.spec.containers[0].securityContext.privileged",
				Message:  `container "web" runs privileged & can reach <every> host device`,
				Fix:      []check.PatchOp{{Op: "replace", Path: "/spec/template/spec/containers/0/securityContext/privileged", Value: false}},
				Location: check.Location{File: "deploy/web.yaml", Line: 14}, Frameworks: pss},
			{Check: SharedPID, Object: debug, Path: "spec.shareProcessNamespace",
				Message:  "pod shares one process namespace between its containers",
				Fix:      []check.PatchOp{{Op: "remove", Path: "/spec/shareProcessNamespace"}},
				Location: check.Location{File: "pods.yaml", Line: 7}},
			{Check: DefaultDeny, Object: shopNS, Message: `no NetworkPolicy in namespace "shop" selects every pod with an empty ingress list`,
				Location:   check.Location{File: "deploy/namespace.yaml", Line: 1},
				Frameworks: []posture.FrameworkRef{{ID: "nsa-cisa-1.2", Control: "network-separation"}}},
			{Check: WildcardVerbs, Object: opsCR, Path: "rules[0].verbs[0]",
				Message: `rule 0 grants verb "*" on pods`,
				Fix:     []check.PatchOp{{Op: "replace", Path: "/rules/0/verbs", Value: []string{"get", "list", "watch"}}}},
		},
		Suppressed: []*posture.Finding{
			{Check: SharedPID, Object: worker, Path: "spec.template.spec.shareProcessNamespace",
				Message:  "pod shares one process namespace between its containers",
				Location: check.Location{File: "deploy/worker.yaml", Line: 18}, Exemption: annotation},
		},
		Coverage: []posture.Coverage{
			{CheckID: Privileged.ID, Status: posture.StatusFail, Evaluated: 3, Failed: 1},
			{CheckID: Seccomp.ID, Status: posture.StatusPass, Evaluated: 3},
			{CheckID: SharedPID.ID, Status: posture.StatusFail, Evaluated: 3, Failed: 1},
			{CheckID: MutableTag.ID, Status: posture.StatusFail, Evaluated: 3, Failed: 1},
			{CheckID: PullPolicy.ID, Status: posture.StatusPass, Evaluated: 3},
			{CheckID: DefaultDeny.ID, Status: posture.StatusFail, Evaluated: 1, Failed: 1},
			{CheckID: KubeletAnon.ID, Status: posture.StatusNotAssessed, Reason: "no node facts in the input (run strata node)"},
			{CheckID: WildcardVerbs.ID, Status: posture.StatusFail, Evaluated: 2, Failed: 1},
			{CheckID: Escalation.ID, Status: posture.StatusError, Reason: "1 internal error(s)", Evaluated: 1,
				Errors: []string{"ClusterRoleBinding/ops: subject kind \"Robot\" is not known"}},
		},
		Errors: []posture.InputError{
			{File: "deploy/broken.yaml", Line: 3, Message: "yaml: mapping values are not allowed in this context"},
			{File: "deploy/big.yaml", Message: "file is larger than --max-file-size (32Mi)"},
		},
		Exemptions: []*posture.Exemption{expired, annotation},
	}
	for _, fs := range [][]*posture.Finding{p.Findings, p.Suppressed} {
		for _, f := range fs {
			f.Severity = f.Check.Severity
		}
	}
	return p
}

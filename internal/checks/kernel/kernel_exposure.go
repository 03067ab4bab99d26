package kernel

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
	kvuln "github.com/strata-sec/strata/internal/vulndb/kernel"
)

// maxNamed bounds the workloads a message names.
const maxNamed = 5

// Why: a vulnerable kernel is exploitable from a container only when the container has what the
// exploit needs — often CAP_SYS_ADMIN, CAP_NET_ADMIN or an Unconfined seccomp profile that lets
// it create a user namespace. Joining each Node's kernel with the workloads that run or can run
// there says which vulnerable nodes are one compromised pod away from root.
var kernelExposure = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0350",
		Slug:     "node-kernel-exposure",
		Title:    "Vulnerable node kernel reachable from workloads",
		Layer:    check.LayerKernel,
		Severity: check.SeverityHigh,
		Description: "A Node's status.nodeInfo.kernelVersion (with its osImage) falls in the affected range of a " +
			"container-escape kernel CVE in strata's dataset, and workloads meet the exploit's preconditions: pods " +
			"bound to the node (live mode) or, when none are, any pod spec in the inventory that could be " +
			"scheduled there, that is privileged, adds CAP_SYS_ADMIN or CAP_NET_ADMIN, sets seccomp Unconfined " +
			"or mounts a hostPath, as the CVE requires (for Dirty COW and Dirty Pipe any container suffices). " +
			"Each violation names the CVE, the confidence of the match and the workloads; the message says " +
			"\"exposure high\" when such workloads exist and \"exposure medium\" when no workload currently " +
			"meets the preconditions, because the kernel stays vulnerable for the next one that does. The " +
			"check's severity is that of the high case. Pods without a seccomp profile count only when the " +
			"profile is explicitly Unconfined, and taints and affinity are not evaluated.",
		Remediation: "Update the node's kernel to the distribution's fixed package and reboot (or replace the node); until then, keep workloads that are privileged, add CAP_SYS_ADMIN or CAP_NET_ADMIN, or run seccomp Unconfined off the node.",
		References: []string{
			"https://kubernetes.io/docs/reference/node/node-status/#info",
			"https://kubernetes.io/docs/concepts/security/linux-kernel-security-constraints/",
			"https://www.kernel.org/category/releases.html",
		},
	},
	Reads: append([]schema.GroupKind{nodeKind}, podspec.Kinds...),
	Run:   runKernelExposure,
}

func runKernelExposure(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
	db, err := kernelCVEDataset()
	if err != nil {
		return nil, err
	}
	nodes := inv.List(nodeKind, "")
	var out []check.ObjectViolation
	assessed := 0
	for _, o := range nodes {
		node, ok := o.Obj.(*corev1.Node)
		if !ok {
			continue
		}
		info := node.Status.NodeInfo
		r, err := kvuln.ParseRelease(info.KernelVersion, info.OSImage, "")
		if err != nil {
			continue // no or unreadable kernelVersion: this node is not assessed
		}
		assessed++
		matches := db.Match(r)
		if len(matches) == 0 {
			continue
		}
		ws, bound := candidates(inv, node)
		for _, m := range matches {
			out = append(out, check.ObjectViolation{Object: o, Violation: check.Violation{
				Path:    field.NewPath("status", "nodeInfo", "kernelVersion").Key(m.CVE.ID),
				Message: cveFinding(m, r) + ". " + exposureSentence(m.CVE, ws, bound),
			}})
		}
	}
	if assessed == 0 {
		if len(nodes) == 0 {
			return nil, check.NotAssessedf("no Node in the input to read kernel versions from")
		}
		return nil, check.NotAssessedf("no Node reports a readable status.nodeInfo.kernelVersion")
	}
	return out, nil
}

// exposureSentence grades the exposure and names the workloads that meet the CVE's
// preconditions.
func exposureSentence(c kvuln.CVE, ws []workload, bound bool) string {
	var named []string
	for _, w := range ws {
		if met := w.met(c); len(met) > 0 {
			named = append(named, fmt.Sprintf("%s (%s)", w.obj.Ref, strings.Join(met, ", ")))
		}
	}
	if len(named) == 0 {
		return "Exposure medium: no workload currently meets the preconditions."
	}
	where := "pods bound to this node"
	if !bound {
		where = "workloads that can be scheduled on this node (no pod is bound to it)"
	}
	more := ""
	if len(named) > maxNamed {
		more = fmt.Sprintf(" and %d more", len(named)-maxNamed)
		named = named[:maxNamed]
	}
	return fmt.Sprintf("Exposure high: %s meet the preconditions: %s%s.", where, strings.Join(named, ", "), more)
}

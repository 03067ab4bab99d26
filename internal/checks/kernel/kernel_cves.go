package kernel

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: every container on a node shares its kernel, so one kernel bug reachable from a container
// (Dirty Pipe, the nf_tables and fsconfig heap bugs, the cgroup release_agent flaw) turns code
// execution in any pod into root on the node and every other pod on it. The release string is
// the only version a scanner sees, and distributions backport fixes without changing it, so the
// finding says how sure it is instead of pretending to certainty.
var kernelCVEs = &check.ObjectCheck[*nodefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0340",
		Slug:     "kernel-container-escape-cves",
		Title:    "Node kernel has known container-escape CVEs",
		Layer:    check.LayerKernel,
		Severity: check.SeverityHigh,
		Description: "The node's kernel release falls in the affected range of a Linux kernel vulnerability used for " +
			"container escape or privilege escalation, per strata's curated dataset (Dirty COW, Dirty Pipe, the " +
			"x_tables, fsconfig and nf_tables heap bugs, the cgroup v1 release_agent flaw, the OverlayFS flaws). " +
			"Each violation names one CVE, what exploiting it takes, and a confidence: \"possible\" when the upstream " +
			"version is in range but the vendor may have backported the fix, \"unknown\" when the release string " +
			"hides the upstream patch level (Ubuntu, Debian) or the vendor backports so heavily (RHEL and its " +
			"rebuilds) that only its advisory can tell. The runc escape CVE-2019-5736 is not matched: the runc " +
			"version is not part of the node facts.",
		Remediation: "Update the node's kernel package to the distribution's fixed version (check the vendor advisory for the CVE) and reboot into it, or replace the node with a current image.",
		References: []string{
			"https://www.kernel.org/category/releases.html",
			"https://nvd.nist.gov/vuln/detail/CVE-2022-0847",
			"https://kubernetes.io/docs/concepts/security/linux-kernel-security-constraints/",
		},
	},
	Kind: nodefacts.Kind,
	Run: func(_ *check.Env, _ *check.Object, f *nodefacts.Facts) ([]check.Violation, error) {
		db, err := kernelCVEDataset()
		if err != nil {
			return nil, err
		}
		hint := f.Kernel.OS.ID
		if hint == "" {
			hint = f.Kernel.OS.PrettyName
		}
		r, err := parseKernel(f.Kernel.Release, hint, f.Kernel.Version)
		if err != nil {
			return nil, err
		}
		var vs []check.Violation
		for _, m := range db.Match(r) {
			vs = append(vs, check.Violation{
				Path:    field.NewPath("kernel", "release").Key(m.CVE.ID),
				Message: cveFinding(m, r) + ".",
			})
		}
		return vs, nil
	},
}

package kernel

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

const unprivilegedBPF = "kernel.unprivileged_bpf_disabled"

// Why: the eBPF verifier is one of the kernel's largest attack surfaces; verifier bugs
// (CVE-2021-3490, CVE-2021-31440, CVE-2023-2163) give arbitrary kernel read/write to any process
// that can load a program. With unprivileged BPF enabled, that is every process on the node.
var sysctlUnprivilegedBPF = &check.ObjectCheck[*nodefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0342",
		Slug:     "unprivileged-bpf-enabled",
		Title:    "Unprivileged BPF enabled",
		Layer:    check.LayerKernel,
		Severity: check.SeverityMedium,
		Description: "kernel.unprivileged_bpf_disabled is 0, so processes without CAP_BPF or CAP_SYS_ADMIN can load " +
			"eBPF programs. Bugs in the BPF verifier have repeatedly turned that into arbitrary kernel memory " +
			"access and root on the node, and Spectre-style side channels through BPF leak kernel memory. Values " +
			"1 (disabled until reboot) and 2 (disabled, changeable by an administrator) are safe.",
		Remediation: "Set kernel.unprivileged_bpf_disabled=1 (or 2) in /etc/sysctl.d/ and apply it with sysctl --system.",
		References: []string{
			"https://docs.kernel.org/admin-guide/sysctl/kernel.html#unprivileged-bpf-disabled",
		},
	},
	Kind: nodefacts.Kind,
	Run: func(_ *check.Env, _ *check.Object, f *nodefacts.Facts) ([]check.Violation, error) {
		v, ok := sysctl(f, unprivilegedBPF)
		if !ok {
			return nil, check.NotAssessedf("the node facts do not record %s (kernel without BPF syscall, or not collected)", unprivilegedBPF)
		}
		if v != "0" {
			return nil, nil
		}
		return []check.Violation{{
			Path: sysctlPath(unprivilegedBPF),
			Message: unprivilegedBPF + " is 0: any process on the node, including one in a container whose seccomp " +
				"profile allows bpf, can load eBPF programs and attack the verifier.",
		}}, nil
	},
}

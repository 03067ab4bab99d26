package kernel

import (
	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// weakSysctl is a hardening sysctl whose value 0 weakens the node.
type weakSysctl struct {
	name, why string
}

var hardeningSysctls = []weakSysctl{
	{"kernel.kptr_restrict", "kernel pointers in /proc (kallsyms, modules) are shown to unprivileged processes, defeating KASLR for a kernel exploit"},
	{"kernel.dmesg_restrict", "unprivileged processes can read the kernel log, which leaks addresses and state useful to a kernel exploit"},
	{"kernel.yama.ptrace_scope", "a process can ptrace any other process of the same user, so one compromised process reads the memory and secrets of its siblings"},
}

// Why: these sysctls do not stop an attack by themselves, but each 0 hands an attacker who got
// code execution on the node (or in a container sharing its PID namespace) information or
// access that turns a kernel bug or one compromised process into more.
var sysctlHardening = &check.ObjectCheck[*nodefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0345",
		Slug:     "weak-kernel-hardening-sysctls",
		Title:    "Weak kernel hardening sysctls",
		Layer:    check.LayerKernel,
		Severity: check.SeverityLow,
		Description: "One of the kernel's information-leak and process-isolation knobs is 0: kernel.kptr_restrict " +
			"(kernel addresses visible to everyone), kernel.dmesg_restrict (kernel log readable by everyone) or " +
			"kernel.yama.ptrace_scope (any process may trace other processes of its user). Each makes kernel " +
			"exploits more reliable or lets one compromised process read its neighbours.",
		Remediation: "Set kernel.kptr_restrict=1, kernel.dmesg_restrict=1 and kernel.yama.ptrace_scope=1 (or higher) in /etc/sysctl.d/ and apply them with sysctl --system.",
		References: []string{
			"https://docs.kernel.org/admin-guide/sysctl/kernel.html",
			"https://docs.kernel.org/admin-guide/LSM/Yama.html",
		},
	},
	Kind: nodefacts.Kind,
	Run: func(_ *check.Env, _ *check.Object, f *nodefacts.Facts) ([]check.Violation, error) {
		var vs []check.Violation
		seen := 0
		for _, s := range hardeningSysctls {
			v, ok := sysctl(f, s.name)
			if !ok {
				continue
			}
			seen++
			if v == "0" {
				vs = append(vs, check.Violation{Path: sysctlPath(s.name), Message: s.name + " is 0: " + s.why + "."})
			}
		}
		if seen == 0 {
			return nil, check.NotAssessedf("the node facts record none of kernel.kptr_restrict, kernel.dmesg_restrict, kernel.yama.ptrace_scope")
		}
		return vs, nil
	},
}

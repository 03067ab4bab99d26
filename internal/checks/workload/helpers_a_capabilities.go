package workload

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// capabilityName normalises a capability as written in a manifest: runtimes accept "sys_admin",
// "CAP_SYS_ADMIN" and " SYS_ADMIN" alike, so strata compares "SYS_ADMIN".
func capabilityName(c corev1.Capability) string {
	s := strings.ToUpper(strings.TrimSpace(string(c)))
	return strings.TrimPrefix(s, "CAP_")
}

// dangerousCapabilities maps each capability a container should not be granted to what it
// hands an attacker. DAC_OVERRIDE and SETFCAP are left out on purpose: both are in the default
// set of Docker and containerd and allowed by the baseline Pod Security Standard, so adding
// them explicitly changes nothing.
var dangerousCapabilities = map[string]string{
	"ALL":             "every capability, nearly the power of a privileged container",
	"SYS_ADMIN":       "mount, namespace and cgroup administration: cgroup release_agent and mount escapes such as CVE-2022-0492",
	"NET_ADMIN":       "reconfiguring interfaces, routes and firewall rules to intercept or redirect traffic, and the netfilter attack surface of kernel bugs such as CVE-2022-25636",
	"SYS_PTRACE":      "tracing other processes: reading their memory and secrets and injecting code into them",
	"SYS_MODULE":      "loading kernel modules, which is arbitrary code in the host kernel",
	"BPF":             "loading eBPF programs that read kernel memory and widen the kernel attack surface",
	"PERFMON":         "perf events and BPF tracing that observe other processes and the kernel",
	"NET_RAW":         "raw and packet sockets for ARP and DNS spoofing of neighbouring pods, and kernel bugs such as CVE-2020-14386",
	"DAC_READ_SEARCH": "reading any file and open_by_handle_at, the call the Shocker escape used to read host files",
	"SYS_RAWIO":       "raw I/O ports and /dev/mem access to kernel and device memory",
	"SYS_BOOT":        "rebooting the node and loading a new kernel with kexec",
	"SYSLOG":          "reading the kernel log, which leaks kernel addresses that defeat KASLR",
	"MAC_ADMIN":       "changing AppArmor or SELinux policy",
	"MAC_OVERRIDE":    "bypassing AppArmor or SELinux policy",
	"SYS_TIME":        "setting the node's clock, which is not namespaced and breaks certificate and token expiry",
}

package nodefacts

import (
	"strconv"
	"strings"
)

// Sysctls recorded, by name; each is read from /proc/sys/<name with dots as slashes>.
var sysctlNames = []string{
	"kernel.unprivileged_userns_clone",
	"user.max_user_namespaces",
	"kernel.unprivileged_bpf_disabled",
	"kernel.yama.ptrace_scope",
	"kernel.kptr_restrict",
	"kernel.dmesg_restrict",
	"net.ipv4.ip_forward",
}

// kernel reads the kernel release and version and the distribution.
func (c *collector) kernel() {
	k := &c.f.Kernel
	var err error
	k.Release, _, err = c.fs.readTrim("/proc/sys/kernel/osrelease")
	c.fail(err)
	k.Version, _, err = c.fs.readTrim("/proc/version")
	c.fail(err)
	b, _, err := c.fs.read("/etc/os-release", maxSmallFile)
	c.fail(err)
	osr := parseOSRelease(string(b))
	k.OS = OS{ID: osr["ID"], VersionID: osr["VERSION_ID"], PrettyName: osr["PRETTY_NAME"]}
}

// parseOSRelease parses KEY=value lines with optional shell quoting.
func parseOSRelease(s string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		if u, err := strconv.Unquote(v); err == nil {
			v = u
		} else if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
			v = v[1 : len(v)-1]
		}
		m[strings.TrimSpace(k)] = v
	}
	return m
}

// security reads whether seccomp, AppArmor and SELinux are available and enabled.
func (c *collector) security() {
	s := &c.f.Security
	if status, ok, err := c.fs.read("/proc/self/status", maxSmallFile); ok && err == nil {
		has := false
		for _, line := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(line, "Seccomp:") {
				has = true
				break
			}
		}
		s.Seccomp = &has
	} else {
		c.fail(err)
	}
	if v, ok, err := c.fs.readTrim("/sys/module/apparmor/parameters/enabled"); ok && err == nil {
		on := v == "Y"
		s.AppArmor = &on
	} else {
		c.fail(err)
	}
	if v, ok, err := c.fs.readTrim("/sys/fs/selinux/enforce"); ok && err == nil {
		s.SELinux = "permissive"
		if v == "1" {
			s.SELinux = "enforcing"
		}
	} else {
		c.fail(err)
	}
}

// sysctls reads the recorded sysctls; one the kernel does not have is left out.
func (c *collector) sysctls() {
	for _, name := range sysctlNames {
		v, ok, err := c.fs.readTrim("/proc/sys/" + strings.ReplaceAll(name, ".", "/"))
		c.fail(err)
		if ok && err == nil {
			c.f.Sysctls[name] = v
		}
	}
}

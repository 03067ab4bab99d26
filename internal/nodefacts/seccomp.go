package nodefacts

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

const seccompDir = "/var/lib/kubelet/seccomp"

// Runtime sockets recorded (CIS 4.x and the docker.sock family of findings).
var runtimeSocketPaths = []string{
	"/run/containerd/containerd.sock",
	"/var/run/docker.sock",
	"/run/crio/crio.sock",
}

func (c *collector) runtimeSockets() {
	for _, p := range runtimeSocketPaths {
		c.f.RuntimeSockets = append(c.f.RuntimeSockets, c.stat(p, RoleContainerRuntimeSocket))
	}
}

// seccompProfiles reads the Localhost profiles under the kubelet's seccomp directory.
func (c *collector) seccompProfiles() {
	c.walkProfiles(seccompDir, 0)
}

func (c *collector) walkProfiles(dir string, depth int) {
	if depth > 8 {
		return
	}
	entries, err := c.fs.readDir(dir)
	c.fail(err)
	for _, e := range entries {
		if len(c.f.SeccompProfiles) >= maxProfiles {
			return
		}
		p := dir + "/" + e.Name()
		switch {
		case e.IsDir():
			c.walkProfiles(p, depth+1)
		case e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".json"):
			c.f.SeccompProfiles = append(c.f.SeccompProfiles, c.profile(p))
		}
	}
}

// rawProfile is the part of an OCI/Docker seccomp profile strata reads.
type rawProfile struct {
	DefaultAction string `json:"defaultAction"`
	Syscalls      []struct {
		Names  []string `json:"names"`
		Name   string   `json:"name"`
		Action string   `json:"action"`
	} `json:"syscalls"`
}

func (c *collector) profile(p string) SeccompProfile {
	sp := SeccompProfile{Path: p, LocalhostRef: strings.TrimPrefix(p, seccompDir+"/")}
	b, _, err := c.fs.read(p, maxConfigFile)
	if err != nil {
		c.fail(err)
		sp.Error = err.Error()
		return sp
	}
	raw, err := ParseSeccompProfile(b)
	if err != nil {
		sp.Error = fmt.Sprintf("parse %s: %v", p, err)
		c.fail(fmt.Errorf("parse %s: %w", p, err))
		return sp
	}
	sp.DefaultAction, sp.Allowed = raw.DefaultAction, raw.Allowed
	return sp
}

// ParsedProfile is the judged content of a seccomp profile.
type ParsedProfile struct {
	DefaultAction string
	// Allowed are the syscalls whose rule allows them, sorted and unique.
	Allowed []string
}

// ParseSeccompProfile parses a seccomp profile's JSON. Input is untrusted: the caller bounds
// its size, and the decoder only keeps names and actions.
func ParseSeccompProfile(b []byte) (ParsedProfile, error) {
	var raw rawProfile
	if err := json.Unmarshal(b, &raw); err != nil {
		return ParsedProfile{}, err
	}
	if raw.DefaultAction == "" {
		return ParsedProfile{}, fmt.Errorf("no defaultAction")
	}
	seen := map[string]bool{}
	for _, rule := range raw.Syscalls {
		if !AllowingAction(rule.Action) {
			continue
		}
		names := rule.Names
		if rule.Name != "" {
			names = append(append([]string{}, names...), rule.Name)
		}
		for _, n := range names {
			if n != "" {
				seen[n] = true
			}
		}
	}
	out := ParsedProfile{DefaultAction: raw.DefaultAction}
	for n := range seen {
		out.Allowed = append(out.Allowed, n)
	}
	sort.Strings(out.Allowed)
	return out, nil
}

// AllowingAction reports whether a seccomp action lets the syscall run: SCMP_ACT_ALLOW and
// SCMP_ACT_LOG (which runs it and only logs).
func AllowingAction(a string) bool {
	switch a {
	case "SCMP_ACT_ALLOW", "SCMP_ACT_LOG":
		return true
	}
	return false
}

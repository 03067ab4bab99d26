package nodefacts

import (
	"path"
	"strings"
)

const sshdConfig = "/etc/ssh/sshd_config"

// sshd reads the global PermitRootLogin and PasswordAuthentication of sshd_config, following
// Include directives where they appear. As in sshd, the first value of a keyword wins and
// settings inside Match blocks (until the end of their file) are conditional, so ignored.
func (c *collector) sshd() {
	s := &c.f.SSHD
	if !c.exists(sshdConfig) {
		return
	}
	s.Found = true
	vals := map[string]string{}
	c.sshdFile(sshdConfig, vals, 0)
	s.PermitRootLogin = vals["permitrootlogin"]
	s.PasswordAuthentication = vals["passwordauthentication"]
}

func (c *collector) sshdFile(p string, vals map[string]string, depth int) {
	if depth > maxIncludeDeep {
		return
	}
	b, ok, err := c.fs.read(p, maxConfigFile)
	c.fail(err)
	if !ok || err != nil {
		return
	}
	c.f.SSHD.Sources = append(c.f.SSHD.Sources, p)
	for _, line := range strings.Split(string(b), "\n") {
		key, val := sshdLine(line)
		switch key {
		case "":
			continue
		case "match":
			return
		case "include":
			for _, pattern := range strings.Fields(val) {
				for _, inc := range c.glob(sshdPath(pattern)) {
					c.sshdFile(inc, vals, depth+1)
				}
			}
		case "permitrootlogin", "passwordauthentication":
			if _, set := vals[key]; !set {
				vals[key] = strings.ToLower(val)
			}
		}
	}
}

// sshdLine splits "Keyword value" or "Keyword=value"; comments and blanks give "".
func sshdLine(line string) (key, val string) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return "", ""
	}
	i := strings.IndexAny(line, " \t=")
	if i < 0 {
		return strings.ToLower(line), ""
	}
	val = strings.TrimLeft(line[i:], " \t=")
	return strings.ToLower(line[:i]), strings.Trim(strings.TrimSpace(val), `"`)
}

// sshdPath makes a relative Include path relative to /etc/ssh, as sshd does.
func sshdPath(p string) string {
	if strings.HasPrefix(p, "/") {
		return p
	}
	return "/etc/ssh/" + p
}

// glob expands a pattern whose last element may hold wildcards, in lexical order.
func (c *collector) glob(pattern string) []string {
	dir, base := path.Split(pattern)
	if !strings.ContainsAny(base, "*?[") {
		return []string{pattern}
	}
	entries, err := c.fs.readDir(dir)
	c.fail(err)
	var out []string
	for _, e := range entries {
		if ok, _ := path.Match(base, e.Name()); ok && !e.IsDir() {
			out = append(out, path.Join(dir, e.Name()))
		}
	}
	return out
}

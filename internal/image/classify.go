package image

import (
	"bytes"
	"encoding/json"
	"path"
	"regexp"
	"strings"

	"github.com/strata-sec/strata/internal/imagefacts"
)

// toolDirs are the directories whose files are on a typical PATH.
var toolDirs = map[string]bool{
	"/bin": true, "/sbin": true, "/usr/bin": true, "/usr/sbin": true,
	"/usr/local/bin": true, "/usr/local/sbin": true, "/busybox": true,
}

var tools = toolNames()

func toolNames() map[string]string {
	tools := map[string]string{}
	add := func(cat string, names ...string) {
		for _, n := range names {
			tools[n] = cat
		}
	}
	add(imagefacts.FileShell, "sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "pdksh", "csh", "tcsh", "fish", "busybox", "toybox", "rbash")
	add(imagefacts.FilePackageManager, "apt", "apt-get", "aptitude", "dpkg", "apk", "yum", "dnf", "microdnf", "tdnf", "rpm",
		"zypper", "pacman", "opkg", "pip", "pip2", "pip3", "npm", "npx", "yarn", "pnpm", "gem", "conda", "mamba", "composer", "cargo")
	add(imagefacts.FileNetworkTool, "curl", "wget", "nc", "ncat", "netcat", "nc.openbsd", "nc.traditional", "socat",
		"telnet", "ssh", "scp", "sftp", "nmap", "ftp", "tftp", "rsync", "openssl", "tcpdump")
	add(imagefacts.FileInterpreter, "python", "python2", "python3", "perl", "ruby", "node", "nodejs", "php", "lua",
		"luajit", "tclsh", "wish", "deno", "bun", "irb", "jshell", "Rscript", "pwsh")
	return tools
}

// versioned interpreters and pip: python3.12, perl5.36.0, php8.2, lua5.4, pip3.12, ruby3.1.
var versionedTool = regexp.MustCompile(`^(python|perl|php|lua|ruby|pip|node|tclsh)[0-9][0-9.]*$`)

// toolCategory tells which kind of tool a file name is, "" when none.
func toolCategory(name string) string {
	if c, ok := tools[name]; ok {
		return c
	}
	if m := versionedTool.FindStringSubmatch(name); m != nil {
		if m[1] == "pip" {
			return imagefacts.FilePackageManager
		}
		return imagefacts.FileInterpreter
	}
	return ""
}

// keyDirs hold small files worth reading whatever their names.
var keyDirs = []string{"/root/", "/home/", "/etc/ssl/private/", "/etc/ssh/", "/etc/pki/tls/private/", "/run/secrets/", "/var/run/secrets/"}

var keyExt = map[string]bool{".pem": true, ".key": true, ".p8": true, ".pk8": true, ".ppk": true, ".priv": true, ".asc": true, ".gpg": true}

// credentialNames are file names (or path suffixes) that hold credentials.
var credentialNames = map[string]bool{
	".netrc": true, "_netrc": true, ".git-credentials": true,
	".npmrc": true, ".pypirc": true, ".pgpass": true, ".my.cnf": true,
}

// credentialSuffixes are paths that hold credentials wherever the home directory is.
var credentialSuffixes = []string{"/.aws/credentials", "/.docker/config.json", "/.kube/config"}

// secretCandidate tells whether a small file is read for keys and credentials: by its name
// anywhere, by any name under the typical home and key directories.
func secretCandidate(p, base string) bool {
	if keyExt[path.Ext(base)] || strings.HasPrefix(base, "id_") && !strings.HasSuffix(base, ".pub") ||
		strings.Contains(strings.ToLower(base), "private") || credentialNames[base] || strings.Contains(p, "/.ssh/") {
		return true
	}
	for _, s := range credentialSuffixes {
		if strings.HasSuffix(p, s) {
			return true
		}
	}
	for _, d := range keyDirs {
		if strings.HasPrefix(p, d) {
			return !strings.HasSuffix(base, ".pub") && !strings.HasSuffix(base, ".crt")
		}
	}
	return false
}

var pemBegin = regexp.MustCompile(`-----BEGIN ([A-Z0-9 ]{0,40})PRIVATE KEY( BLOCK)?-----`)

// privateKeyKind names the first PEM private key in b, "" when there is none.
func privateKeyKind(b []byte) string {
	if !bytes.Contains(b, []byte("PRIVATE KEY")) {
		return ""
	}
	m := pemBegin.FindSubmatch(b)
	if m == nil {
		return ""
	}
	switch strings.TrimSpace(string(m[1])) {
	case "RSA":
		return "RSA private key"
	case "EC":
		return "EC private key"
	case "DSA":
		return "DSA private key"
	case "OPENSSH":
		return "OpenSSH private key"
	case "ENCRYPTED":
		return "encrypted private key"
	case "PGP":
		return "PGP private key"
	case "":
		return "PKCS#8 private key"
	default:
		return strings.TrimSpace(string(m[1])) + " private key"
	}
}

var (
	netrcPassword   = regexp.MustCompile(`(?m)(^|\s)password\s+\S`)
	npmToken        = regexp.MustCompile(`(?m)(_authToken|_auth|_password)\s*=\s*\S`)
	gitCredential   = regexp.MustCompile(`(?m)^[a-z][a-z0-9+.-]*://[^\s/@]+:[^\s/@]+@`)
	iniPassword     = regexp.MustCompile(`(?mi)^\s*password\s*[=:]\s*\S`)
	kubeCredentials = regexp.MustCompile(`(?m)^\s*(token|client-key-data|password):\s*\S`)
)

// credentialKind names the credentials a file holds, "" when none. Only the kind is kept.
func credentialKind(p, base string, b []byte) string {
	switch {
	case strings.HasSuffix(p, "/.aws/credentials"):
		if bytes.Contains(b, []byte("aws_secret_access_key")) || bytes.Contains(b, []byte("aws_session_token")) {
			return "AWS credentials"
		}
	case strings.HasSuffix(p, "/.docker/config.json"):
		if dockerAuths(b) {
			return "Docker registry credentials"
		}
	case base == ".netrc" || base == "_netrc":
		if netrcPassword.Match(b) {
			return "netrc credentials"
		}
	case base == ".git-credentials":
		if gitCredential.Match(b) {
			return "Git credentials"
		}
	case base == ".npmrc":
		if npmToken.Match(b) {
			return "npm registry token"
		}
	case base == ".pypirc":
		if iniPassword.Match(b) {
			return "PyPI credentials"
		}
	case base == ".pgpass":
		if len(bytes.TrimSpace(b)) > 0 {
			return "PostgreSQL password file"
		}
	case base == ".my.cnf":
		if iniPassword.Match(b) {
			return "MySQL credentials"
		}
	case strings.HasSuffix(p, "/.kube/config"):
		if kubeCredentials.Match(b) {
			return "kubeconfig credentials"
		}
	}
	return ""
}

// dockerAuths reports whether a Docker config holds registry credentials (not just helpers).
func dockerAuths(b []byte) bool {
	var cfg struct {
		Auths map[string]struct {
			Auth          string `json:"auth"`
			IdentityToken string `json:"identitytoken"`
			Password      string `json:"password"`
		} `json:"auths"`
	}
	if json.Unmarshal(b, &cfg) != nil {
		return false
	}
	for _, a := range cfg.Auths {
		if a.Auth != "" || a.IdentityToken != "" || a.Password != "" {
			return true
		}
	}
	return false
}

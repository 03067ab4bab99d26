package image

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"

	"github.com/strata-sec/strata/internal/imagefacts"
)

// parseOSRelease reads ID, VERSION_ID and VERSION_CODENAME from an os-release file.
func parseOSRelease(b []byte) imagefacts.OS {
	var out imagefacts.OS
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 4096), maxSmallFileBytes)
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok || strings.HasPrefix(k, "#") {
			continue
		}
		v = strings.TrimSpace(v)
		if uq, err := strconv.Unquote(v); err == nil {
			v = uq
		} else {
			v = strings.Trim(v, `"'`)
		}
		switch k {
		case "ID":
			out.ID = strings.ToLower(v)
		case "VERSION_ID":
			out.VersionID = v
		case "VERSION_CODENAME":
			out.Codename = v
		}
	}
	return out
}

// ecosystem returns the OSV ecosystem and release for packages of a distribution's package
// manager: Debian "12", Ubuntu "22.04", Alpine "v3.19", Rocky Linux and AlmaLinux "9"; other
// rpm distributions use "Red Hat" with the release as "<os id>:<version id>" ("rhel:9.3"),
// which OSV's Red Hat records (named by product stream) do not match: the vulnerability
// check then says the packages could not be judged.
func ecosystem(os imagefacts.OS, manager string) (string, string) {
	switch manager {
	case "dpkg":
		if os.ID == "ubuntu" {
			return imagefacts.EcosystemUbuntu, os.VersionID
		}
		major, _, _ := strings.Cut(os.VersionID, ".")
		return imagefacts.EcosystemDebian, major
	case "apk":
		parts := strings.SplitN(os.VersionID, ".", 3)
		if len(parts) >= 2 {
			return imagefacts.EcosystemAlpine, "v" + parts[0] + "." + parts[1]
		}
		return imagefacts.EcosystemAlpine, ""
	case "rpm":
		major, _, _ := strings.Cut(os.VersionID, ".")
		switch os.ID {
		case "":
			return imagefacts.EcosystemRPM, ""
		case "rocky":
			return "Rocky Linux", major
		case "almalinux":
			return "AlmaLinux", major
		}
		return imagefacts.EcosystemRPM, os.ID + ":" + os.VersionID
	}
	return "", ""
}

// uidOf tells the numeric user of a USER value: a number, root, or a name in /etc/passwd;
// -1 when it cannot be told. An empty USER runs as root.
func uidOf(user string, passwd []byte) int {
	name, _, _ := strings.Cut(user, ":")
	switch name {
	case "":
		return 0
	case "root":
		return 0
	}
	if n, err := strconv.Atoi(name); err == nil && n >= 0 {
		return n
	}
	sc := bufio.NewScanner(bytes.NewReader(passwd))
	sc.Buffer(make([]byte, 4096), maxSmallFileBytes)
	for sc.Scan() {
		f := strings.Split(sc.Text(), ":")
		if len(f) >= 3 && f[0] == name {
			if n, err := strconv.Atoi(f[2]); err == nil && n >= 0 {
				return n
			}
		}
	}
	return -1
}

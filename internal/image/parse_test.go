package image

import (
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/strata-sec/strata/internal/imagefacts"
)

func TestParseDpkgStatus(t *testing.T) {
	pkgs, err := parseDpkgStatus([]byte(debianStatus), true)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range pkgs {
		names = append(names, p.Name+"="+p.Version+"/"+p.Source)
	}
	want := []string{"libc6=2.36-9+deb12u4/glibc", "openssl=3.0.11-1~deb12u2/openssl", "tzdata=2024a-0+deb12u1/tzdata"}
	if !slices.Equal(names, want) {
		t.Errorf("got %v, want %v", names, want)
	}
	if _, err := parseDpkgStatus([]byte("Version: 1\nStatus: install ok installed\n"), true); err == nil {
		t.Error("paragraph without Package accepted")
	}
	// In status, a paragraph without Status is not installed; in status.d it is.
	if p, _ := parseDpkgStatus([]byte("Package: a\nVersion: 1\n"), true); len(p) != 0 {
		t.Errorf("status without Status: %v", p)
	}
	if p, _ := parseDpkgStatus([]byte("Package: a\nVersion: 1\n"), false); len(p) != 1 {
		t.Errorf("status.d entry: %v", p)
	}
}

func TestParseApkInstalled(t *testing.T) {
	pkgs, err := parseApkInstalled([]byte("P:musl\nV:1.2.4-r4\n\nP:libcrypto3\nV:3.1.4-r5\no:openssl\n"))
	if err != nil || len(pkgs) != 2 || pkgs[0].Source != "musl" || pkgs[1].Source != "openssl" {
		t.Errorf("%+v %v", pkgs, err)
	}
	if _, err := parseApkInstalled([]byte("P:nover\n\n")); err == nil {
		t.Error("entry without version accepted")
	}
}

func TestParseRPMHeader(t *testing.T) {
	blob := rpmHeaderBlob(map[uint32]string{rpmTagName: "curl", rpmTagVersion: "7.76.1", rpmTagRelease: "26.el9",
		rpmTagSourceRPM: "curl-7.76.1-26.el9.src.rpm", rpmTagArch: "x86_64"}, map[uint32]int32{rpmTagEpoch: 2})
	p, err := parseRPMHeader(blob)
	if err != nil || p.Name != "curl" || p.Version != "7.76.1" || p.Release != "26.el9" || p.Epoch != 2 || p.Source != "curl" || p.Arch != "x86_64" {
		t.Fatalf("%+v %v", p, err)
	}
	// With the header magic in front, as in a package file.
	if p, err := parseRPMHeader(append([]byte{0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0}, blob...)); err != nil || p.Name != "curl" {
		t.Errorf("with magic: %+v %v", p, err)
	}
	for name, bad := range map[string][]byte{
		"empty":     nil,
		"truncated": blob[:len(blob)-3],
		"huge":      {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1},
		"no name":   rpmHeaderBlob(map[uint32]string{rpmTagVersion: "1"}, nil),
	} {
		if _, err := parseRPMHeader(bad); err == nil {
			t.Errorf("%s header accepted", name)
		}
	}
	// An offset that points outside the data store is an error, not a panic.
	evil := slices.Clone(blob)
	evil[8+8] = 0x7f
	if _, err := parseRPMHeader(evil); err == nil {
		t.Error("offset outside the data store accepted")
	}
	if got := sourceRPMName("python3.11-3.11.5-1.el9_3.src.rpm"); got != "python3.11" {
		t.Errorf("source rpm name %q", got)
	}
}

func TestConfigFacts(t *testing.T) {
	c := configFacts(&v1.ConfigFile{Config: v1.Config{Env: []string{
		"GITHUB_TOKEN=ghp_x", "AWS_SECRET_ACCESS_KEY=abc", "API_KEY=k", "PASSWORD_FILE=/run/p", "TOKEN_URL=https://x",
		"GPG_KEY=ABCD", "PATH=/bin", "EMPTY_SECRET=", "NPM_AUTH=1", "AUTHOR=me", "DB_USER=app", "PWD=/app",
	}}})
	if want := []string{"GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "API_KEY", "NPM_AUTH"}; !slices.Equal(c.CredentialEnv, want) {
		t.Errorf("credential env %v, want %v", c.CredentialEnv, want)
	}
	if c.UID != -1 {
		t.Errorf("uid before passwd %d", c.UID)
	}
	passwd := []byte("root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n")
	for user, want := range map[string]int{"": 0, "root": 0, "0": 0, "1000:1000": 1000, "app": 1000, "app:app": 1000, "ghost": -1, "-5": -1} {
		if got := uidOf(user, passwd); got != want {
			t.Errorf("uid of %q = %d, want %d", user, got, want)
		}
	}
}

func TestEcosystems(t *testing.T) {
	for _, tc := range []struct {
		os             imagefacts.OS
		mgr, eco, dist string
	}{
		{imagefacts.OS{ID: "debian", VersionID: "12"}, "dpkg", "Debian", "12"},
		{imagefacts.OS{ID: "debian", VersionID: "11.9"}, "dpkg", "Debian", "11"},
		{imagefacts.OS{ID: "ubuntu", VersionID: "22.04"}, "dpkg", "Ubuntu", "22.04"},
		{imagefacts.OS{ID: "alpine", VersionID: "3.19.1"}, "apk", "Alpine", "v3.19"},
		{imagefacts.OS{ID: "rocky", VersionID: "9.3"}, "rpm", "Rocky Linux", "9"},
		{imagefacts.OS{ID: "almalinux", VersionID: "8.10"}, "rpm", "AlmaLinux", "8"},
		{imagefacts.OS{ID: "rhel", VersionID: "9.3"}, "rpm", "Red Hat", "rhel:9.3"},
	} {
		if eco, dist := ecosystem(tc.os, tc.mgr); eco != tc.eco || dist != tc.dist {
			t.Errorf("%+v %s: %s %s", tc.os, tc.mgr, eco, dist)
		}
	}
	if os := parseOSRelease([]byte("# c\nID='ubuntu'\nVERSION_ID=\"22.04\"\nVERSION_CODENAME=jammy\nBROKEN\n")); os != (imagefacts.OS{ID: "ubuntu", VersionID: "22.04", Codename: "jammy"}) {
		t.Errorf("os-release %+v", os)
	}
}

func TestClassify(t *testing.T) {
	for name, want := range map[string]string{
		"sh": imagefacts.FileShell, "busybox": imagefacts.FileShell, "python3.12": imagefacts.FileInterpreter,
		"pip3.11": imagefacts.FilePackageManager, "nc.openbsd": imagefacts.FileNetworkTool, "ls": "", "python-config": "",
	} {
		if got := toolCategory(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	for content, want := range map[string]string{
		"-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n": "OpenSSH private key",
		"-----BEGIN PRIVATE KEY-----\nMII":            "PKCS#8 private key",
		"-----BEGIN EC PRIVATE KEY-----":              "EC private key",
		"-----BEGIN CERTIFICATE-----":                 "",
		"PRIVATE KEY mentioned in docs":               "",
	} {
		if got := privateKeyKind([]byte(content)); got != want {
			t.Errorf("%q: %q, want %q", content, got, want)
		}
	}
	for _, tc := range []struct{ path, content, want string }{
		{"/root/.aws/credentials", "[default]\naws_access_key_id=A\naws_secret_access_key=B\n", "AWS credentials"},
		{"/root/.docker/config.json", `{"credHelpers":{"gcr.io":"gcloud"}}`, ""},
		{"/root/.netrc", "machine x login u password p\n", "netrc credentials"},
		{"/root/.git-credentials", "https://u:tok@github.com\n", "Git credentials"},
		{"/app/.npmrc", "//registry.npmjs.org/:_authToken=abc\n", "npm registry token"},
		{"/app/.npmrc", "//registry.npmjs.org/:_authToken=\n", ""},
		{"/root/.kube/config", "users:\n- name: a\n  user:\n    token: abc\n", "kubeconfig credentials"},
	} {
		base := tc.path[strings.LastIndexByte(tc.path, '/')+1:]
		if !secretCandidate(tc.path, base) {
			t.Errorf("%s not read", tc.path)
		}
		if got := credentialKind(tc.path, base, []byte(tc.content)); got != tc.want {
			t.Errorf("%s %q: %q, want %q", tc.path, tc.content, got, tc.want)
		}
	}
	if secretCandidate("/usr/share/doc/readme", "readme") {
		t.Error("ordinary file read for secrets")
	}
}

func TestResolveSymlinks(t *testing.T) {
	fl := newFlattener(10, 10)
	fl.kinds = map[string]byte{"/usr": kindDir, "/usr/bin": kindDir, "/usr/bin/busybox": kindFile, "/bin": kindLink, "/usr/bin/sh": kindLink, "/loop": kindLink}
	fl.links = map[string]string{"/bin": "usr/bin", "/usr/bin/sh": "../../bin/busybox", "/loop": "/loop"}
	if p, k := fl.resolve("/bin/sh"); p != "/usr/bin/busybox" || k != kindFile {
		t.Errorf("resolve /bin/sh: %s %d", p, k)
	}
	if _, k := fl.resolve("/loop"); k != 0 {
		t.Error("symlink loop resolved")
	}
}

package container

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/checks/checktest"
	"github.com/strata-sec/strata/internal/imagefacts"
	"github.com/strata-sec/strata/internal/posture"
)

// imageDoc is an Image facts document named name with extra top-level fields.
func imageDoc(name, extra string) string {
	return "apiVersion: strata.dev/v1alpha1\nkind: Image\nmetadata:\n  name: " + name +
		"\nschemaVersion: v1\nreference: " + name + "\nsource: registry\n" + extra
}

const podOf = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns}
spec:
  containers:
  - {name: a, image: "registry.example.com/a:1"}
  - {name: b, image: "registry.example.com/b:1"}
`

func scanDocs(t *testing.T, c check.Check, docs ...string) *posture.Posture {
	t.Helper()
	f := filepath.Join(t.TempDir(), "in.yaml")
	if err := os.WriteFile(f, []byte(strings.Join(docs, "---\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	return checktest.Scan(t, []check.Check{c}, f)
}

func coverage(t *testing.T, p *posture.Posture, id string) posture.Coverage {
	t.Helper()
	for _, c := range p.Coverage {
		if c.CheckID == id {
			return c
		}
	}
	t.Fatalf("no coverage for %s", id)
	return posture.Coverage{}
}

// TestNotAssessed: wherever a check could not look, its coverage says so with the reason, and
// no finding is made up.
func TestNotAssessed(t *testing.T) {
	failed := imageDoc("registry.example.com/a:1", "error: \"fetch manifest: 401 Unauthorized\"\n")
	rootB := imageDoc("registry.example.com/b:1", "config: {user: \"\", uid: 0}\n")
	nonRootB := imageDoc("registry.example.com/b:1", "config: {user: \"1000\", uid: 1000}\n")
	for name, tc := range map[string]struct {
		c      check.Check
		docs   []string
		reason string
	}{
		"root: no image facts":                      {imageRunsAsRoot, []string{podOf}, "no Image facts in the input"},
		"root: analysis failed":                     {imageRunsAsRoot, []string{podOf, failed}, "0 container(s) judged, none runs as root, but no usable image facts for registry.example.com/a:1 (analysis failed), registry.example.com/b:1 (no facts)"},
		"root: partly, no finding":                  {imageRunsAsRoot, []string{podOf, failed, nonRootB}, "1 container(s) judged, none runs as root, but no usable image facts for registry.example.com/a:1 (analysis failed)"},
		"shell: analysis failed":                    {shellInImage, []string{failed}, "image registry.example.com/a:1 could not be analysed: fetch manifest: 401 Unauthorized"},
		"credentials: failed":                       {credentialsInImage, []string{failed}, "could not be analysed"},
		"vulns: no database":                        {vulnerablePackages, []string{rootB}, "no vulnerability database imported; run strata db import PATH"},
		"vulns: unreadable packages":                {vulnerablePackages, []string{imageDoc("x:1", "packageErrors: [\"/var/lib/dpkg/status: truncated\"]\nvulnDB: {name: osv, date: \"2026-01-01T00:00:00Z\"}\n")}, "image x:1: 1 package database(s) unreadable (/var/lib/dpkg/status: truncated); no match among the packages that were read (osv of 2026-01-01)"},
		"vulns: packages the database cannot judge": {vulnerablePackages, []string{imageDoc("x:1", "vulnDB: {name: osv, date: \"2026-01-01T00:00:00Z\", unmatched: [\"Red Hat:rhel:9.3: 212 package(s) (bash, glibc, zlib): the database holds no Red Hat:rhel:9.3 advisories\"]}\n")}, "image x:1: packages the database cannot judge: Red Hat:rhel:9.3: 212 package(s) (bash, glibc, zlib): the database holds no Red Hat:rhel:9.3 advisories; no match among the others (osv of 2026-01-01)"},
		"registry: no allow-list":                   {untrustedRegistry, []string{podOf}, "no registry allow-list configured (images.allowedRegistries in the config file)"},
		"signed: not requested":                     {unsignedImage, []string{imageDoc("x:1", "signature: {verified: false}\n")}, "signature verification not requested: --require-signed"},
		"signed: did not run":                       {withPolicy([]check.Check{unsignedImage})[0], []string{imageDoc("x:1", "")}, "signature verification did not run for image x:1"},
		"shell: no image at all":                    {shellInImage, []string{podOf}, "no Image.strata.dev in the input"},
	} {
		t.Run(name, func(t *testing.T) {
			p := scanDocs(t, tc.c, tc.docs...)
			cov := coverage(t, p, tc.c.Metadata().ID)
			if cov.Status != posture.StatusNotAssessed || !strings.Contains(cov.Reason, tc.reason) || len(p.Findings) > 0 {
				t.Fatalf("coverage %+v with %d findings, want not-assessed: %q", cov, len(p.Findings), tc.reason)
			}
		})
	}
}

// TestRootPartlyAssessedStillFails: findings on the containers that could be judged are
// reported even when other images have no facts.
func TestRootPartlyAssessedStillFails(t *testing.T) {
	p := scanDocs(t, imageRunsAsRoot, podOf, imageDoc("registry.example.com/b:1", "config: {user: \"\", uid: 0}\n"))
	if cov := coverage(t, p, "ST-0064"); cov.Status != posture.StatusFail || len(p.Findings) != 1 || p.Findings[0].Path != "spec.containers[1]" {
		t.Fatalf("coverage %+v findings %v", cov, checktest.Lines(p.Findings))
	}
}

// TestVulnerabilitySeverity: each advisory is reported at its record's severity; an unrated
// record keeps the check's.
func TestVulnerabilitySeverity(t *testing.T) {
	p := checktest.Scan(t, []check.Check{vulnerablePackages}, filepath.Join("testdata", "ST-0070", "fail", "debian-openssl-and-go-module.yaml"))
	got := map[string]check.Severity{}
	for _, f := range p.Findings {
		got[strings.Fields(f.Message)[0]] = f.Severity
	}
	want := map[string]check.Severity{"CVE-2024-5535": check.SeverityCritical, "CVE-2024-45490": check.SeverityHigh, "GO-2024-2687": check.SeverityMedium}
	for id, sev := range want {
		if got[id] != sev {
			t.Errorf("%s at %s, want %s", id, got[id], sev)
		}
	}
}

func TestRegistryAllowed(t *testing.T) {
	allowed := []string{"registry.example.com", "ghcr.io/acme", "docker.io/library", "localhost:5000/", "Index.Docker.io/bitnami"}
	for image, want := range map[string]bool{
		"nginx":                          true,
		"library/nginx:1":                true,
		"docker.io/nginx":                true,
		"bitnami/redis":                  true,
		"grafana/grafana":                false,
		"ghcr.io/acme/app":               true,
		"ghcr.io/acme":                   true, // an entry may name one repository
		"ghcr.io/acme-evil/app":          false,
		"ghcr.io/acmeapp":                false,
		"registry.example.com/x/y:1":     true,
		"REGISTRY.example.com/x":         true,
		"registry.example.com.evil.io/x": false,
		"evilregistry.example.com/x":     false,
		"localhost:5000/team/app":        true,
		"localhost:5001/team/app":        false,
	} {
		ref, err := parseImage(image)
		if err != nil {
			t.Fatalf("%s: %v", image, err)
		}
		if got := registryAllowed(resolvedRepository(ref), allowed); got != want {
			t.Errorf("%s (%s): allowed %v, want %v", image, resolvedRepository(ref), got, want)
		}
	}
}

func TestRootUser(t *testing.T) {
	for _, tc := range []struct {
		user string
		uid  int
		want bool
	}{
		{"", 0, true}, {"0", 0, true}, {"root", 0, true}, {"0:0", 0, true}, {"root:wheel", 0, true},
		{"1000", 1000, false}, {"1000:0", 1000, false}, {"app", 1000, false}, {"app", -1, false},
		{"toor", 0, true}, {"00", 0, true}, {"1000", 0, false},
	} {
		if got := rootUser(imagefacts.Config{User: tc.user, UID: tc.uid}); got != tc.want {
			t.Errorf("USER %q uid %d: root %v, want %v", tc.user, tc.uid, got, tc.want)
		}
	}
}

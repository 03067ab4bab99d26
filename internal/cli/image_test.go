package cli

import (
	"crypto/ecdsa"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/strata-sec/strata/internal/image/imagetest"
	"github.com/strata-sec/strata/internal/image/sign/signtest"
)

// imageReport is the part of the JSON report image tests read.
type imageReport struct {
	Findings []struct {
		CheckID string `json:"checkID"`
		Object  struct {
			Kind, Name string
		} `json:"object"`
		Message string `json:"message"`
	} `json:"findings"`
	Coverage []struct {
		CheckID string `json:"checkID"`
		Status  string `json:"status"`
		Reason  string `json:"reason"`
	} `json:"coverage"`
}

func parseImageReport(t *testing.T, out string) imageReport {
	t.Helper()
	var r imageReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, out)
	}
	return r
}

// findings counts the findings of each check on objects of kind.
func (r imageReport) findings(kind string) map[string]int {
	out := map[string]int{}
	for _, f := range r.Findings {
		if kind == "" || f.Object.Kind == kind {
			out[f.CheckID]++
		}
	}
	return out
}

func (r imageReport) status(id string) (string, string) {
	for _, c := range r.Coverage {
		if c.CheckID == id {
			return c.Status, c.Reason
		}
	}
	return "", ""
}

// isolate keeps the tests off the user's cache and vulnerability database.
func isolate(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
}

// vulnerableImage has a shell, curl, a setuid binary, no USER, and a Debian openssl version
// the OSV test records name.
func vulnerableImage(t *testing.T) v1.Image {
	return imagetest.Image(t, v1.Config{Cmd: []string{"/app"}}, imagetest.Layer(t, map[string]imagetest.File{
		"etc/os-release":       {Content: "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"},
		"bin/sh":               {Content: "sh", Mode: 0o755},
		"usr/bin/curl":         {Content: "curl", Mode: 0o755},
		"usr/bin/passwd":       {Content: "passwd", Mode: 0o4755},
		"var/lib/dpkg/status":  {Content: "Package: openssl\nStatus: install ok installed\nVersion: 3.0.11-1~deb12u1\n\n"},
		"app":                  {Content: "app", Mode: 0o755},
		"etc/passwd":           {Content: "root:x:0:0::/root:/bin/sh\n"},
		"usr/share/doc/README": {Content: "readme"},
	}))
}

// distrolessImage has one binary and a numeric non-root USER.
func distrolessImage(t *testing.T) v1.Image {
	return imagetest.Image(t, v1.Config{User: "10001", Entrypoint: []string{"/app"}}, imagetest.Layer(t, map[string]imagetest.File{
		"app":        {Content: "app", Mode: 0o755},
		"etc/passwd": {Content: "root:x:0:0::/root:/sbin/nologin\napp:x:10001:10001::/:/sbin/nologin\n"},
	}))
}

func push(t *testing.T, ref string, img v1.Image) v1.Hash {
	t.Helper()
	imagetest.Push(t, ref, img)
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func importTestDB(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "osv")
	if _, stderr, code := run(t, "", "db", "import", "../vulndb/osv/testdata/osv", "--db-dir", dir); code != 0 {
		t.Fatalf("db import: exit %d: %s", code, stderr)
	}
	return dir
}

func TestImageFindingsFromRegistry(t *testing.T) {
	isolate(t)
	host := imagetest.Registry(t)
	push(t, host+"/shop/vuln:1", vulnerableImage(t))
	push(t, host+"/shop/clean:1", distrolessImage(t))

	out, stderr, code := run(t, "", "image", "--no-cache", "--format", "json", host+"/shop/vuln:1", host+"/shop/clean:1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	r := parseImageReport(t, out)
	got := r.findings("Image")
	for _, id := range []string{"ST-0065", "ST-0067", "ST-0068"} {
		if got[id] == 0 {
			t.Errorf("no %s finding on the vulnerable image: %v", id, got)
		}
	}
	for _, f := range r.Findings {
		if f.Object.Name == host+"/shop/clean:1" {
			t.Errorf("finding on the distroless image: %+v", f)
		}
	}
	// Without a database the vulnerability check is not assessed, with the reason: never a pass.
	if st, reason := r.status("ST-0070"); st != "not-assessed" || reason == "" {
		t.Errorf("ST-0070 is %q (%q) without a database, want not-assessed with a reason", st, reason)
	}
	if !strings.Contains(stderr, "images: 2 analysed") || !strings.Contains(stderr, "no OSV database") {
		t.Errorf("stderr does not summarise the analysis and the missing database:\n%s", stderr)
	}

	db := importTestDB(t)
	out, stderr, code = run(t, "", "image", "--no-cache", "--db-dir", db, "--format", "json", "--fail-on", "critical", host+"/shop/vuln:1")
	if code != ExitFindings {
		t.Fatalf("exit %d with a critical vulnerability and --fail-on critical: %s", code, stderr)
	}
	r = parseImageReport(t, out)
	if r.findings("Image")["ST-0070"] == 0 || !strings.Contains(out, "STRATA-TEST-2024-0001") {
		t.Errorf("the vulnerable openssl is not reported with the database: %v", r.findings("Image"))
	}
}

func TestImageFactsOut(t *testing.T) {
	isolate(t)
	host := imagetest.Registry(t)
	d := push(t, host+"/shop/vuln:1", vulnerableImage(t))
	out, stderr, code := run(t, "", "image", "--no-cache", "--facts-out", "-", host+"/shop/vuln:1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var facts []struct {
		Kind     string `json:"kind"`
		Metadata struct{ Name string }
		Digest   string
		Source   string
	}
	if err := json.Unmarshal([]byte(out), &facts); err != nil {
		t.Fatalf("facts are not JSON: %v\n%s", err, out)
	}
	if len(facts) != 1 || facts[0].Kind != "Image" || facts[0].Metadata.Name != host+"/shop/vuln:1" || facts[0].Digest != d.String() || facts[0].Source != "registry" {
		t.Fatalf("facts = %+v", facts)
	}
}

func TestImageRequireSigned(t *testing.T) {
	isolate(t)
	host := imagetest.Registry(t)
	trusted, other := signtest.ECDSAKey(t), signtest.ECDSAKey(t)
	keyFile := signtest.WritePublicKey(t, trusted, "cosign.pub")
	sign := func(repo string, key *ecdsa.PrivateKey) string {
		ref := host + "/" + repo + ":1"
		d := push(t, ref, distrolessImage(t))
		if key != nil {
			r, err := name.ParseReference(ref)
			if err != nil {
				t.Fatal(err)
			}
			signtest.Sign(t, r, d, key)
		}
		return ref
	}
	good, none, bad := sign("shop/good", trusted), sign("shop/none", nil), sign("shop/bad", other)

	out, stderr, code := run(t, "", "image", "--no-cache", "--key", keyFile, "--require-signed", "--format", "json", good, none, bad)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	flagged := map[string]string{}
	for _, f := range parseImageReport(t, out).Findings {
		if f.CheckID == "ST-0072" {
			flagged[f.Object.Name] = f.Message
		}
	}
	if _, ok := flagged[good]; ok {
		t.Errorf("the image signed by the trusted key is flagged: %s", flagged[good])
	}
	if !strings.Contains(flagged[none], "unsigned") {
		t.Errorf("unsigned image: finding %q, want one saying unsigned", flagged[none])
	}
	if !strings.Contains(flagged[bad], "no signature verifies against a trusted key") {
		t.Errorf("image signed by an untrusted key: finding %q", flagged[bad])
	}

	_, stderr, code = run(t, "", "image", "--require-signed", good)
	if code != ExitUsage || !strings.Contains(stderr, "--require-signed needs at least one trusted key") {
		t.Errorf("--require-signed without a key: exit %d, %s", code, stderr)
	}
	_, stderr, code = run(t, "", "image", "--key", filepath.Join(t.TempDir(), "missing.pub"), good)
	if code != ExitUsage || !strings.Contains(stderr, "missing.pub") {
		t.Errorf("missing key file: exit %d, %s", code, stderr)
	}
}

func TestImageOfflineLayout(t *testing.T) {
	isolate(t)
	out, stderr, code := run(t, "", "image", "--no-cache", "--image-layout", "../../examples/images", "--format", "json",
		"shopco/web:latest", "registry.example.com/shop/web:2.14.1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	r := parseImageReport(t, out)
	byImage := map[string]int{}
	for _, f := range r.Findings {
		byImage[f.Object.Name]++
	}
	if byImage["shopco/web:latest"] < 5 || byImage["registry.example.com/shop/web:2.14.1"] != 0 {
		t.Errorf("findings per image = %v: want many on the vulnerable stand-in, none on the hardened one", byImage)
	}
}

func TestImageUnreachableRegistry(t *testing.T) {
	isolate(t)
	srv := imagetest.StartRegistry(t)
	srv.SetFailing(true)
	ref := srv.Host + "/shop/web:1"
	out, stderr, code := run(t, "", "image", "--no-cache", "--format", "json", ref)
	if code != ExitUsage {
		t.Fatalf("exit %d, want %d for an image that could not be analysed: %s", code, ExitUsage, stderr)
	}
	if !strings.Contains(stderr, "1 image(s) could not be analysed ("+ref+"); their checks are not assessed") {
		t.Errorf("stderr does not say which image failed:\n%s", stderr)
	}
	r := parseImageReport(t, out)
	if len(r.Findings) != 0 {
		t.Errorf("findings on an image never read: %+v", r.Findings)
	}
	for _, id := range []string{"ST-0065", "ST-0067"} {
		if st, reason := r.status(id); st != "not-assessed" || !strings.Contains(reason, ref) {
			t.Errorf("%s is %q (%q), want not-assessed naming the image", id, st, reason)
		}
	}
}

func TestImageUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for name, args := range map[string][]string{
		"no reference":     {"image"},
		"bad platform":     {"image", "--platform", "amd64", "x"},
		"not a layout":     {"image", "--image-layout", dir, "x"},
		"cache conflict":   {"image", "--no-cache", "--cache-dir", dir, "x"},
		"bad registry":     {"image", "--allowed-registry", "ghcr.io/acme:1", "x"},
		"bad fail-on":      {"image", "--fail-on", "severe", "x"},
		"sbom two refs":    {"sbom", "a", "b"},
		"scan key, no -im": {"scan", "--key", filepath.Join(dir, "k.pub"), "../../examples/vulnerable"},
	} {
		if _, stderr, code := run(t, "", args...); code != ExitUsage || stderr == "" {
			t.Errorf("%s: exit %d, stderr %q; want a usage error", name, code, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "index.json")); err == nil {
		t.Fatal("a usage error wrote a layout")
	}
}

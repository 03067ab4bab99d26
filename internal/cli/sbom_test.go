package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strata-sec/strata/internal/image/imagetest"
	"github.com/strata-sec/strata/internal/image/sbom/sbomtest"
)

func TestSBOMValidCycloneDX(t *testing.T) {
	isolate(t)
	host := imagetest.Registry(t)
	ref := host + "/shop/vuln:1"
	d := push(t, ref, vulnerableImage(t))
	out, stderr, code := run(t, "", "sbom", "--no-cache", ref)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	sbomtest.Validate(t, []byte(out))
	var bom struct {
		Metadata struct {
			Component struct{ Name, Version, Type string }
		}
		Components []struct{ Name, Version, Purl string }
	}
	if err := json.Unmarshal([]byte(out), &bom); err != nil {
		t.Fatal(err)
	}
	if c := bom.Metadata.Component; c.Name != ref || c.Version != d.String() || c.Type != "container" {
		t.Errorf("metadata.component = %+v", c)
	}
	found := false
	for _, c := range bom.Components {
		found = found || c.Name == "openssl" && c.Version == "3.0.11-1~deb12u1" && strings.HasPrefix(c.Purl, "pkg:deb/debian/openssl@")
	}
	if !found {
		t.Errorf("openssl is not a component: %+v", bom.Components)
	}

	file := filepath.Join(t.TempDir(), "bom.json")
	if _, stderr, code := run(t, "", "sbom", "--image-layout", "../../examples/images", "--no-cache", "-o", file, "postgres:16"); code != 0 {
		t.Fatalf("offline sbom: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sbomtest.Validate(t, data)
	if !strings.Contains(string(data), `"name": "postgresql-16"`) {
		t.Error("the offline SBOM lacks the image's packages")
	}
}

func TestSBOMOfUnreachableImageFails(t *testing.T) {
	isolate(t)
	srv := imagetest.StartRegistry(t)
	srv.SetFailing(true)
	file := filepath.Join(t.TempDir(), "bom.json")
	out, stderr, code := run(t, "", "sbom", "--no-cache", "-o", file, srv.Host+"/shop/web:1")
	if code != ExitUsage || !strings.Contains(stderr, "no SBOM: image "+srv.Host+"/shop/web:1") || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if _, err := os.Stat(file); err == nil {
		t.Error("an SBOM file was written for an image never read")
	}
}

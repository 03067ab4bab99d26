package sbom_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/strata-sec/strata/internal/golden"
	"github.com/strata-sec/strata/internal/image/sbom"
	"github.com/strata-sec/strata/internal/image/sbom/sbomtest"
	"github.com/strata-sec/strata/internal/imagefacts"
)

func facts() *imagefacts.Facts {
	f := &imagefacts.Facts{
		Reference: "registry.example.com/shop/web:2.14.1",
		Digest:    "sha256:ed0fbbf834e867d72e7c2f8dad0e8e08ceaa369e74e6d03e5224fd425ba65c21",
		Platform:  "linux/arm64/v8",
		Source:    "registry",
		Layers:    2,
		Config:    imagefacts.Config{User: "0", UID: 0},
		OS:        imagefacts.OS{ID: "debian", VersionID: "12", Codename: "bookworm"},
		Packages: []imagefacts.Package{
			{Ecosystem: "Debian", Distro: "12", Name: "openssl", Version: "3.0.11-1~deb12u1", Source: "openssl",
				Path: "/var/lib/dpkg/status", PURL: "pkg:deb/debian/openssl@3.0.11-1~deb12u1?distro=debian-12"},
			{Ecosystem: "Debian", Distro: "12", Name: "bash", Version: "5.2.15-2+b2",
				Path: "/var/lib/dpkg/status", PURL: "pkg:deb/debian/bash@5.2.15-2%2Bb2?distro=debian-12"},
			{Ecosystem: "Go", Name: "golang.org/x/net", Version: "v0.17.0", Path: "/app/server",
				PURL: "pkg:golang/golang.org/x/net@v0.17.0"},
			// The same module in two binaries: two components with distinct bom-refs.
			{Ecosystem: "Go", Name: "golang.org/x/net", Version: "v0.17.0", Path: "/app/worker",
				PURL: "pkg:golang/golang.org/x/net@v0.17.0"},
			{Ecosystem: "Alpine", Name: "no-purl", Version: "1.0-r0", Path: "/lib/apk/db/installed"},
		},
		PackageErrors: []string{"/var/lib/rpm/rpmdb.sqlite: truncated"},
	}
	f.Name = f.Reference
	return f
}

var fixed = sbom.Options{ToolVersion: "v0.0.0-test", Now: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
	Serial: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"}

func encode(t *testing.T, f *imagefacts.Facts, opts sbom.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := sbom.Encode(&buf, f, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestEncodeGolden(t *testing.T) {
	golden.Compare(t, "testdata/web.cdx.json.golden", encode(t, facts(), fixed))
}

func TestValidatesAgainstSchema(t *testing.T) {
	sch := sbomtest.Schema(t)
	minimal := &imagefacts.Facts{Reference: "alpine", Source: "oci-layout"}
	minimal.Name = minimal.Reference
	for name, f := range map[string]*imagefacts.Facts{"full": facts(), "no digest, no packages": minimal} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := sbom.Write(&buf, f); err != nil {
				t.Fatal(err)
			}
			if err := sbomtest.Check(sch, buf.Bytes()); err != nil {
				t.Fatalf("not valid CycloneDX 1.6: %v\n%s", err, buf.Bytes())
			}
		})
	}
}

// TestSchemaRejectsInvalid proves the validation can fail: an unknown component type and a
// malformed serial number are refused.
func TestSchemaRejectsInvalid(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(encode(t, facts(), fixed), &doc); err != nil {
		t.Fatal(err)
	}
	doc["serialNumber"] = "not-a-urn"
	doc["components"].([]any)[0].(map[string]any)["type"] = "package"
	data, _ := json.Marshal(doc)
	if err := sbomtest.Check(sbomtest.Schema(t), data); err == nil {
		t.Fatal("schema accepted a bad serial number and an unknown component type")
	}
}

func TestWriteDefaults(t *testing.T) {
	var a, b bytes.Buffer
	if err := sbom.Write(&a, facts()); err != nil {
		t.Fatal(err)
	}
	if err := sbom.Write(&b, facts()); err != nil {
		t.Fatal(err)
	}
	var da, db struct {
		SerialNumber string `json:"serialNumber"`
		SpecVersion  string `json:"specVersion"`
		Metadata     struct {
			Timestamp string `json:"timestamp"`
			Component struct {
				Type, Version, Purl string
			} `json:"component"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(a.Bytes(), &da); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b.Bytes(), &db); err != nil {
		t.Fatal(err)
	}
	uuid := regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !uuid.MatchString(da.SerialNumber) || da.SerialNumber == db.SerialNumber {
		t.Errorf("serial numbers %q and %q: want distinct random urn:uuid", da.SerialNumber, db.SerialNumber)
	}
	if _, err := time.Parse(time.RFC3339, da.Metadata.Timestamp); err != nil {
		t.Errorf("timestamp %q: %v", da.Metadata.Timestamp, err)
	}
	c := da.Metadata.Component
	if da.SpecVersion != "1.6" || c.Type != "container" || c.Version != facts().Digest ||
		c.Purl != "pkg:oci/web@sha256%3Aed0fbbf834e867d72e7c2f8dad0e8e08ceaa369e74e6d03e5224fd425ba65c21?arch=arm64&repository_url=registry.example.com%2Fshop%2Fweb&tag=2.14.1" {
		t.Errorf("spec %s, image component %+v", da.SpecVersion, c)
	}
}

func TestPURLOfDigestReference(t *testing.T) {
	f := facts()
	f.Reference = "nginx:1.27@" + f.Digest
	f.Platform = ""
	var buf bytes.Buffer
	if err := sbom.Encode(&buf, f, fixed); err != nil {
		t.Fatal(err)
	}
	want := `"purl": "pkg:oci/nginx@sha256%3Aed0fbbf834e867d72e7c2f8dad0e8e08ceaa369e74e6d03e5224fd425ba65c21?repository_url=index.docker.io%2Flibrary%2Fnginx&tag=1.27"`
	if !strings.Contains(buf.String(), want) {
		t.Errorf("want %s in\n%s", want, buf.String())
	}
}

func TestUnanalysedImageHasNoSBOM(t *testing.T) {
	f := &imagefacts.Facts{Reference: "registry.example.com/gone:1", Error: "fetch: connection refused"}
	err := sbom.Write(&bytes.Buffer{}, f)
	if err == nil || !strings.Contains(err.Error(), "registry.example.com/gone:1 was not analysed: fetch: connection refused") {
		t.Fatalf("err = %v", err)
	}
	if err := sbom.Write(&bytes.Buffer{}, nil); err == nil {
		t.Fatal("nil facts encoded")
	}
}

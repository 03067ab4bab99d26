package manifest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/imagefacts"
)

func sampleImageFacts() *imagefacts.Facts {
	return &imagefacts.Facts{
		TypeMeta:      metav1.TypeMeta{APIVersion: imagefacts.APIVersion, Kind: imagefacts.KindName},
		ObjectMeta:    metav1.ObjectMeta{Name: "ghcr.io/acme/web:1.2"},
		SchemaVersion: imagefacts.SchemaVersion,
		Reference:     "ghcr.io/acme/web:1.2",
		Digest:        "sha256:" + strings.Repeat("ab", 32),
		Platform:      "linux/amd64",
		Source:        "registry",
		AnalyzedAt:    metav1.NewTime(time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)),
		Config: imagefacts.Config{
			User: "", UID: 0, ExposedPorts: []string{"8080/tcp"}, Entrypoint: []string{"/app"},
			EnvNames: []string{"PATH", "DB_PASSWORD"}, CredentialEnv: []string{"DB_PASSWORD"},
			Labels: map[string]string{"org.opencontainers.image.source": "https://example.com/web"},
		},
		Size: 123456, Layers: 3,
		Files: []imagefacts.File{
			{Path: "/bin/sh", Category: imagefacts.FileShell, Name: "sh", Mode: "0755", Layer: 0},
			{Path: "/usr/bin/passwd", Category: imagefacts.FileSetuid, Name: "passwd", Mode: "4755", Layer: 0},
		},
		OS: imagefacts.OS{ID: "debian", VersionID: "12", Codename: "bookworm"},
		Packages: []imagefacts.Package{{Ecosystem: imagefacts.EcosystemDebian, Distro: "12", Name: "openssl",
			Version: "3.0.11-1", Source: "openssl", Path: "/var/lib/dpkg/status"}},
		PackageErrors: []string{"/var/lib/rpm/rpmdb.sqlite: truncated"},
		Vulnerabilities: []imagefacts.Vulnerability{{ID: "CVE-2024-0001", Aliases: []string{"DSA-1"}, Package: "openssl",
			Ecosystem: "Debian:12", Installed: "3.0.11-1", Fixed: "3.0.13-1", Severity: "high", CVSS: 7.5}},
		VulnDB:    &imagefacts.VulnDB{Name: "osv", Date: metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), Records: 10},
		Signature: &imagefacts.Signature{Verified: false, Signatures: 1, Problem: "bad signature"},
	}
}

// TestImageFactsRoundTrip writes facts as YAML and as JSON, as an analysis saves them, and
// reads them back through the manifest decoder: the typed object must come back unchanged,
// with the line of each field.
func TestImageFactsRoundTrip(t *testing.T) {
	want := sampleImageFacts()
	js, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	ys, err := yaml.JSONToYAML(js)
	if err != nil {
		t.Fatal(err)
	}
	for name, input := range map[string]string{"yaml": string(ys), "json": string(js)} {
		t.Run(name, func(t *testing.T) {
			objs, errs := decodeBoth(t, "image.yaml", input, Options{})
			if len(errs) > 0 || len(objs) != 1 {
				t.Fatalf("decoded %d objects, errors %v", len(objs), errs)
			}
			o := objs[0]
			got, ok := o.Obj.(*imagefacts.Facts)
			if !ok {
				t.Fatalf("decoded as %T, want *imagefacts.Facts", o.Obj)
			}
			back, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if string(back) != string(js) {
				t.Errorf("round trip changed the facts:\nwant %s\ngot  %s", js, back)
			}
			wantRef := check.Ref{APIVersion: imagefacts.APIVersion, Kind: "Image", Name: "ghcr.io/acme/web:1.2"}
			if o.Ref != wantRef || o.Ref.GroupKind() != imagefacts.Kind {
				t.Errorf("ref %+v, want %+v", o.Ref, wantRef)
			}
			if name == "yaml" {
				if got, want := o.LocationOf("/files/1").Line, lineOf(t, input, "- category: setuid"); got != want {
					t.Errorf("files[1] at line %d, want %d", got, want)
				}
				if got, want := o.LocationOf("/config/credentialEnv/0").Line, lineOf(t, input, "credentialEnv:")+1; got != want {
					t.Errorf("config.credentialEnv[0] at line %d, want %d", got, want)
				}
			}
		})
	}
}

// TestImageFactsOtherVersion: an Image of strata.dev in a version this build cannot read is an
// error at the document, never an object the image checks would silently skip. An Image kind
// of another group is someone else's and stays Unstructured.
func TestImageFactsOtherVersion(t *testing.T) {
	input := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n" +
		"apiVersion: strata.dev/v1beta9\nkind: Image\nmetadata: {name: nginx}\nreference: nginx\n---\n" +
		"apiVersion: example.com/v1\nkind: Image\nmetadata: {name: other}\n"
	objs, errs := decodeBoth(t, "image.yaml", input, Options{})
	if len(errs) != 1 {
		t.Fatalf("errors %v, want one", errs)
	}
	want := "strata.dev/v1beta9 Image is not supported: this strata reads strata.dev/v1alpha1 Image"
	if e := errs[0]; e.File != "image.yaml" || e.Line != 5 || !strings.Contains(e.Message, want) {
		t.Errorf("error %+v, want line 5 and %q", e, want)
	}
	if len(objs) != 2 || objs[0].Ref.Kind != "ConfigMap" || objs[1].Ref.APIVersion != "example.com/v1" {
		t.Fatalf("objects %v", objs)
	}
	if _, typed := objs[1].Obj.(*imagefacts.Facts); typed {
		t.Error("an Image of another group decoded as strata image facts")
	}
}

// TestImageFactsBadField: a field of the wrong type is an error at its line.
func TestImageFactsBadField(t *testing.T) {
	input := "apiVersion: strata.dev/v1alpha1\nkind: Image\nmetadata:\n  name: nginx\nconfig:\n  uid: \"zero\"\n"
	_, errs := decodeBoth(t, "image.yaml", input, Options{})
	if len(errs) != 1 || errs[0].Line != 6 || !strings.Contains(errs[0].Message, "cannot decode strata.dev/v1alpha1 Image") {
		t.Fatalf("errors %+v, want one at line 6", errs)
	}
}

// FuzzDecodeImageFacts feeds mutated image facts documents to the decoder: no panic, every
// error names its file and line, and typed facts always carry their name and kind.
func FuzzDecodeImageFacts(f *testing.F) {
	js, err := json.Marshal(sampleImageFacts())
	if err != nil {
		f.Fatal(err)
	}
	ys, err := yaml.JSONToYAML(js)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{string(js), string(ys),
		"apiVersion: strata.dev/v1alpha1\nkind: Image\nfiles: [{path: 3}]\n",
		"apiVersion: strata.dev/v1\nkind: Image\n",
		"apiVersion: strata.dev/v1alpha1\nkind: Image\nvulnerabilities: &v [*v]\n",
	} {
		f.Add([]byte(s))
	}
	opts := Options{MaxAliasNodes: 5000, MaxDocuments: 50}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		objs, errs := Decode("fuzz.yaml", data, opts)
		for _, e := range errs {
			if e.File != "fuzz.yaml" || e.Line < 0 || e.Message == "" || strings.Contains(e.Message, "internal error") {
				t.Fatalf("bad error %+v", e)
			}
		}
		for _, o := range objs {
			if f, ok := o.Obj.(*imagefacts.Facts); ok && (o.Ref.Kind != imagefacts.KindName || o.Ref.APIVersion != imagefacts.APIVersion || o.Ref.Name != f.Name) {
				t.Fatalf("image facts with ref %+v", o.Ref)
			}
		}
	})
}

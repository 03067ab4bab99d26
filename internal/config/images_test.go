package config

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/strata-sec/strata/internal/check"
)

func TestParseImages(t *testing.T) {
	cfg, err := Parse(filepath.Join("conf", "strata.yaml"), []byte(`apiVersion: strata.dev/v1alpha1
kind: Config
images:
  allowedRegistries:
  - registry.example.com
  - ghcr.io/acme
  - localhost:5000/team/app
  requireSigned: true
  keys: [keys/cosign.pub, /etc/strata/release.pub]
  layout: oci
`))
	if err != nil {
		t.Fatal(err)
	}
	im := cfg.Images
	want := check.ImagePolicy{AllowedRegistries: []string{"registry.example.com", "ghcr.io/acme", "localhost:5000/team/app"}, RequireSigned: true}
	if got := im.Policy(); !reflect.DeepEqual(got, want) {
		t.Errorf("policy %+v, want %+v", got, want)
	}
	if want := []string{filepath.Join("conf", "keys", "cosign.pub"), "/etc/strata/release.pub"}; !reflect.DeepEqual(im.Keys, want) {
		t.Errorf("keys %v, want %v", im.Keys, want)
	}
	if im.Layout != filepath.Join("conf", "oci") {
		t.Errorf("layout %q", im.Layout)
	}
}

func TestParseNoImages(t *testing.T) {
	cfg, err := Parse("strata.yaml", []byte("apiVersion: strata.dev/v1alpha1\nkind: Config\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p := cfg.Images.Policy(); len(p.AllowedRegistries) != 0 || p.RequireSigned {
		t.Errorf("policy without an images section: %+v", p)
	}
}

func TestParseImagesErrors(t *testing.T) {
	head := "apiVersion: strata.dev/v1alpha1\nkind: Config\nimages:\n"
	for name, tc := range map[string]struct{ doc, want string }{
		"scheme":       {head + "  allowedRegistries:\n  - ok.example.com\n  - https://registry.example.com\n", "strata.yaml:6: images: allowedRegistries entry \"https://registry.example.com\": write the host without a scheme"},
		"tag":          {head + "  allowedRegistries: [ghcr.io/acme/app:1.0]\n", "strata.yaml:4: images: allowedRegistries entry \"ghcr.io/acme/app:1.0\": path segment \"app:1.0\""},
		"digest":       {head + "  allowedRegistries: [ghcr.io/acme@sha256:00]\n", "names no digest"},
		"trailing":     {head + "  allowedRegistries: [ghcr.io/acme/]\n", "empty path segment"},
		"bad host":     {head + "  allowedRegistries: [\"bad host\"]\n", `"bad host" is not a registry host`},
		"empty":        {head + "  allowedRegistries: [\"\"]\n", `"" is not a registry host`},
		"port":         {head + "  allowedRegistries: [\"r.example.com:99999\"]\n", `port "99999" is out of range`},
		"upper path":   {head + "  allowedRegistries: [ghcr.io/Acme]\n", `path segment "Acme"`},
		"empty key":    {head + "  keys:\n  - a.pub\n  - \"\"\n", "strata.yaml:6: images: keys entry 2 is empty"},
		"unknown":      {head + "  requireSigend: true\n", "field requireSigend not found"},
		"wrong type":   {head + "  requireSigned: maybe\n", "cannot unmarshal"},
		"not a list":   {head + "  keys: a.pub\n", "cannot unmarshal"},
		"too many":     {head + "  allowedRegistries: [" + strings.Repeat("a.io,", maxAllowedRegistries) + "a.io]\n", "strata.yaml:4: images: allowedRegistries has 1001 entries"},
		"two problems": {head + "  allowedRegistries: [a.io/, b.io/]\n", "strata.yaml:4: images: allowedRegistries entry \"b.io/\""},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("strata.yaml", []byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

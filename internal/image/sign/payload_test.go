package sign_test

import (
	"encoding/json"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/strata-sec/strata/internal/image/sign"
)

const testDigest = "sha256:ed0fbbf834e867d72e7c2f8dad0e8e08ceaa369e74e6d03e5224fd425ba65c21"

func TestDecodePayload(t *testing.T) {
	h, err := v1.NewHash(testDigest)
	if err != nil {
		t.Fatal(err)
	}
	good, err := json.Marshal(sign.NewPayload("registry.example.com/shop/web", h))
	if err != nil {
		t.Fatal(err)
	}
	p, got, err := sign.DecodePayload(good)
	if err != nil || got != h || p.Critical.Identity.DockerReference != "registry.example.com/shop/web" {
		t.Fatalf("DecodePayload(good) = %+v, %v, %v", p, got, err)
	}
	bad := map[string]string{
		"not json":     "hello",
		"trailing":     string(good) + "{}",
		"wrong type":   strings.Replace(string(good), sign.PayloadType, "atomic container signature", 1),
		"no reference": strings.Replace(string(good), "registry.example.com/shop/web", "", 1),
		"bad digest":   strings.Replace(string(good), testDigest, "sha256:abc", 1),
		"too large":    string(good) + strings.Repeat(" ", sign.MaxPayloadBytes),
	}
	for name, data := range bad {
		if _, _, err := sign.DecodePayload([]byte(data)); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

func FuzzDecodePayload(f *testing.F) {
	f.Add([]byte(`{"critical":{"identity":{"docker-reference":"r/x"},"image":{"docker-manifest-digest":"` + testDigest + `"},"type":"cosign container image signature"},"optional":{"a":"b"}}`))
	f.Add([]byte(`{"critical":{"image":{"docker-manifest-digest":"sha256:"}}}`))
	f.Add([]byte(`[[[[[[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, h, err := sign.DecodePayload(data)
		if err != nil {
			return
		}
		if p.Critical.Type != sign.PayloadType || h.String() != p.Critical.Image.DockerManifestDigest {
			t.Fatalf("accepted an inconsistent payload: %+v %v", p, h)
		}
	})
}

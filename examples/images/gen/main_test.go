package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// committed is the layout in the repository, beside this generator.
const committed = ".."

// TestLayoutUpToDate regenerates the layout and compares it with the committed one: a change
// to the generator without `go generate ./examples/images` fails here.
func TestLayoutUpToDate(t *testing.T) {
	dir := t.TempDir()
	if err := generate(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"index.json", "oci-layout"} {
		want, err := os.ReadFile(filepath.Join(committed, f))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want, got) {
			t.Errorf("examples/images/%s is stale: run go generate ./examples/images", f)
		}
	}
	if want, got := blobs(t, committed), blobs(t, dir); !slices.Equal(want, got) {
		t.Errorf("examples/images/blobs is stale (committed %d blobs, generated %d): run go generate ./examples/images", len(want), len(got))
	}
}

// TestBlobsMatchDigests checks every committed blob against its name, so a hand-edited or
// corrupted blob is caught.
func TestBlobsMatchDigests(t *testing.T) {
	for _, name := range blobs(t, committed) {
		data, err := os.ReadFile(filepath.Join(committed, "blobs", "sha256", name))
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != name {
			t.Errorf("blob %s does not match its digest", name)
		}
	}
}

// TestEveryExampleImageIsInLayout keeps the examples and the layout in step: each image the
// example manifests name, as written, is an image of the layout.
func TestEveryExampleImageIsInLayout(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(committed, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var idx struct {
		Manifests []struct {
			Annotations map[string]string `json:"annotations"`
		} `json:"manifests"`
	}
	if err := json.Unmarshal(data, &idx); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, m := range idx.Manifests {
		names[m.Annotations["org.opencontainers.image.ref.name"]] = true
	}
	imageLine := regexp.MustCompile(`(?m)^\s*(?:-\s+)?image:\s*["']?([^\s"']+)`)
	files, err := filepath.Glob(filepath.Join(committed, "..", "*", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, f := range files {
		if d := filepath.Base(filepath.Dir(f)); d != "vulnerable" && d != "hardened" {
			continue
		}
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range imageLine.FindAllStringSubmatch(string(body), -1) {
			seen++
			if !names[m[1]] {
				t.Errorf("%s: image %s is not in examples/images (add it to gen/images.go, or update the digest, then go generate ./examples/images)", f, m[1])
			}
		}
	}
	if seen < 10 {
		t.Fatalf("found only %d image references in the examples: the pattern no longer matches them", seen)
	}
}

func blobs(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, "blobs", "sha256"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

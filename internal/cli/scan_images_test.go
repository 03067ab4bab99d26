package cli

import (
	"strings"
	"testing"

	"github.com/strata-sec/strata/internal/image/imagetest"
)

func TestScanImagesOfflineExamples(t *testing.T) {
	isolate(t)
	out, stderr, code := run(t, "", "scan", "--images", "--no-cache", "--image-layout", "../../examples/images", "--format", "json", "../../examples/vulnerable")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	r := parseImageReport(t, out)
	img := r.findings("Image")
	for _, id := range []string{"ST-0065", "ST-0066", "ST-0067", "ST-0068", "ST-0069"} {
		if img[id] == 0 {
			t.Errorf("no %s finding on the example images: %v", id, img)
		}
	}
	if r.findings("")["ST-0064"] == 0 || r.findings("Pod")["ST-0002"] == 0 {
		t.Errorf("image findings do not appear next to workload ones: %v", r.findings(""))
	}
	if !strings.Contains(stderr, "images: 6 analysed (6 digests, 0 from cache), 0 failed") {
		t.Errorf("stderr summary:\n%s", stderr)
	}

	out, stderr, code = run(t, "", "scan", "--images", "--no-cache", "--image-layout", "../../examples/images", "--format", "json", "../../examples/hardened")
	if code != 0 {
		t.Fatalf("hardened: exit %d: %s", code, stderr)
	}
	if got := parseImageReport(t, out).findings("Image"); len(got) != 0 {
		t.Errorf("findings on the hardened images: %v", got)
	}
}

func TestScanImagesUnreachableRegistry(t *testing.T) {
	isolate(t)
	srv := imagetest.StartRegistry(t)
	push(t, srv.Host+"/shop/web:1", vulnerableImage(t))
	dir := t.TempDir()
	writeFile(t, dir, "pods.yaml", `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
  - {name: web, image: `+srv.Host+`/shop/web:1}
  - {name: side, image: `+srv.Host+`/shop/web:1}
---
apiVersion: v1
kind: Pod
metadata: {name: gone, namespace: shop}
spec:
  containers:
  - {name: gone, image: `+srv.Host+`/shop/gone:1}
`)
	out, stderr, code := run(t, "", "scan", "--images", "--no-cache", "--format", "json", dir)
	if code != ExitUsage {
		t.Fatalf("exit %d, want %d for an image not analysed: %s", code, ExitUsage, stderr)
	}
	if !strings.Contains(stderr, "images: 1 analysed (1 digests, 0 from cache), 1 failed") {
		t.Errorf("stderr summary:\n%s", stderr)
	}
	r := parseImageReport(t, out)
	if r.findings("Image")["ST-0065"] != 1 {
		t.Errorf("the image used twice is not analysed once and reported once: %v", r.findings("Image"))
	}
	if !strings.Contains(out, "image "+srv.Host+"/shop/gone:1 not analysed, its checks not assessed") {
		t.Errorf("the failed image is not an input error of the report:\n%s", out)
	}
}

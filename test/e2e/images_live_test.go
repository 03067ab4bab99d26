package e2e

import (
	"context"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/strata-sec/strata/internal/image/imagetest"
	"github.com/strata-sec/strata/test/cluster"
)

// TestScanImagesLiveRunningDigest moves a tag from one image to another after a pod started,
// so the tag no longer names what the pod runs: a live scan must analyse the digest the pod's
// status reports (in both imageID forms runtimes write), keep the reference the workload
// writes as the Image's name, and fall back to the tag when no pod reports a manifest digest.
// v1 has a shell and USER root, v2 neither, so the findings tell which one was analysed.
func TestScanImagesLiveRunningDigest(t *testing.T) {
	c := cluster.Get(t)
	isolateImageData(t)
	ctx := t.Context()
	admin := kubernetes.NewForConfigOrDie(c.AdminConfig())
	ns := uniqueNamespace(t, c, "e2e-images")

	host := imagetest.Registry(t)
	v1img, v2img := shellRootImage(t), distrolessNonRootImage(t)
	v1digest, v2digest := digestOf(t, v1img), digestOf(t, v2img)
	v1config, err := v1img.ConfigName()
	if err != nil {
		t.Fatal(err)
	}
	// Each repository gets v1 and then v2 under the same tag, as a re-push would.
	for _, repo := range []string{"app", "api", "web", "local"} {
		ref := host + "/" + repo + ":1.0"
		imagetest.Push(t, ref, v1img)
		imagetest.Push(t, ref, v2img)
		if got := tagDigest(t, ref); got != v2digest {
			t.Fatalf("%s resolves to %s after the second push, want v2 %s", ref, got, v2digest)
		}
	}

	// app: status imageID "repo@sha256:..." (containerd); api: "docker-pullable://repo@..."
	// (dockershim and cri-dockerd); local: a bare config digest, the local image ID some
	// runtimes report, which is no manifest digest and must be ignored.
	running := map[string]string{
		"app":   host + "/app@" + v1digest.String(),
		"api":   "docker-pullable://" + host + "/api@" + v1digest.String(),
		"local": v1config.String(),
	}
	for repo, imageID := range running {
		createPodRunning(ctx, t, admin, ns, repo, host+"/"+repo+":1.0", imageID)
	}
	// web: a Deployment and no pods (no controller manager here), so nothing reports a digest.
	deploy := deploymentOf(ns, "web", corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: host + "/web:1.0"}}})
	if _, err := admin.AppsV1().Deployments(ns).Create(ctx, deploy, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	r := strata(t, 2*time.Minute, "scan", "--cluster", "--kubeconfig", c.AdminKubeconfig(), "-n", ns,
		"--images", "--insecure-registry", "--no-cache", "--format", "json")
	t.Logf("scan took %s", r.took.Round(time.Millisecond))
	if r.code != 0 {
		t.Fatalf("want exit 0: %s", r)
	}
	rep := parseReport(t, r)
	if !strings.Contains(r.stderr, "images: 4 analysed") || !strings.Contains(r.stderr, ", 0 failed") {
		t.Errorf("stderr does not account for the four images:\n%s", r.stderr)
	}
	if len(rep.Errors) != 0 {
		t.Errorf("input errors: %+v", rep.Errors)
	}

	shell := map[string]bool{}
	for _, f := range rep.Findings {
		if f.CheckID == "ST-0065" && f.Object.Kind == "Image" {
			shell[f.Object.Name] = true
		}
	}
	for repo, want := range map[string]bool{"app": true, "api": true, "web": false, "local": false} {
		img := host + "/" + repo + ":1.0"
		switch {
		case want && !shell[img]:
			t.Errorf("no ST-0065 (shell) on Image %s: it was not analysed at v1 %s, the digest its pod's status reports", img, v1digest)
		case !want && shell[img]:
			t.Errorf("ST-0065 (shell) on Image %s: it was analysed at v1, not at v2 %s, which its tag names now", img, v2digest)
		}
	}
	for _, f := range rep.Findings {
		if f.Object.Kind == "Image" && !strings.HasSuffix(f.Object.Name, ":1.0") {
			t.Errorf("an Image is not named by the reference the workload writes: %s", f.key())
		}
	}
	// Every Image was judged, the two at v1 failed: no Image was dropped or skipped.
	for _, cov := range rep.Coverage {
		if cov.CheckID == "ST-0065" && (cov.Status != "fail" || cov.Evaluated != 4 || cov.Failed != 2) {
			t.Errorf("ST-0065 coverage %+v, want fail with 4 evaluated and 2 failed", cov)
		}
	}

	// The image's USER joins the workload: the pods run v1 as root, the Deployment's pods
	// would run v2 as 65532.
	var asRoot []string
	for _, f := range rep.Findings {
		if f.CheckID == "ST-0064" {
			asRoot = append(asRoot, f.Object.key().String())
		}
	}
	for _, repo := range []string{"app", "api"} {
		if !hasFinding(rep, "ST-0064", objectKey{"Pod", ns, repo}) {
			t.Errorf("no ST-0064 on Pod %s/%s, which runs v1 (USER root); ST-0064 findings: %v", ns, repo, asRoot)
		}
	}
	for _, obj := range []objectKey{{"Pod", ns, "local"}, {"Deployment", ns, "web"}} {
		if hasFinding(rep, "ST-0064", obj) {
			t.Errorf("ST-0064 on %s, whose image tag names v2 (USER 65532)", obj)
		}
	}
}

// TestScanImagesLiveUnreachable names an image on a registry nobody listens on: the live scan
// must still report, exit 2, say which image and why, and leave the image checks not assessed.
func TestScanImagesLiveUnreachable(t *testing.T) {
	c := cluster.Get(t)
	isolateImageData(t)
	ctx := t.Context()
	admin := kubernetes.NewForConfigOrDie(c.AdminConfig())
	ns := uniqueNamespace(t, c, "e2e-images-gone")

	ref := closedAddr(t) + "/shop/gone:1"
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "gone", Namespace: ns},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "gone", Image: ref}}},
	}
	if _, err := admin.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	r := strata(t, 2*time.Minute, "scan", "--cluster", "--kubeconfig", c.AdminKubeconfig(), "-n", ns,
		"--images", "--insecure-registry", "--no-cache", "--format", "json")
	t.Logf("scan took %s", r.took.Round(time.Millisecond))
	if r.code != 2 {
		t.Fatalf("want exit 2 for an image that could not be analysed: %s", r)
	}
	if !strings.Contains(r.stderr, "images: 0 analysed") || !strings.Contains(r.stderr, ", 1 failed") {
		t.Errorf("stderr summary does not count the failed image:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "1 image(s) could not be analysed ("+ref+"); their checks are not assessed") {
		t.Errorf("stderr does not name the image that could not be analysed:\n%s", r.stderr)
	}
	rep := parseReport(t, r)
	found := false
	for _, e := range rep.Errors {
		if strings.Contains(e.Message, "image "+ref+" not analysed, its checks not assessed") && strings.Contains(e.Message, "connection refused") {
			found = true
		}
	}
	if !found {
		t.Errorf("the report's errors do not name the image and the refused connection: %+v", rep.Errors)
	}
	imageChecks := []string{"ST-0064", "ST-0065", "ST-0066", "ST-0067", "ST-0068", "ST-0069"}
	for _, f := range rep.Findings {
		if f.Object.Kind == "Image" || slices.Contains(imageChecks, f.CheckID) {
			t.Errorf("a finding from an image never read: %s", f.key())
		}
	}
	for _, id := range imageChecks {
		cov := coverageFor(rep, id)
		if cov == nil || cov.Status != "not-assessed" || !strings.Contains(cov.Reason, ref) {
			t.Errorf("%s coverage %+v, want not-assessed naming %s", id, cov, ref)
		}
	}
}

// isolateImageData keeps the scans off the user's image cache and vulnerability database.
func isolateImageData(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
}

// uniqueNamespace creates a namespace named prefix plus a suffix, so -count=N runs against
// the one shared cluster do not collide.
func uniqueNamespace(t *testing.T, c *cluster.Cluster, prefix string) string {
	t.Helper()
	ns := prefix + "-" + strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	if _, err := c.CreateNamespace(t.Context(), ns, nil); err != nil {
		t.Fatal(err)
	}
	return ns
}

// shellRootImage is "v1": a shell, and USER root.
func shellRootImage(t *testing.T) v1.Image {
	return imagetest.Image(t, v1.Config{User: "root", Cmd: []string{"/app"}}, imagetest.Layer(t, map[string]imagetest.File{
		"bin/sh":     {Content: "sh", Mode: 0o755},
		"app":        {Content: "app v1", Mode: 0o755},
		"etc/passwd": {Content: "root:x:0:0::/root:/bin/sh\n"},
	}))
}

// distrolessNonRootImage is "v2": one binary, no shell, numeric non-root USER.
func distrolessNonRootImage(t *testing.T) v1.Image {
	return imagetest.Image(t, v1.Config{User: "65532", Entrypoint: []string{"/app"}}, imagetest.Layer(t, map[string]imagetest.File{
		"app":        {Content: "app v2", Mode: 0o755},
		"etc/passwd": {Content: "root:x:0:0::/root:/sbin/nologin\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n"},
	}))
}

func digestOf(t *testing.T, img v1.Image) v1.Hash {
	t.Helper()
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// tagDigest is the manifest digest the registry serves for ref now.
func tagDigest(t *testing.T, ref string) v1.Hash {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	desc, err := remote.Head(r, remote.WithContext(t.Context()))
	if err != nil {
		t.Fatalf("HEAD %s: %v", ref, err)
	}
	return desc.Digest
}

// createPodRunning creates pod name running image, and writes the status a kubelet would:
// the container running, with imageID as the runtime reports what it pulled.
func createPodRunning(ctx context.Context, t *testing.T, cs kubernetes.Interface, ns, name, image, imageID string) {
	t.Helper()
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: name, Image: image}}},
	}
	created, err := cs.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	started := metav1.NewTime(time.Now().Truncate(time.Second))
	created.Status = corev1.PodStatus{
		Phase: corev1.PodRunning,
		ContainerStatuses: []corev1.ContainerStatus{{
			Name:    name,
			Image:   image,
			ImageID: imageID,
			Ready:   true,
			Started: ptr.To(true),
			State:   corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: started}},
		}},
	}
	updated, err := cs.CoreV1().Pods(ns).UpdateStatus(ctx, created, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("writing the status of pod %s/%s: %v", ns, name, err)
	}
	if got := updated.Status.ContainerStatuses; len(got) != 1 || got[0].ImageID != imageID {
		t.Fatalf("pod %s/%s status after update: %+v", ns, name, got)
	}
}

// closedAddr is a loopback host:port nothing listens on: a listener's port, closed.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

func coverageFor(rep *report, id string) *coverage {
	for i := range rep.Coverage {
		if rep.Coverage[i].CheckID == id {
			return &rep.Coverage[i]
		}
	}
	return nil
}

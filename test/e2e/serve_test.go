package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/strata-sec/strata/internal/cli"
	"github.com/strata-sec/strata/internal/server/browsertest"
	"github.com/strata-sec/strata/test/cluster"
)

var serveListening = regexp.MustCompile(`listening on (http://127\.0\.0\.1:[0-9]+)`)

// TestServeDashboardLive runs strata serve in-process against the real API server, opens its
// dashboard in headless Chromium, and watches a privileged Deployment created through client-go
// appear in the page without a reload, then disappear when it is deleted.
func TestServeDashboardLive(t *testing.T) {
	c := cluster.Get(t)
	const ns = "e2e-serve"
	if _, err := c.CreateNamespace(t.Context(), ns, nil); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	const token = "e2e-serve-token-0123456789abcdef"
	tokens := filepath.Join(dir, "tokens")
	if err := os.WriteFile(tokens, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errOut := &syncBuffer{}, &syncBuffer{}
	exited := make(chan int, 1)
	go func() {
		exited <- cli.Execute(ctx, "strata", []string{"serve", "--kubeconfig", c.AdminKubeconfig(), "-n", ns,
			"--listen", "127.0.0.1:0", "--token-file", tokens, "--ledger", "sqlite:" + filepath.Join(dir, "ledger.db"), "--coalesce", "10ms"},
			cli.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut})
	}()
	var base string
	if !waitFor(nil, 30*time.Second, func() bool {
		m := serveListening.FindStringSubmatch(out.String())
		if m != nil {
			base = m[1]
		}
		return m != nil
	}) {
		t.Fatalf("serve never listened:\n%s", errOut.String())
	}
	if !waitFor(nil, 60*time.Second, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}) {
		t.Fatalf("serve never became ready:\n%s", errOut.String())
	}

	bctx := browsertest.Chromium(t)
	const wait = 30 * time.Second
	browsertest.Do(t, bctx, "log in", wait,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), token),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS(`#layers .layer[data-layer="workload"]`)),
	)
	browsertest.WaitFor(t, bctx, "live indicator", `document.getElementById('live').textContent === 'live'`, wait)
	browsertest.WaitFor(t, bctx, "complete posture", `document.getElementById('banner').hidden`, wait)
	const row = `[...document.querySelectorAll('#findings-body tr[data-check="ST-0001"] td.mono')].some(e => e.textContent === 'Deployment/e2e-serve/priv')`
	if browsertest.Eval[bool](t, bctx, row) {
		t.Fatal("the finding is shown before the Deployment exists")
	}

	admin := kubernetes.NewForConfigOrDie(c.AdminConfig())
	dep := deploymentOf(ns, "priv", corev1.PodSpec{Containers: []corev1.Container{{
		Name: "app", Image: "registry.example.com/app:1.0",
		SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)},
	}}})
	start := time.Now()
	if _, err := admin.AppsV1().Deployments(ns).Create(t.Context(), dep, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitFor(t, bctx, "the privileged Deployment's finding in the page", row, wait)
	t.Logf("finding shown %s after the create returned", time.Since(start).Round(time.Millisecond))
	// The layer overview follows the events: the workload layer counts the critical finding.
	browsertest.WaitFor(t, bctx, "the workload layer's critical count", `document.querySelector('.layer[data-layer="workload"] .chip.critical').textContent !== 'critical 0'`, wait)
	browsertest.Screenshot(t, bctx, "dashboard-e2e.png")

	start = time.Now()
	if err := admin.AppsV1().Deployments(ns).Delete(t.Context(), "priv", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitFor(t, bctx, "the finding gone from the page", "!("+row+")", wait)
	t.Logf("finding removed %s after the delete returned", time.Since(start).Round(time.Millisecond))

	cancel()
	select {
	case code := <-exited:
		if code != 0 {
			t.Errorf("serve exited %d after shutdown:\n%s", code, errOut.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down within 20s")
	}
}

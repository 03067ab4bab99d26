package cluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// How long each component may take to become ready. kube-apiserver needs about 15 s alone; the
// margin covers a 2-core CI runner busy with other test binaries.
const (
	etcdReadyTimeout      = 30 * time.Second
	apiServerReadyTimeout = 60 * time.Second
	kcmReadyTimeout       = 60 * time.Second
	portAttempts          = 3
)

func (c *Cluster) logPath(name string) string { return filepath.Join(c.dir, name+".log") }

func (c *Cluster) etcdArgs() []string {
	client := "http://127.0.0.1:" + strconv.Itoa(c.etcdPort)
	peer := "http://127.0.0.1:" + strconv.Itoa(c.etcdPeerPort)
	return []string{
		"--name=strata-test",
		"--data-dir=" + filepath.Join(c.dir, "etcd"),
		"--listen-client-urls=" + client,
		"--advertise-client-urls=" + client,
		"--listen-peer-urls=" + peer,
		"--initial-advertise-peer-urls=" + peer,
		"--initial-cluster=strata-test=" + peer,
		// Throw-away data: durability is not worth the fsync latency.
		"--unsafe-no-fsync=true",
	}
}

// startEtcd starts etcd on fresh ports, retrying when another process took a port first.
func (c *Cluster) startEtcd(ctx context.Context) error {
	var err error
	for range portAttempts {
		ports, perr := freePorts(2)
		if perr != nil {
			return perr
		}
		c.etcdPort, c.etcdPeerPort = ports[0], ports[1]
		c.etcd, err = startProcess(etcdName, c.bins.Etcd, c.etcdArgs(), c.dir, c.logPath(etcdName), c.opts.Detached)
		if err != nil {
			return err
		}
		err = waitFor(ctx, etcdReadyTimeout, c.etcd, c.etcdHealthy)
		if err == nil {
			return nil
		}
		retry := c.etcd.exited() && c.etcd.portInUse()
		c.etcd.stop(5 * time.Second)
		if !retry {
			return err
		}
		_ = os.RemoveAll(filepath.Join(c.dir, "etcd"))
	}
	return err
}

func (c *Cluster) etcdHealthy(ctx context.Context) error {
	url := "http://127.0.0.1:" + strconv.Itoa(c.etcdPort) + "/health"
	body, err := probe(ctx, http.DefaultClient, url, "")
	if err != nil {
		return err
	}
	if !strings.Contains(body, `"health":"true"`) {
		return fmt.Errorf("etcd reports %s", strings.TrimSpace(body))
	}
	return nil
}

func (c *Cluster) apiServerArgs() []string {
	return []string{
		"--etcd-servers=http://127.0.0.1:" + strconv.Itoa(c.etcdPort),
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(c.apiPort),
		"--cert-dir=" + filepath.Join(c.dir, certDirName),
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file=" + filepath.Join(c.dir, saPubFile),
		"--service-account-signing-key-file=" + filepath.Join(c.dir, saKeyFile),
		"--token-auth-file=" + filepath.Join(c.dir, tokensFile),
		"--authorization-mode=Node,RBAC",
		"--anonymous-auth=true",
		"--enable-admission-plugins=NodeRestriction",
		// As on real clusters: without it validation rejects privileged pods before PodSecurity
		// admission gets to judge them.
		"--allow-privileged=true",
		"--profiling=false",
		"--service-cluster-ip-range=10.0.0.0/24",
		// The default reconciler refuses 127.0.0.1 as the advertised address.
		"--endpoint-reconciler-type=none",
	}
}

// startAPIServerOnFreePort starts kube-apiserver on a fresh port, retrying when another process
// took the port first.
func (c *Cluster) startAPIServerOnFreePort(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	for range portAttempts {
		ports, perr := freePorts(1)
		if perr != nil {
			return perr
		}
		c.apiPort = ports[0]
		err = c.runAPIServer(ctx)
		if err == nil || !c.apiserver.exited() || !c.apiserver.portInUse() {
			return err
		}
	}
	return err
}

// runAPIServer starts kube-apiserver, waits for /readyz and (re)writes the kubeconfigs with the
// serving certificate as CA. The caller holds c.mu.
func (c *Cluster) runAPIServer(ctx context.Context) error {
	p, err := startProcess(apiServerName, c.bins.APIServer, c.apiServerArgs(), c.dir, c.logPath(apiServerName), c.opts.Detached)
	if err != nil {
		return err
	}
	c.apiserver = p
	// The serving certificate does not exist until the apiserver has generated it, so readiness is
	// probed without verification; the real CA is checked right after.
	insecure := &http.Client{Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // see above
		DisableKeepAlives: true,
	}}
	if err := waitFor(ctx, apiServerReadyTimeout, p, c.readyz(insecure)); err != nil {
		p.stop(5 * time.Second)
		return err
	}
	if err := c.trustServingCert(ctx); err != nil {
		p.stop(5 * time.Second)
		return err
	}
	return nil
}

// readyz returns a probe of the apiserver's /readyz as AdminUser through client.
func (c *Cluster) readyz(client *http.Client) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := probe(ctx, client, c.URL()+"/readyz", c.tokens.admin)
		return err
	}
}

// trustServingCert loads the apiserver's serving bundle as the clients' CA, proves it verifies
// the server, and writes the kubeconfigs.
func (c *Cluster) trustServingCert(ctx context.Context) error {
	ca, err := readServingCA(c.dir)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	verified := &http.Client{Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		DisableKeepAlives: true,
	}}
	if err := c.readyz(verified)(ctx); err != nil {
		return fmt.Errorf("the apiserver's serving certificate does not verify: %w", err)
	}
	c.ca = ca
	files := []struct{ name, user, token string }{
		{adminKubeconfigFile, AdminUser, c.tokens.admin},
		{limitedKubeconfigFile, LimitedUser, c.tokens.limited},
		{kcmKubeconfigFile, controllerManagerUser, c.tokens.controllerManager},
	}
	for _, f := range files {
		if err := writeKubeconfig(filepath.Join(c.dir, f.name), c.URL(), ca, f.user, f.token); err != nil {
			return err
		}
	}
	return nil
}

func (c *Cluster) controllerManagerArgs() []string {
	return []string{
		"--kubeconfig=" + filepath.Join(c.dir, kcmKubeconfigFile),
		// No serving endpoint: nothing probes it, and it would need a port of its own.
		"--secure-port=0",
		"--leader-elect=false",
		"--use-service-account-credentials=true",
		"--service-account-private-key-file=" + filepath.Join(c.dir, saKeyFile),
		"--root-ca-file=" + filepath.Join(c.dir, certDirName, servingCertFile),
		"--profiling=false",
	}
}

// startControllerManager starts kube-controller-manager and waits until its service account
// controller has created the default namespace's "default" service account.
func (c *Cluster) startControllerManager(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, err := startProcess(controllerManagerName, c.bins.ControllerManager, c.controllerManagerArgs(),
		c.dir, c.logPath(controllerManagerName), c.opts.Detached)
	if err != nil {
		return err
	}
	c.kcm = p
	client, err := kubernetes.NewForConfig(c.configLocked(c.tokens.admin))
	if err != nil {
		return fmt.Errorf("creating a client: %w", err)
	}
	return waitFor(ctx, kcmReadyTimeout, p, func(ctx context.Context) error {
		_, err := client.CoreV1().ServiceAccounts(metav1.NamespaceDefault).Get(ctx, "default", metav1.GetOptions{})
		return err
	})
}

// waitFor polls check until it succeeds, p exits, ctx ends or timeout passes. Failures carry the
// last probe error and the tail of p's log.
func waitFor(ctx context.Context, timeout time.Duration, p *process, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		pctx, pcancel := context.WithTimeout(ctx, 3*time.Second)
		last := check(pctx)
		pcancel()
		if last == nil {
			return nil
		}
		select {
		case <-p.done:
			return p.exitError()
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %w (limit %s; last probe: %v); last lines of %s:\n%s",
				p.name, ctx.Err(), timeout, last, p.logPath, logTail(p.logPath, 25))
		case <-tick.C:
		}
	}
}

// probe GETs url, with a bearer token if one is given, and returns the body of a 200 response.
func probe(ctx context.Context, client *http.Client, url, token string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", errors.New(resp.Status + ": " + firstLines(string(body), 5))
	}
	return string(body), nil
}

// firstLines keeps error messages short: /readyz lists every check, so only the failing ones
// ("[-]...") are kept when there are any.
func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	var failing []string
	for _, l := range lines {
		if strings.HasPrefix(l, "[-]") {
			failing = append(failing, l)
		}
	}
	if len(failing) > 0 {
		lines = failing
	}
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, " | ")
}

package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Options configure Start.
type Options struct {
	// Dir is the directory for keys, kubeconfigs, etcd data and logs. It must be empty or absent.
	// When empty, Start makes a temporary directory.
	Dir string
	// KeepDir keeps the directory after Stop, for reading the logs. Otherwise Stop deletes it,
	// a given Dir included.
	KeepDir bool
	// ControllerManager also runs kube-controller-manager (service accounts, namespace deletion,
	// garbage collection...), building it first if needed.
	ControllerManager bool
	// Detached lets the processes outlive the calling process (testcluster up). Attached processes
	// die with it.
	Detached bool
	// Log receives progress messages; nil means os.Stderr.
	Log io.Writer
}

// Cluster is a running control plane on loopback.
type Cluster struct {
	opts   Options
	bins   Binaries
	dir    string
	tokens tokens

	etcdPort, etcdPeerPort, apiPort int
	started                         time.Time

	mu        sync.Mutex
	ca        []byte // the apiserver's self-signed serving bundle
	etcd      *process
	apiserver *process
	kcm       *process
	stopped   bool
}

// Start builds missing binaries, then starts etcd, kube-apiserver and, if asked, the controller
// manager, and returns once the apiserver reports ready. ctx bounds only the start-up: the
// processes run until Stop.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.Log == nil {
		opts.Log = os.Stderr
	}
	bins, err := ensureBinaries(ctx, opts.ControllerManager, opts.Log)
	if err != nil {
		return nil, err
	}
	c := &Cluster{opts: opts, bins: bins}
	if err := c.prepareDir(); err != nil {
		return nil, err
	}
	if err := c.writeSecrets(); err != nil {
		_ = c.Stop()
		return nil, err
	}
	if err := c.boot(ctx); err != nil {
		_ = c.Stop()
		return nil, err
	}
	return c, nil
}

// prepareDir creates the cluster directory, sweeping away temporary directories of test binaries
// that died without stopping their cluster.
func (c *Cluster) prepareDir() error {
	if c.opts.Dir == "" {
		sweepStaleDirs()
		dir, err := os.MkdirTemp("", tempDirPrefix)
		if err != nil {
			return fmt.Errorf("creating the cluster directory: %w", err)
		}
		c.dir = dir
		return os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644)
	}
	dir, err := filepath.Abs(c.opts.Dir)
	if err != nil {
		return fmt.Errorf("resolving the cluster directory: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("reading the cluster directory: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("cluster directory %s is not empty", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating the cluster directory: %w", err)
	}
	c.dir = dir
	return nil
}

const (
	tempDirPrefix = "strata-testcluster-"
	ownerFile     = "owner.pid"
)

// sweepStaleDirs removes temporary cluster directories whose owning process is gone: a test
// binary killed by a timeout cannot run Stop, and its etcd data would pile up in the temp dir.
func sweepStaleDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), tempDirPrefix+"*"))
	for _, dir := range dirs {
		data, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil || processAlive(pid) {
			continue
		}
		_ = os.RemoveAll(dir)
	}
}

// writeSecrets writes the token file, the service account key pair and the cert directory.
func (c *Cluster) writeSecrets() error {
	t, err := newTokens()
	if err != nil {
		return err
	}
	c.tokens = t
	if err := writeTokenFile(c.dir, t); err != nil {
		return err
	}
	if err := writeServiceAccountKeys(c.dir); err != nil {
		return err
	}
	return os.MkdirAll(filepath.Join(c.dir, certDirName), 0o700)
}

// boot starts the processes in order and waits for each to be ready.
func (c *Cluster) boot(ctx context.Context) error {
	start := time.Now()
	c.started = start
	if err := c.startEtcd(ctx); err != nil {
		return err
	}
	etcdReady := time.Since(start)
	if err := c.startAPIServerOnFreePort(ctx); err != nil {
		return err
	}
	fmt.Fprintf(c.opts.Log, "testcluster: kube-apiserver %s ready at %s in %s (etcd %s); dir %s\n",
		KubernetesVersion, c.URL(), time.Since(start).Round(100*time.Millisecond),
		etcdReady.Round(100*time.Millisecond), c.dir)
	if c.opts.ControllerManager {
		if err := c.startControllerManager(ctx); err != nil {
			return err
		}
		fmt.Fprintf(c.opts.Log, "testcluster: kube-controller-manager running after %s\n",
			time.Since(start).Round(100*time.Millisecond))
	}
	return nil
}

// Stop stops every process and removes the directory unless KeepDir is set. It is safe to call
// more than once.
func (c *Cluster) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return nil
	}
	c.stopped = true
	c.kcm.stop(10 * time.Second)
	c.apiserver.stop(15 * time.Second)
	c.etcd.stop(10 * time.Second)
	if !c.opts.KeepDir {
		if err := os.RemoveAll(c.dir); err != nil {
			return fmt.Errorf("removing the cluster directory: %w", err)
		}
	}
	return nil
}

// StopAPIServer stops only kube-apiserver; etcd keeps the data. For fault tests.
func (c *Cluster) StopAPIServer() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return errors.New("the cluster is stopped")
	}
	c.apiserver.stop(15 * time.Second)
	return nil
}

// StartAPIServer starts kube-apiserver again on the same port with the same certificates and
// waits until it is ready.
func (c *Cluster) StartAPIServer(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return errors.New("the cluster is stopped")
	}
	if c.apiserver != nil && !c.apiserver.exited() {
		return errors.New("kube-apiserver is already running")
	}
	return c.runAPIServer(ctx)
}

// URL is the apiserver's address, https://127.0.0.1:PORT.
func (c *Cluster) URL() string { return "https://127.0.0.1:" + strconv.Itoa(c.apiPort) }

// Dir is the cluster directory: keys, kubeconfigs, etcd data and the *.log files.
func (c *Cluster) Dir() string { return c.dir }

// AdminKubeconfig is the path of a kubeconfig for AdminUser (group system:masters).
func (c *Cluster) AdminKubeconfig() string { return filepath.Join(c.dir, adminKubeconfigFile) }

// LimitedKubeconfig is the path of a kubeconfig for LimitedUser (no RBAC grants).
func (c *Cluster) LimitedKubeconfig() string { return filepath.Join(c.dir, limitedKubeconfigFile) }

// AdminConfig returns a new client config for AdminUser.
func (c *Cluster) AdminConfig() *rest.Config { return c.config(c.tokens.admin) }

// LimitedConfig returns a new client config for LimitedUser.
func (c *Cluster) LimitedConfig() *rest.Config { return c.config(c.tokens.limited) }

// AnonymousConfig returns a new client config without credentials (user system:anonymous).
func (c *Cluster) AnonymousConfig() *rest.Config { return c.config("") }

func (c *Cluster) config(token string) *rest.Config {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.configLocked(token)
}

// configLocked is config for callers holding c.mu.
func (c *Cluster) configLocked(token string) *rest.Config {
	ca := bytes.Clone(c.ca)
	return &rest.Config{
		Host:            c.URL(),
		BearerToken:     token,
		TLSClientConfig: rest.TLSClientConfig{CAData: ca},
		// Tests create objects in bursts; client-side throttling would only slow them down.
		QPS:   100,
		Burst: 200,
	}
}

// Binaries returns the paths of the binaries the cluster runs.
func (c *Cluster) Binaries() Binaries { return c.bins }

// CreateNamespace creates a namespace with labels and, when no controller manager runs to do it,
// its "default" service account, without which the ServiceAccount admission plugin rejects pods.
func (c *Cluster) CreateNamespace(ctx context.Context, name string, labels map[string]string) (*corev1.Namespace, error) {
	client, err := kubernetes.NewForConfig(c.AdminConfig())
	if err != nil {
		return nil, fmt.Errorf("creating a client: %w", err)
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
	created, err := client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("creating namespace %s: %w", name, err)
	}
	if c.opts.ControllerManager {
		return created, nil
	}
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}
	_, err = client.CoreV1().ServiceAccounts(name).Create(ctx, sa, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return nil, fmt.Errorf("creating the default service account of %s: %w", name, err)
	}
	return created, nil
}

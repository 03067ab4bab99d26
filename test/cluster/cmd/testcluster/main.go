// Command testcluster builds and runs strata's loopback test cluster (etcd + kube-apiserver,
// optionally kube-controller-manager) outside of `go test`.
//
//	go run ./test/cluster/cmd/testcluster build   # build missing binaries (CI runs it before go test)
//	eval "$(go run ./test/cluster/cmd/testcluster up)"   # start in the background, export KUBECONFIG
//	go run ./test/cluster/cmd/testcluster status
//	go run ./test/cluster/cmd/testcluster down
//
// The binaries live in $STRATA_TESTCLUSTER_CACHE or <repo>/.cache/testcluster; a running cluster
// keeps its kubeconfigs, logs and state.json in the run/ directory there.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/strata-sec/strata/test/cluster"
)

const usage = `usage: testcluster <command> [flags]

commands:
  build [-controller-manager=true]   build missing binaries into the cache (a cold build takes ~10-15 minutes)
  up [-controller-manager]           start a cluster in the background; prints "export KUBECONFIG=..." on stdout
  status                             show whether the background cluster runs and is ready
  down                               stop the background cluster and delete its directory
`

// Exit codes: 0 success, 1 failure (or, for status, not running), 2 usage error.
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	fs := flag.NewFlagSet("testcluster "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	var kcm *bool
	switch args[0] {
	case "build":
		kcm = fs.Bool("controller-manager", true, "also build kube-controller-manager (test/cluster's own tests run it)")
	case "up":
		kcm = fs.Bool("controller-manager", false, "also run kube-controller-manager")
	case "status", "down":
	default:
		fmt.Fprintf(stderr, "testcluster: unknown command %q\n%s", args[0], usage)
		return 2
	}
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "testcluster %s: unexpected arguments %v\n", args[0], fs.Args())
		return 2
	}
	var err error
	code := 1
	switch args[0] {
	case "build":
		err = build(ctx, *kcm, stderr)
	case "up":
		err = up(ctx, *kcm, stdout, stderr)
	case "status":
		code, err = status(ctx, stdout)
	case "down":
		err = down(stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "testcluster %s: %v\n", args[0], err)
		return 1
	}
	if args[0] == "status" {
		return code
	}
	return 0
}

func build(ctx context.Context, kcm bool, stderr io.Writer) error {
	bins, err := cluster.EnsureBinaries(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "etcd:           %s\nkube-apiserver: %s\n", bins.Etcd, bins.APIServer)
	if kcm {
		path, err := cluster.EnsureControllerManager(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "kube-controller-manager: %s\n", path)
	}
	return nil
}

// runDir is where the background cluster lives.
func runDir() (string, error) {
	cache, err := cluster.CacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cache, "run"), nil
}

func up(ctx context.Context, kcm bool, stdout, stderr io.Writer) error {
	dir, err := runDir()
	if err != nil {
		return err
	}
	if st, err := cluster.ReadState(dir); err == nil {
		if ready(ctx, st) == nil {
			fmt.Fprintf(stderr, "test cluster already running at %s\n", st.URL)
			fmt.Fprintf(stdout, "export KUBECONFIG=%s\n", st.AdminKubeconfig)
			return nil
		}
		fmt.Fprintf(stderr, "testcluster: replacing a broken test cluster in %s\n", dir)
		if err := st.Stop(15 * time.Second); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("clearing %s: %w", dir, err)
	}
	c, err := cluster.Start(ctx, cluster.Options{Dir: dir, KeepDir: true, Detached: true, ControllerManager: kcm, Log: stderr})
	if err != nil {
		return fmt.Errorf("%w\n(logs kept in %s)", err, dir)
	}
	st := c.State()
	if err := cluster.WriteState(dir, st); err != nil {
		_ = c.Stop()
		return err
	}
	fmt.Fprintf(stderr, "test cluster running at %s (kube-apiserver %s)\n", st.URL, cluster.KubernetesVersion)
	fmt.Fprintf(stderr, "  admin kubeconfig:   %s\n  limited kubeconfig: %s\n  logs:               %s\n",
		st.AdminKubeconfig, st.LimitedKubeconfig, filepath.Join(dir, "*.log"))
	fmt.Fprintf(stderr, "  stop it with: go run ./test/cluster/cmd/testcluster down\n")
	fmt.Fprintf(stdout, "export KUBECONFIG=%s\n", st.AdminKubeconfig)
	return nil
}

// status prints the state of the background cluster; its code is 0 only if it runs and is ready.
func status(ctx context.Context, stdout io.Writer) (int, error) {
	dir, err := runDir()
	if err != nil {
		return 1, err
	}
	st, err := cluster.ReadState(dir)
	if errors.Is(err, os.ErrNotExist) {
		fmt.Fprintln(stdout, "no test cluster is running")
		return 1, nil
	}
	if err != nil {
		return 1, err
	}
	fmt.Fprintf(stdout, "test cluster %s (dir %s, started %s)\n", st.URL, st.Dir, st.Started.Local().Format(time.RFC3339))
	for _, p := range st.Processes {
		state := "running"
		if !p.Running() {
			state = "NOT running"
		}
		fmt.Fprintf(stdout, "  %-24s pid %-8d %s\n", p.Name, p.PID, state)
	}
	if err := ready(ctx, st); err != nil {
		fmt.Fprintf(stdout, "  not ready: %v\n", err)
		return 1, nil
	}
	fmt.Fprintf(stdout, "  ready; export KUBECONFIG=%s\n", st.AdminKubeconfig)
	return 0, nil
}

// ready checks that every process runs and /readyz answers through the admin kubeconfig.
func ready(ctx context.Context, st cluster.State) error {
	for _, p := range st.Processes {
		if !p.Running() {
			return fmt.Errorf("%s (pid %d) is not running", p.Name, p.PID)
		}
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", st.AdminKubeconfig)
	if err != nil {
		return err
	}
	cfg.Timeout = 5 * time.Second
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	_, err = client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
	return err
}

func down(stderr io.Writer) error {
	dir, err := runDir()
	if err != nil {
		return err
	}
	st, err := cluster.ReadState(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		fmt.Fprintln(stderr, "no test cluster is running")
	case err != nil:
		return err
	default:
		if err := st.Stop(15 * time.Second); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "stopped the test cluster at %s\n", st.URL)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("removing %s: %w", dir, err)
	}
	return nil
}

package cluster

import (
	"bufio"
	"bytes"
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// Binaries are the absolute paths of the control-plane executables.
type Binaries struct {
	Etcd      string
	APIServer string
	// ControllerManager is empty unless it was asked for (EnsureControllerManager or
	// Options.ControllerManager): it is another long cold build most tests do not need.
	ControllerManager string
}

// target describes how one binary is built and how a cached copy is recognised.
type target struct {
	name    string // file name and process name
	subdir  string // cache sub-directory, keyed by version
	toolDir string // tool module, relative to the repository root
	pkg     string // package built in the tool module
	ldflags string
	cold    string // how long a build without the Go build cache takes on 2 cores
	// want* identify a good binary from its embedded build information.
	wantPath          string
	depModule, depVer string
}

func etcdTarget() target {
	return target{
		name: etcdName, subdir: "etcd-" + EtcdVersion, toolDir: etcdToolDir, pkg: ".", cold: "~1-2 minutes",
		wantPath: etcdToolPackage, depModule: etcdServerModule, depVer: EtcdVersion,
	}
}

func kubeTarget(name string) target {
	pkg := kubeModule + "/cmd/" + name
	return target{
		name: name, subdir: KubernetesVersion, toolDir: kubeToolDir, pkg: pkg, ldflags: kubeLDFlags(), cold: "~10-15 minutes",
		wantPath: pkg, depModule: kubeModule, depVer: KubernetesVersion,
	}
}

// EnsureBinaries returns etcd and kube-apiserver, building whichever is missing from the cache.
// The cache is $STRATA_TESTCLUSTER_CACHE or <repository root>/.cache/testcluster. Builds use the
// tool modules under test/cluster/tools and fetch modules through the Go module proxy, so a fresh
// clone works; a cold build takes 10-15 minutes and is announced on stderr.
func EnsureBinaries(ctx context.Context) (Binaries, error) {
	return ensureBinaries(ctx, false, os.Stderr)
}

// EnsureControllerManager returns kube-controller-manager, building it if it is missing.
func EnsureControllerManager(ctx context.Context) (string, error) {
	return ensure(ctx, kubeTarget(controllerManagerName), os.Stderr)
}

func ensureBinaries(ctx context.Context, withKCM bool, log io.Writer) (Binaries, error) {
	var b Binaries
	var err error
	if b.Etcd, err = ensure(ctx, etcdTarget(), log); err != nil {
		return Binaries{}, err
	}
	if b.APIServer, err = ensure(ctx, kubeTarget(apiServerName), log); err != nil {
		return Binaries{}, err
	}
	if withKCM {
		if b.ControllerManager, err = ensure(ctx, kubeTarget(controllerManagerName), log); err != nil {
			return Binaries{}, err
		}
	}
	return b, nil
}

// CacheDir returns the directory holding built binaries and the state of `testcluster up`:
// $STRATA_TESTCLUSTER_CACHE if set, otherwise <repository root>/.cache/testcluster.
func CacheDir() (string, error) {
	if dir := os.Getenv("STRATA_TESTCLUSTER_CACHE"); dir != "" {
		return filepath.Abs(dir)
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, ".cache", "testcluster"), nil
}

// RepoRoot walks up from the working directory to the go.mod of module
// github.com/strata-sec/strata. Tests run in their package directory and `go run` in the caller's,
// so both find it from anywhere inside the repository.
func RepoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the repository root: %w", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if modulePath(filepath.Join(dir, "go.mod")) == rootModule {
			return dir, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("no go.mod of module %s above %s", rootModule, wd)
		}
	}
}

// modulePath returns the module path declared in a go.mod file, or "" if there is none.
func modulePath(gomod string) string {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return ""
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`)
		}
	}
	return ""
}

// ensure returns the cached binary of t, building it under the cache lock when it is missing or
// is not what t describes.
func ensure(ctx context.Context, t target, log io.Writer) (string, error) {
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	dest := filepath.Join(cache, t.subdir, t.name)
	if checkBinary(dest, t) == nil {
		return dest, nil
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return "", fmt.Errorf("creating the test-cluster cache: %w", err)
	}
	unlock, err := lockCache(ctx, cache, log)
	if err != nil {
		return "", err
	}
	defer unlock()
	// Another process may have built it while we waited for the lock.
	reason := checkBinary(dest, t)
	if reason == nil {
		return dest, nil
	}
	removeStaleTemps(filepath.Dir(dest))
	if err := build(ctx, t, dest, reason, log); err != nil {
		return "", err
	}
	return dest, nil
}

// checkBinary returns why the file at path is not a usable build of t, or nil if it is. A
// truncated or foreign file fails to yield matching build information.
func checkBinary(path string, t target) error {
	fi, err := os.Stat(path)
	if err != nil {
		return errors.New("not built yet")
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		return errors.New("not an executable file")
	}
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		return fmt.Errorf("unreadable build information: %w", err)
	}
	if info.Path != t.wantPath {
		return fmt.Errorf("built from %s, want %s", info.Path, t.wantPath)
	}
	// kube-* are packages of the pinned module itself; etcd is a tool package depending on it.
	for _, mod := range append([]*debug.Module{&info.Main}, info.Deps...) {
		if mod.Path != t.depModule {
			continue
		}
		if mod.Version != t.depVer {
			return fmt.Errorf("built from %s %s, want %s", mod.Path, mod.Version, t.depVer)
		}
		return nil
	}
	return fmt.Errorf("not built from %s %s", t.depModule, t.depVer)
}

// build compiles t into a temporary file next to dest and renames it into place, so an
// interrupted build never leaves a broken binary under the final name.
func build(ctx context.Context, t target, dest string, reason error, log io.Writer) error {
	root, err := RepoRoot()
	if err != nil {
		return fmt.Errorf("building %s: %w", t.name, err)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("building %s: the go command is needed: %w", t.name, err)
	}
	tmp := dest + ".tmp-" + strconv.Itoa(os.Getpid())
	args := []string{"build", "-trimpath", "-o", tmp}
	if t.ldflags != "" {
		args = append(args, "-ldflags", t.ldflags)
	}
	args = append(args, t.pkg)
	fmt.Fprintf(log, "testcluster: building %s %s into %s (%v); a cold build takes %s on 2 cores, later ones hit the Go build cache\n",
		t.name, t.depVer, dest, reason, t.cold)
	start := time.Now()
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = filepath.Join(root, filepath.FromSlash(t.toolDir))
	// The tool modules are separate modules; a go.work above the repository must not pull them in.
	cmd.Env = append(os.Environ(), "GOWORK=off")
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = sysProcAttr(false)
	// Interrupt rather than kill, so go stops its compiler children too.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("building %s in %s: %w", t.name, cmd.Dir, err)
	}
	if err := checkBinary(tmp, t); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("checking the fresh build of %s: %w", t.name, err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("installing %s: %w", t.name, err)
	}
	fmt.Fprintf(log, "testcluster: built %s in %s\n", t.name, time.Since(start).Round(time.Second))
	return nil
}

// lockCache takes the cache's build lock, waiting for another process (another test binary of the
// same `go test ./...`) that is building, and returns the function releasing it.
func lockCache(ctx context.Context, cache string, log io.Writer) (func(), error) {
	path := filepath.Join(cache, "build.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening the build lock: %w", err)
	}
	announced := false
	for {
		err := tryLock(f)
		if err == nil {
			return func() { _ = f.Close() }, nil
		}
		if !errors.Is(err, errLocked) {
			_ = f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		if !announced {
			fmt.Fprintf(log, "testcluster: waiting for another process building the test-cluster binaries (lock %s)\n", path)
			announced = true
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, fmt.Errorf("waiting for the build lock: %w", ctx.Err())
		case <-time.After(time.Second):
		}
	}
}

// removeStaleTemps deletes temporary outputs of interrupted builds: those whose builder (the pid
// in the suffix) is gone.
func removeStaleTemps(dir string) {
	matches, _ := filepath.Glob(filepath.Join(dir, "*.tmp-*"))
	for _, m := range matches {
		pid, err := strconv.Atoi(m[strings.LastIndex(m, ".tmp-")+len(".tmp-"):])
		if err == nil && pid != os.Getpid() && processAlive(pid) {
			continue
		}
		_ = os.Remove(m)
	}
}

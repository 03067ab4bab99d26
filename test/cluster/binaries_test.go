package cluster

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRepoRootFromPackageDir(t *testing.T) {
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if modulePath(filepath.Join(root, "go.mod")) != rootModule {
		t.Errorf("RepoRoot() = %s, whose go.mod is not module %s", root, rootModule)
	}
	// The tool modules have go.mod files too; the walk must pass them by.
	if _, err := os.Stat(filepath.Join(root, kubeToolDir, "go.mod")); err != nil {
		t.Errorf("tool module not under the root found: %v", err)
	}
}

func TestCacheDirFromEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("STRATA_TESTCLUSTER_CACHE", dir)
	got, err := CacheDir()
	if err != nil || got != dir {
		t.Errorf("CacheDir() = %q, %v; want %q", got, err, dir)
	}
}

func TestCheckBinaryRejects(t *testing.T) {
	dir := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated")
	if err := os.WriteFile(truncated, data[:len(data)/3], 0o755); err != nil {
		t.Fatal(err)
	}
	notExec := filepath.Join(dir, "not-exec")
	if err := os.WriteFile(notExec, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		path, want string
	}{
		"missing":         {filepath.Join(dir, "missing"), "not built yet"},
		"not executable":  {notExec, "not an executable"},
		"truncated":       {truncated, "build information"},
		"another program": {self, "want " + etcdToolPackage},
	}
	for name, tc := range cases {
		err := checkBinary(tc.path, etcdTarget())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: checkBinary = %v, want an error containing %q", name, err, tc.want)
		}
	}
}

func TestCheckBinaryWrongVersion(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The test binary is built from this module at version (devel).
	tgt := target{name: "self", wantPath: rootModule + "/test/cluster.test", depModule: rootModule, depVer: "v0.0.1"}
	if err := checkBinary(self, tgt); err == nil || !strings.Contains(err.Error(), "want v0.0.1") {
		t.Errorf("checkBinary = %v, want a version mismatch", err)
	}
	tgt.depModule = "k8s.io/kubernetes"
	if err := checkBinary(self, tgt); err == nil || !strings.Contains(err.Error(), "not built from") {
		t.Errorf("checkBinary = %v, want a missing-module error", err)
	}
}

func TestRemoveStaleTempsKeepsLiveBuilds(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "kube-apiserver.tmp-1") // pid 1 always exists
	dead := filepath.Join(dir, "kube-apiserver.tmp-999999999")
	for _, p := range []string{live, dead} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	removeStaleTemps(dir)
	if _, err := os.Stat(live); err != nil {
		t.Errorf("temp of a live build removed: %v", err)
	}
	if _, err := os.Stat(dead); err == nil {
		t.Error("temp of a dead build kept")
	}
}

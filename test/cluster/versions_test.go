package cluster

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The version constants are what the cache is keyed by and what tests assert; the tool modules are
// what actually gets built. They must not drift apart.
func TestVersionsMatchToolModules(t *testing.T) {
	cases := []struct {
		gomod, module, version string
	}{
		{filepath.Join("tools", "kube", "go.mod"), kubeModule, KubernetesVersion},
		{filepath.Join("tools", "etcd", "go.mod"), etcdServerModule, EtcdVersion},
	}
	for _, tc := range cases {
		data, err := os.ReadFile(tc.gomod)
		if err != nil {
			t.Fatal(err)
		}
		if got := requiredVersion(string(data), tc.module); got != tc.version {
			t.Errorf("%s requires %s %q, want %q", tc.gomod, tc.module, got, tc.version)
		}
	}
}

// Every staging module must be replaced by the release matching KubernetesVersion, or the tool
// module builds a mix of versions.
func TestKubeStagingReplacesMatchVersion(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("tools", "kube", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	want := "v0" + strings.TrimPrefix(KubernetesVersion, "v1")
	n := 0
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		if len(f) == 4 && f[1] == "=>" && strings.HasPrefix(f[0], "k8s.io/") {
			n++
			if f[3] != want {
				t.Errorf("replace %s => %s %s, want %s", f[0], f[2], f[3], want)
			}
		}
	}
	if n < 20 {
		t.Errorf("found %d staging replaces in tools/kube/go.mod, want one per staging module", n)
	}
}

// requiredVersion finds "module version" in a go.mod require line or block.
func requiredVersion(gomod, module string) string {
	for line := range strings.Lines(gomod) {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "require" {
			f = f[1:]
		}
		if len(f) >= 2 && f[0] == module {
			return f[1]
		}
	}
	return ""
}

func TestKubeLDFlags(t *testing.T) {
	flags := kubeLDFlags()
	for _, want := range []string{
		"-X k8s.io/component-base/version.gitVersion=" + KubernetesVersion,
		"-X k8s.io/client-go/pkg/version.gitVersion=" + KubernetesVersion,
		"-X k8s.io/component-base/version.gitMajor=1",
		"-X k8s.io/component-base/version.gitMinor=37",
	} {
		if !strings.Contains(flags, want) {
			t.Errorf("ldflags %q lack %q", flags, want)
		}
	}
}

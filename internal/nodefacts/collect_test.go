package nodefacts_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/strata-sec/strata/internal/golden"
	"github.com/strata-sec/strata/internal/nodefacts"
	"github.com/strata-sec/strata/internal/nodefacts/noderoot"
)

var fixedNow = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// collect prepares a fixture root and collects it with the root path normalised.
func collect(t *testing.T, name string) (*nodefacts.Facts, []error) {
	t.Helper()
	dir := noderoot.Prepare(t, name)
	f, errs := nodefacts.Collect(dir, nodefacts.Options{Now: fixedNow})
	if f == nil {
		t.Fatalf("Collect(%s) = nil facts, errors %v", name, errs)
	}
	f.Root = "<root>"
	return f, errs
}

func TestCollectGolden(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("golden facts record owners, which noderoot applies only when running as root")
	}
	names, err := noderoot.Names()
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 4 {
		t.Fatalf("fixture roots = %v, want 4", names)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			f, errs := collect(t, name)
			var buf bytes.Buffer
			if err := nodefacts.Encode(&buf, f); err != nil {
				t.Fatal(err)
			}
			for _, e := range errs {
				buf.WriteString("error: " + e.Error() + "\n") // errors name node paths, never the temporary root
			}
			golden.Compare(t, filepath.Join("testdata", "golden", name+".json"), buf.Bytes())
		})
	}
}

func TestCollectMisconfiguredWorker(t *testing.T) {
	f, errs := collect(t, "worker-misconfigured")
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "/var/lib/kubelet/seccomp/broken.json") {
		t.Errorf("errors = %v, want one for the broken seccomp profile", errs)
	}
	if f.Hostname != "worker-2" || f.Name != "worker-2" {
		t.Errorf("hostname = %q, name %q", f.Hostname, f.Name)
	}
	k := f.Kubelet
	if !k.Found || k.PID != 1201 || k.Flags["read-only-port"] != "10255" || k.Flags["anonymous-auth"] != "true" {
		t.Errorf("kubelet = %+v", k)
	}
	if k.ConfigPath != "/var/lib/kubelet/config.yaml" || k.KubeconfigPath != "/etc/kubernetes/kubelet.conf" {
		t.Errorf("kubelet paths = %q %q", k.ConfigPath, k.KubeconfigPath)
	}
	anon := k.Config["authentication"].(map[string]any)["anonymous"].(map[string]any)["enabled"]
	if anon != true || k.Config["readOnlyPort"] != float64(10255) {
		t.Errorf("kubelet config anonymous = %v, readOnlyPort = %v", anon, k.Config["readOnlyPort"])
	}
	if f.ControlPlane.Components != nil {
		t.Errorf("worker has control-plane components %v", f.ControlPlane.Components)
	}
	svc, _, ok := f.File(nodefacts.RoleKubeletService)
	if !ok || !svc.Exists || svc.Mode != "0666" || svc.ModeBits != 0o666 {
		t.Errorf("kubelet service file = %+v", svc)
	}
	if f.SSHD.PermitRootLogin != "yes" || f.SSHD.PasswordAuthentication != "yes" {
		t.Errorf("sshd = %+v (the drop-in's PermitRootLogin=yes comes first; Match blocks are ignored)", f.SSHD)
	}
	var ports []string
	for _, l := range f.Listeners {
		ports = append(ports, l.Protocol+":"+l.Address+":"+strconv.Itoa(l.Port)+":"+l.Process)
	}
	want := "tcp:127.0.0.1:10248:,tcp:127.0.0.1:10249:kube-proxy,tcp:0.0.0.0:22:,tcp:0.0.0.0:10255:kubelet," +
		"tcp:0.0.0.0:2375:,tcp6::::10250:kubelet,tcp6:10.0.0.10:10256:kube-proxy,udp:0.0.0.0:8472:"
	if got := strings.Join(ports, ","); got != want {
		t.Errorf("listeners\n got %s\nwant %s", got, want)
	}
	docker := f.RuntimeSockets[1]
	if docker.Path != "/var/run/docker.sock" || !docker.Exists || !docker.IsSocket || docker.Mode != "0666" {
		t.Errorf("docker socket = %+v", docker)
	}
	if f.Sysctls["kernel.unprivileged_bpf_disabled"] != "0" || f.Kernel.Release != "5.15.0-25-generic" || f.Kernel.OS.VersionID != "24.04" {
		t.Errorf("kernel = %+v sysctls = %v", f.Kernel, f.Sysctls)
	}
}

func TestCollectNeverEscapesRoot(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret.yaml")
	if err := os.WriteFile(outside, []byte("authentication: {anonymous: {enabled: true}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(filepath.Join(root, "etc", "kubernetes"), outside)
	if err != nil {
		t.Fatal(err)
	}
	mkdir(t, root, "var/lib/kubelet", "etc/kubernetes", "run/containerd", "var")
	// Links are interpreted inside the root, as on the node: an absolute target and a
	// relative one climbing past the root both stay in it, so neither reaches the file.
	symlink(t, outside, root, "var/lib/kubelet/config.yaml")
	symlink(t, rel, root, "etc/kubernetes/kubelet.conf")
	symlink(t, "/run", root, "var/run")
	f, errs := nodefacts.Collect(root, nodefacts.Options{Now: fixedNow})
	if len(errs) != 0 || f.Kubelet.Config != nil {
		t.Fatalf("errors %v, kubelet config %v: want none, nothing read outside the root", errs, f.Kubelet.Config)
	}
	conf, _, _ := f.File(nodefacts.RoleKubeletKubeconfig)
	if !conf.Exists || !conf.IsSymlink {
		t.Errorf("kubelet.conf = %+v, want the link itself described", conf)
	}
	if f.Hostname != "unknown" || len(f.Listeners) != 0 || f.SSHD.Found {
		t.Errorf("an empty root gave facts %+v", f)
	}
	// /var/run -> /run resolves inside the root, the way every Linux host lays it out.
	sock := filepath.Join(root, "run", "docker.sock")
	if err := os.WriteFile(sock, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(sock, 0o660); err != nil {
		t.Fatal(err)
	}
	f, _ = nodefacts.Collect(root, nodefacts.Options{Now: fixedNow})
	if s := f.RuntimeSockets[1]; s.Path != "/var/run/docker.sock" || !s.Exists || s.Mode != "0660" {
		t.Errorf("docker socket through /var/run -> /run = %+v", s)
	}
}

func mkdir(t *testing.T, root string, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func symlink(t *testing.T, target, root, name string) {
	t.Helper()
	p := filepath.Join(root, name)
	_ = os.Remove(p)
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	f, _ := collect(t, "controlplane-hardened")
	var buf bytes.Buffer
	if err := nodefacts.Encode(&buf, f); err != nil {
		t.Fatal(err)
	}
	back, err := nodefacts.Decode(bytes.NewReader(buf.Bytes()), 0)
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := nodefacts.Encode(&again, back.DeepCopy()); err != nil {
		t.Fatal(err)
	}
	if again.String() != buf.String() {
		t.Errorf("facts changed in a JSON round trip and deep copy")
	}
}

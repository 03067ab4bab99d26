package node

import (
	"strings"
	"testing"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// evaluate runs one check on facts as the engine would.
func evaluate(t *testing.T, c *check.ObjectCheck[*nodefacts.Facts], f *nodefacts.Facts) ([]check.Violation, error) {
	t.Helper()
	f.APIVersion, f.Kind, f.Name = nodefacts.APIVersion, nodefacts.KindName, "worker-1"
	if f.SchemaVersion == "" {
		f.SchemaVersion = nodefacts.SchemaVersion
	}
	o := &check.Object{Ref: check.Ref{APIVersion: nodefacts.APIVersion, Kind: nodefacts.KindName, Name: "worker-1"}, Obj: f}
	applies, vs, err := c.EvaluateObject(&check.Env{}, o)
	if !applies {
		t.Fatalf("%s does not apply to NodeFacts", c.ID)
	}
	return vs, err
}

func wantNotAssessed(t *testing.T, err error, reason string) {
	t.Helper()
	got, ok := check.NotAssessedReason(err)
	if !ok || !strings.Contains(got, reason) {
		t.Errorf("error %v, want not-assessed with %q", err, reason)
	}
}

func TestNotAssessed(t *testing.T) {
	missing := []nodefacts.File{{Path: "/etc/kubernetes/kubelet.conf", Role: nodefacts.RoleKubeletKubeconfig}}
	_, err := evaluate(t, kubeletKubeconfigFile, &nodefacts.Facts{Files: missing})
	wantNotAssessed(t, err, "no kubelet kubeconfig is present on this node")

	_, err = evaluate(t, kubeletServiceFile, &nodefacts.Facts{})
	wantNotAssessed(t, err, "no kubelet service file is present")

	_, err = evaluate(t, kubeletAnonymousAuth, &nodefacts.Facts{})
	wantNotAssessed(t, err, "no kubelet runs on this node")

	unreadable := nodefacts.Kubelet{Found: true, Flags: map[string]string{"config": "/var/lib/kubelet/config.yaml"}, ConfigPath: "/var/lib/kubelet/config.yaml"}
	_, err = evaluate(t, kubeletReadOnlyPort, &nodefacts.Facts{Kubelet: unreadable})
	wantNotAssessed(t, err, "could not be read")

	_, err = evaluate(t, sshdRootLogin, &nodefacts.Facts{})
	wantNotAssessed(t, err, "sshd is not configured")

	_, err = evaluate(t, runtimeSocketPermissions, &nodefacts.Facts{RuntimeSockets: []nodefacts.File{{Path: "/var/run/docker.sock"}}})
	wantNotAssessed(t, err, "no container runtime socket")

	exposed := []nodefacts.Listener{{Protocol: "tcp", Address: "0.0.0.0", Port: 2379, Process: "etcd"}}
	_, err = evaluate(t, etcdWithoutClientAuth, &nodefacts.Facts{Listeners: exposed})
	wantNotAssessed(t, err, "etcd's command line was not recorded")
}

// TestConfigFileNotInEffect: a kubelet running without --config does not read the file the
// collector found at a standard location, so the legacy flag defaults apply.
func TestConfigFileNotInEffect(t *testing.T) {
	k := nodefacts.Kubelet{
		Found: true, Args: []string{"/usr/bin/kubelet"}, Flags: map[string]string{},
		ConfigPath: "/var/lib/kubelet/config.yaml",
		Config:     map[string]any{"authentication": map[string]any{"anonymous": map[string]any{"enabled": false}}},
	}
	vs, err := evaluate(t, kubeletAnonymousAuth, &nodefacts.Facts{Kubelet: k})
	if err != nil || len(vs) != 1 || !strings.Contains(vs[0].Message, "defaults to true") || vs[0].Path.String() != "kubelet.args" {
		t.Errorf("got %+v, %v; want the legacy default reported at kubelet.args", vs, err)
	}
	k.Flags["config"] = "/var/lib/kubelet/config.yaml"
	if vs, err := evaluate(t, kubeletAnonymousAuth, &nodefacts.Facts{Kubelet: k}); err != nil || len(vs) != 0 {
		t.Errorf("with --config: got %+v, %v; want a pass", vs, err)
	}
}

func TestErrors(t *testing.T) {
	_, err := evaluate(t, kubeletAnonymousAuth, &nodefacts.Facts{SchemaVersion: "v0"})
	if err == nil || !strings.Contains(err.Error(), `schema version "v0"`) {
		t.Errorf("schema version mismatch: error %v", err)
	}
	k := nodefacts.Kubelet{Found: true, Flags: map[string]string{"anonymous-auth": "maybe"}}
	if _, err := evaluate(t, kubeletAnonymousAuth, &nodefacts.Facts{Kubelet: k}); err == nil || !strings.Contains(err.Error(), "not a boolean") {
		t.Errorf("invalid boolean: error %v", err)
	}
	bad := []nodefacts.File{{Path: "/var/lib/kubelet/config.yaml", Role: nodefacts.RoleKubeletConfig, Exists: true, Mode: "rw-r--r--"}}
	if _, err := evaluate(t, kubeletConfigFile, &nodefacts.Facts{Files: bad}); err == nil {
		t.Error("a non-octal mode was accepted")
	}
}

// TestConfigNumbers: the generic config map holds numbers as int64 or float64 depending on the
// decoder; both must read the same.
func TestConfigNumbers(t *testing.T) {
	for _, port := range []any{int64(10255), float64(10255), "10255"} {
		k := nodefacts.Kubelet{ConfigPath: "/var/lib/kubelet/config.yaml", Config: map[string]any{"readOnlyPort": port}}
		vs, err := evaluate(t, kubeletReadOnlyPort, &nodefacts.Facts{Kubelet: k})
		if err != nil || len(vs) != 1 || vs[0].Path.String() != "kubelet.config.readOnlyPort" {
			t.Errorf("readOnlyPort %T: got %+v, %v", port, vs, err)
		}
	}
}

func TestListenerAddresses(t *testing.T) {
	for addr, want := range map[string][2]bool{
		"127.0.0.1": {true, false}, "::1": {true, false}, "::ffff:127.0.0.1": {true, false}, "[::1]": {true, false},
		"0.0.0.0": {false, true}, "::": {false, true}, "*": {false, true}, "10.0.1.17": {false, false},
	} {
		if got := [2]bool{loopback(addr), allInterfaces(addr)}; got != want {
			t.Errorf("%s: loopback, allInterfaces = %v, want %v", addr, got, want)
		}
	}
}

// TestChecksValid validates every check's metadata and kind, and the ID order of Checks.
func TestChecksValid(t *testing.T) {
	cs := Checks()
	if _, err := check.NewRegistry(cs); err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		m := c.Metadata()
		if m.Layer != check.LayerNode || m.ID < "ST-0300" || m.ID > "ST-0339" {
			t.Errorf("%s: layer %s, want node and an ID in ST-0300..ST-0339", m.ID, m.Layer)
		}
		if i > 0 && cs[i-1].Metadata().ID >= m.ID {
			t.Errorf("Checks() is not in ID order at %s", m.ID)
		}
	}
}

package cluster

import (
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

func argsOf(texts ...string) []flagArg {
	out := make([]flagArg, len(texts))
	for i, t := range texts {
		out[i] = flagArg{t, field.NewPath("command").Index(i)}
	}
	return out
}

func TestParseFlags(t *testing.T) {
	f := parseFlags(argsOf(
		"--advertise-address=10.0.0.1",
		"--profiling",               // bare boolean: true
		"--anonymous-auth", "false", // a boolean never takes the next element
		"--audit-log-path", "/var/log/a", // "--flag value"
		"--audit_log_maxage=30",           // underscores normalise to dashes
		"-cert-file=/etc/etcd/server.crt", // etcd's single-dash form
		"--enable-admission-plugins=NodeRestriction, ServiceAccount",
		"--enable-admission-plugins=AlwaysPullImages", // list flags append
		"--authorization-mode=Node,RBAC",
		"--authorization-mode=AlwaysAllow", // and so do repeated slices
		"--bind-address=0.0.0.0",
		"--bind-address=127.0.0.1", // scalars: the last wins
		"--feature-gates=RotateKubeletServerCertificate=true,Foo=false",
		"--feature-gates=RotateKubeletServerCertificate=false",
		"--request-timeout=",
		"positional",
		"--",
		"--after-terminator=1",
	), boolFlags)

	for _, tc := range []struct {
		name, want string
		ok         bool
	}{
		{"advertise-address", "10.0.0.1", true},
		{"profiling", "true", true},
		{"anonymous-auth", "true", true},
		{"audit-log-path", "/var/log/a", true},
		{"audit-log-maxage", "30", true},
		{"cert-file", "/etc/etcd/server.crt", true},
		{"bind-address", "127.0.0.1", true},
		{"request-timeout", "", true},
		{"after-terminator", "", false},
		{"positional", "", false},
		{"token-auth-file", "", false},
	} {
		if got, ok := f.value(tc.name); got != tc.want || ok != tc.ok {
			t.Errorf("value(%s) = %q, %v; want %q, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
	if o, _ := f.last("audit-log-path"); o.joined || o.valuePath.String() != "command[5]" || o.path.String() != "command[4]" {
		t.Errorf("--flag value: %+v", o)
	}
	if o, _ := f.last("bind-address"); !o.joined || o.valuePath.String() != "command[13]" {
		t.Errorf("the last occurrence wins: %+v", o)
	}
	if got := f.list("enable-admission-plugins"); !slices.Equal(got, []string{"NodeRestriction", "ServiceAccount", "AlwaysPullImages"}) {
		t.Errorf("list = %v", got)
	}
	if o, ok := f.listOcc("authorization-mode", "AlwaysAllow"); !ok || o.path.String() != "command[11]" {
		t.Errorf("listOcc = %+v, %v", o, ok)
	}
	if v, ok, valid := f.boolean("anonymous-auth"); !v || !ok || !valid {
		t.Errorf("boolean(anonymous-auth) = %v %v %v", v, ok, valid)
	}
	g := f.gates("feature-gates")
	if rk := g["RotateKubeletServerCertificate"]; rk.enabled || !rk.valid || rk.occ.path.String() != "command[15]" {
		t.Errorf("later feature gate settings win: %+v", rk)
	}
	if foo, ok := g["Foo"]; !ok || foo.enabled {
		t.Errorf("Foo gate = %+v", foo)
	}
}

func TestParseFlagsBooleans(t *testing.T) {
	f := parseFlags(argsOf("--anonymous-auth=False", "--profiling=0", "--client-cert-auth=yes", "--auto-tls=t"), boolFlags)
	for _, tc := range []struct {
		name           string
		val, ok, valid bool
	}{
		{"anonymous-auth", false, true, true},
		{"profiling", false, true, true},
		{"client-cert-auth", false, true, false}, // "yes" is not a Go boolean: etcd refuses it
		{"auto-tls", true, true, true},
		{"peer-auto-tls", false, false, false},
	} {
		v, ok, valid := f.boolean(tc.name)
		if v != tc.val || ok != tc.ok || valid != tc.valid {
			t.Errorf("boolean(%s) = %v %v %v; want %v %v %v", tc.name, v, ok, valid, tc.val, tc.ok, tc.valid)
		}
	}
}

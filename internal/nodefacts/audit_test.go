package nodefacts_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strata-sec/strata/internal/nodefacts"
)

// auditRoot is a root whose kube-apiserver static pod names an audit policy file.
func auditRoot(t *testing.T, policyFlag string) string {
	t.Helper()
	root := t.TempDir()
	mkdir(t, root, "etc/kubernetes/manifests")
	manifest := "apiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver}\nspec:\n  containers:\n" +
		"  - name: kube-apiserver\n    command: [kube-apiserver, " + policyFlag + "]\n"
	writeFile(t, root, "etc/kubernetes/manifests/kube-apiserver.yaml", manifest)
	return root
}

func writeFile(t *testing.T, root, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCollectAuditPolicy(t *testing.T) {
	for _, tc := range []struct {
		name, flag, file, content string
		want                      nodefacts.AuditPolicy
		wantErr                   string
	}{
		{name: "missing", flag: "--audit-policy-file=/etc/kubernetes/audit.yaml",
			want: nodefacts.AuditPolicy{Path: "/etc/kubernetes/audit.yaml"}},
		{name: "unparsable", flag: "--audit-policy-file=/etc/kubernetes/audit.yaml",
			file: "etc/kubernetes/audit.yaml", content: "rules: [level: Metadata\n", wantErr: "parse /etc/kubernetes/audit.yaml"},
		{name: "not a policy", flag: "--audit-policy-file=/etc/kubernetes/audit.yaml",
			file: "etc/kubernetes/audit.yaml", content: "apiVersion: v1\nkind: ConfigMap\n", wantErr: "not an audit.k8s.io Policy"},
		{name: "no rules", flag: "--audit-policy-file=/etc/kubernetes/audit.yaml",
			file: "etc/kubernetes/audit.yaml", content: "apiVersion: audit.k8s.io/v1\nkind: Policy\n", wantErr: "no rules"},
		{name: "rules in order", flag: "--audit-policy-file=/etc/kubernetes/audit.yaml", file: "etc/kubernetes/audit.yaml",
			content: "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Request\n  users: [alice]\n" +
				"  resources: [{resources: [secrets], resourceNames: [s1]}]\n- level: Metadata\n",
			want: nodefacts.AuditPolicy{Path: "/etc/kubernetes/audit.yaml", Exists: true, Rules: []nodefacts.AuditPolicyRule{
				{Level: "Request", Users: []string{"alice"}, Resources: []nodefacts.AuditGroupResources{
					{Resources: []string{"secrets"}, ResourceNames: []string{"s1"}}}},
				{Level: "Metadata"},
			}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := auditRoot(t, tc.flag)
			if tc.file != "" {
				writeFile(t, root, tc.file, tc.content)
			}
			f, errs := nodefacts.Collect(root, nodefacts.Options{Now: fixedNow})
			ap := f.ControlPlane.AuditPolicy
			if ap == nil {
				t.Fatal("auditPolicy not recorded")
			}
			if tc.wantErr != "" {
				if !ap.Exists || !strings.Contains(ap.Error, tc.wantErr) || len(ap.Rules) != 0 || len(errs) != 1 {
					t.Errorf("auditPolicy = %+v, errors %v: want exists, error containing %q", ap, errs, tc.wantErr)
				}
				return
			}
			if len(errs) != 0 || !equalJSON(t, *ap, tc.want) {
				t.Errorf("auditPolicy = %+v, errors %v: want %+v", *ap, errs, tc.want)
			}
		})
	}
}

func TestCollectAuditPolicyStaysInRoot(t *testing.T) {
	root := auditRoot(t, "--audit-policy-file=/etc/kubernetes/audit.yaml")
	outside := filepath.Join(t.TempDir(), "audit.yaml")
	if err := os.WriteFile(outside, []byte("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Metadata}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	symlink(t, outside, root, "etc/kubernetes/audit.yaml")
	f, _ := nodefacts.Collect(root, nodefacts.Options{Now: fixedNow})
	if ap := f.ControlPlane.AuditPolicy; ap == nil || ap.Exists || len(ap.Rules) != 0 {
		t.Errorf("auditPolicy = %+v, want the link's target looked up inside the root (absent)", ap)
	}
}

func TestCollectNoAuditPolicyFlag(t *testing.T) {
	root := auditRoot(t, "--profiling=false")
	f, _ := nodefacts.Collect(root, nodefacts.Options{Now: fixedNow})
	if f.ControlPlane.AuditPolicy != nil {
		t.Errorf("auditPolicy = %+v, want nil without --audit-policy-file", f.ControlPlane.AuditPolicy)
	}
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}

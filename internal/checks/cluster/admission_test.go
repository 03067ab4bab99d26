package cluster

import (
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
)

func TestURLProblems(t *testing.T) {
	tests := []struct {
		url  string
		want string // substring of the joined problems; "" for none
	}{
		{"https://policy.example.com/validate", ""},
		{"https://10.0.12.4:8443/validate", ""},
		{"https://[2001:db8::10]/validate", ""},
		{"http://policy.example.com/validate", "uses http rather than https"},
		{"HTTPS://policy.example.com/", ""},
		{"https://169.254.169.254/latest/meta-data/", "cloud metadata service 169.254.169.254"},
		{"https://[fd00:ec2::254]/latest/", "cloud metadata service fd00:ec2::254"},
		{"https://100.100.100.200/latest/meta-data", "cloud metadata service 100.100.100.200"},
		{"https://169.254.170.2/v2/credentials", "cloud metadata service 169.254.170.2"},
		{"https://metadata.google.internal./computeMetadata/v1/", "cloud metadata service metadata.google.internal"},
		{"https://METADATA.GOOGLE.INTERNAL/", "cloud metadata service metadata.google.internal"},
		{"https://[::ffff:169.254.169.254]/", "cloud metadata service 169.254.169.254"},
		{"https://127.0.0.1:2379/", "loopback (127.0.0.1)"},
		{"https://127.8.9.10/", "loopback (127.8.9.10)"},
		{"https://[::1]:10250/", "loopback (::1)"},
		{"https://localhost:6443/", "loopback (localhost)"},
		{"https://api.localhost/", "loopback (api.localhost)"},
		{"https://0.0.0.0:10250/", "unspecified address 0.0.0.0"},
		{"https://[::]/", "unspecified address ::"},
		{"https://169.254.3.4/", "link-local address 169.254.3.4"},
		{"https://[fe80::1%25eth0]:8443/", "link-local address fe80::1"},
		{"http://127.0.0.1/", "uses http rather than https"},
		{"/relative/path", "is not an absolute URL"},
		{"https://[::1", "is not an absolute URL"},
	}
	for _, tt := range tests {
		got := strings.Join(urlProblems(tt.url), "; ")
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("urlProblems(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
	if got := urlProblems("http://127.0.0.1/"); len(got) != 2 {
		t.Errorf("http to loopback: %q, want both problems", got)
	}
}

func TestRuleCovers(t *testing.T) {
	tests := []struct {
		patterns []string
		resource string
		want     bool
	}{
		{strs("pods"), "pods", true},
		{strs("pods"), "pods/exec", false},
		{strs("*"), "pods", true},
		{strs("*"), "pods/exec", false},
		{strs("*/*"), "pods/exec", true},
		{strs("pods/*"), "pods/exec", true},
		{strs("pods/*"), "pods", false},
		{strs("*/exec"), "pods/exec", true},
		{strs("*/scale"), "pods/exec", false},
		{strs("deployments/scale"), "deployments", false},
		{strs("pods/exec"), "pods/exec", true},
		{nil, "pods", false},
	}
	for _, tt := range tests {
		if got := ruleCovers(tt.patterns, tt.resource); got != tt.want {
			t.Errorf("ruleCovers(%q, %q) = %v, want %v", tt.patterns, tt.resource, got, tt.want)
		}
	}
}

func testWebhookRule(groups, resources []string) admissionregistrationv1.RuleWithOperations {
	return admissionregistrationv1.RuleWithOperations{Rule: admissionregistrationv1.Rule{APIGroups: groups, Resources: resources}}
}

func TestGuarded(t *testing.T) {
	tests := []struct {
		rules []admissionregistrationv1.RuleWithOperations
		want  string
	}{
		{nil, ""},
		{[]admissionregistrationv1.RuleWithOperations{testWebhookRule(strs(""), strs("configmaps"))}, ""},
		{[]admissionregistrationv1.RuleWithOperations{testWebhookRule(strs("apps"), strs("pods"))}, ""},
		{[]admissionregistrationv1.RuleWithOperations{testWebhookRule(strs(""), strs("pods/exec"))}, "pods/exec"},
		{[]admissionregistrationv1.RuleWithOperations{testWebhookRule(strs("apps", "batch"), strs("deployments", "cronjobs"))}, "deployments.apps, cronjobs.batch"},
		{[]admissionregistrationv1.RuleWithOperations{testWebhookRule(strs("rbac.authorization.k8s.io"), strs("*"))}, "roles.rbac.authorization.k8s.io, rolebindings.rbac.authorization.k8s.io, clusterroles.rbac.authorization.k8s.io, clusterrolebindings.rbac.authorization.k8s.io"},
		{[]admissionregistrationv1.RuleWithOperations{testWebhookRule(strs("*"), strs("secrets"))}, "secrets"},
		{[]admissionregistrationv1.RuleWithOperations{testWebhookRule(strs("*"), strs("*"))}, "every resource (without subresources)"},
		{[]admissionregistrationv1.RuleWithOperations{testWebhookRule(strs("*"), strs("*/*"))}, "every resource"},
	}
	for _, tt := range tests {
		if got := strings.Join(admissionWebhook{rules: tt.rules}.guarded(), ", "); got != tt.want {
			t.Errorf("guarded(%+v) = %q, want %q", tt.rules, got, tt.want)
		}
	}
	if got := listResources(strs("a", "b", "c", "d", "e", "f")); got != "a, b, c, d and 2 more" {
		t.Errorf("listResources = %q", got)
	}
}

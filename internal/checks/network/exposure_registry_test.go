package network

import (
	"testing"

	"github.com/strata-sec/strata/internal/check"
)

// TestRegistry validates every check's metadata, IDs and kinds the way the built-in registry does.
func TestRegistry(t *testing.T) {
	if _, err := check.NewRegistry(Checks()); err != nil {
		t.Fatal(err)
	}
}

func TestInternalTarget(t *testing.T) {
	for _, tc := range []struct {
		name, namespace string
		internal        bool
	}{
		{"169.254.169.254", "a", true},
		{"metadata.google.internal.", "a", true},
		{"100.100.100.200", "a", true},
		{"127.0.0.1", "a", true},
		{"10.1.2.3", "a", true},
		{"LOCALHOST", "a", true},
		{"kubernetes.default.svc.cluster.local", "a", true},
		{"db.b.svc.cluster.local", "a", true},
		{"db.a.svc.cluster.local", "a", false},
		{"ip-10-0-0-1.ec2.internal", "a", true},
		{"api.stripe.com", "a", false},
		{"203.0.113.10", "a", false},
		{"svc.example.com", "a", false},
	} {
		if got := internalTarget(tc.name, tc.namespace) != ""; got != tc.internal {
			t.Errorf("internalTarget(%q, %q) internal = %v, want %v", tc.name, tc.namespace, got, tc.internal)
		}
	}
}

func TestHostMatches(t *testing.T) {
	for _, tc := range []struct {
		pattern, host string
		want          bool
	}{
		{"shop.example.com", "shop.example.com", true},
		{"*.example.com", "shop.example.com", true},
		{"*.example.com", "example.com", false},
		{"*.example.com", "a.shop.example.com", false},
		{"*.example.com", "", false},
		{"shop.example.com", "admin.shop.example.com", false},
	} {
		if got := hostMatches(tc.pattern, tc.host); got != tc.want {
			t.Errorf("hostMatches(%q, %q) = %v, want %v", tc.pattern, tc.host, got, tc.want)
		}
	}
}

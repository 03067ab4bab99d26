package clusterrole

import (
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/strata-sec/strata/internal/check"
)

// reader is a check that only declares inputs.
type reader []schema.GroupKind

func (r reader) Metadata() *check.Meta      { return &check.Meta{ID: "ST-9999"} }
func (r reader) Inputs() []schema.GroupKind { return r }

func TestForChecks(t *testing.T) {
	role, excluded := ForChecks("strata", []check.Check{
		reader{{Kind: "Pod"}, {Group: "apps", Kind: "Deployment"}, {Kind: "Secret"}},
		reader{{Group: "networking.k8s.io", Kind: "NetworkPolicy"}, {Group: "networking.k8s.io", Kind: "Ingress"}, {Kind: "Pod"}},
		reader{{Group: "strata.dev", Kind: "NodeFacts"}, {Group: "gateway.networking.k8s.io", Kind: "HTTPRoute"}, {Group: "gateway.networking.k8s.io", Kind: "Gateway"}},
	})
	got := map[string]string{}
	for _, r := range role.Rules {
		if len(r.NonResourceURLs) > 0 {
			got["urls"] = strings.Join(r.NonResourceURLs, ",") + " " + strings.Join(r.Verbs, ",")
			continue
		}
		got[r.APIGroups[0]] = strings.Join(r.Resources, ",") + " " + strings.Join(r.Verbs, ",")
	}
	want := map[string]string{
		"":                          "pods get,list,watch",
		"apps":                      "deployments get,list,watch",
		"networking.k8s.io":         "ingresses,networkpolicies get,list,watch",
		"gateway.networking.k8s.io": "gateways,httproutes get,list,watch",
		"urls":                      "/api,/api/*,/apis,/apis/*,/version get",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("rule for group %q = %q, want %q", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("rules %v, want %v", got, want)
	}
	if len(excluded) != 1 || excluded[0].Kind.Kind != "Secret" {
		t.Errorf("excluded = %+v, want Secret only", excluded)
	}
	if err := Validate(role); err != nil {
		t.Error(err)
	}
}

func TestValidateRejects(t *testing.T) {
	for name, rule := range map[string]rbacv1.PolicyRule{
		"write verb":     {APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "delete"}},
		"secrets":        {APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"list"}},
		"secret subres":  {APIGroups: []string{""}, Resources: []string{"secrets/status"}, Verbs: []string{"get"}},
		"every resource": {APIGroups: []string{""}, Resources: []string{"*"}, Verbs: []string{"get"}},
		"every group":    {APIGroups: []string{"*"}, Resources: []string{"pods"}, Verbs: []string{"get"}},
		"wildcard verb":  {APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"*"}},
		"every url":      {NonResourceURLs: []string{"*"}, Verbs: []string{"get"}},
	} {
		role := &rbacv1.ClusterRole{Rules: []rbacv1.PolicyRule{rule}}
		if err := Validate(role); err == nil {
			t.Errorf("%s: Validate accepted %+v", name, rule)
		}
	}
}

package nodefacts

import (
	"errors"
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"
)

// rawAuditPolicy is the part of an audit.k8s.io Policy strata reads. Fields it does not
// judge (omitStages, omitManagedFields) are left out; the decoder ignores them.
type rawAuditPolicy struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Rules      []struct {
		Level     string `json:"level"`
		Resources []struct {
			Group         string   `json:"group"`
			Resources     []string `json:"resources"`
			ResourceNames []string `json:"resourceNames"`
		} `json:"resources"`
		Verbs           []string `json:"verbs"`
		Namespaces      []string `json:"namespaces"`
		Users           []string `json:"users"`
		UserGroups      []string `json:"userGroups"`
		NonResourceURLs []string `json:"nonResourceURLs"`
	} `json:"rules"`
}

// auditPolicy reads the policy file named by the kube-apiserver's --audit-policy-file, when
// the API server is on this node and has one.
func (c *collector) auditPolicy() {
	api, ok := c.f.ControlPlane.Components[APIServer]
	if !ok {
		return
	}
	p := strings.TrimSpace(api.Flags["audit-policy-file"])
	if p == "" {
		return
	}
	ap := &AuditPolicy{Path: p}
	c.f.ControlPlane.AuditPolicy = ap
	b, present, err := c.fs.read(p, maxConfigFile)
	ap.Exists = present
	if err != nil {
		c.fail(err)
		ap.Error = err.Error()
		return
	}
	if !present {
		return
	}
	rules, err := ParseAuditPolicy(b)
	if err != nil {
		ap.Error = fmt.Sprintf("parse %s: %v", p, err)
		c.fail(fmt.Errorf("parse %s: %w", p, err))
		return
	}
	ap.Rules = rules
}

// ParseAuditPolicy parses an audit.k8s.io Policy (YAML or JSON) into its rules, in order.
// Input is untrusted: the caller bounds its size, and only the fields strata judges are kept.
func ParseAuditPolicy(b []byte) ([]AuditPolicyRule, error) {
	var raw rawAuditPolicy
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	if raw.Kind != "Policy" || !strings.HasPrefix(raw.APIVersion, "audit.k8s.io/") {
		return nil, fmt.Errorf("apiVersion %q kind %q is not an audit.k8s.io Policy", raw.APIVersion, raw.Kind)
	}
	if len(raw.Rules) == 0 {
		return nil, errors.New("the policy has no rules")
	}
	rules := make([]AuditPolicyRule, 0, len(raw.Rules))
	for _, r := range raw.Rules {
		rule := AuditPolicyRule{
			Level: r.Level, Verbs: r.Verbs, Namespaces: r.Namespaces,
			Users: r.Users, UserGroups: r.UserGroups, NonResourceURLs: r.NonResourceURLs,
		}
		for _, gr := range r.Resources {
			rule.Resources = append(rule.Resources, AuditGroupResources{
				Group: gr.Group, Resources: gr.Resources, ResourceNames: gr.ResourceNames,
			})
		}
		rules = append(rules, rule)
	}
	return rules, nil
}

package node

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// kubelet is the effective configuration of a node's kubelet. The kubelet reads its
// configuration file (--config), then applies its command-line flags over it, so a flag wins
// over the file and the file over the defaults.
type kubelet struct {
	facts *nodefacts.Kubelet
	// fileInEffect is true when the kubelet reads facts.Config: it runs with --config, or no
	// process was seen and the recorded file is all there is to judge.
	fileInEffect bool
}

// kubeletOf returns the node's kubelet, or a NotAssessed error when there is nothing to judge.
func kubeletOf(f *nodefacts.Facts) (*kubelet, error) {
	k := &f.Kubelet
	_, configFlag := k.Flags["config"]
	wantsFile := configFlag || !k.Found
	switch {
	case !k.Found && k.ConfigPath == "":
		return nil, check.NotAssessedf("no kubelet runs on this node and no kubelet configuration file was found")
	case wantsFile && k.ConfigPath != "" && k.Config == nil:
		return nil, check.NotAssessedf("the kubelet configuration file %s could not be read", k.ConfigPath)
	}
	return &kubelet{facts: k, fileInEffect: wantsFile && k.Config != nil}, nil
}

// setting is one kubelet setting as the kubelet sees it.
type setting struct {
	value any
	set   bool
	// name says where the value comes from: "--read-only-port" or "readOnlyPort in
	// /var/lib/kubelet/config.yaml"; for an unset setting, where it could have been set.
	name string
	path *field.Path
}

// get resolves a setting from its flag (without dashes; "" when it has none) and its field in
// the configuration file.
func (k *kubelet) get(flag string, key ...string) setting {
	if v, ok := k.facts.Flags[flag]; ok && flag != "" {
		return setting{value: v, set: true, name: "--" + flag, path: field.NewPath("kubelet", "flags").Key(flag)}
	}
	field := strings.Join(key, ".")
	if k.fileInEffect && len(key) > 0 {
		if v, ok := lookup(k.facts.Config, key); ok && v != nil {
			return setting{value: v, set: true, name: field + " in " + k.facts.ConfigPath, path: configPath(key)}
		}
	}
	return setting{name: k.unsetName(flag, field), path: k.unsetPath()}
}

func (k *kubelet) unsetName(flag, key string) string {
	var parts []string
	if flag != "" {
		parts = append(parts, "--"+flag+" is not given")
	}
	switch {
	case key == "":
	case k.fileInEffect:
		parts = append(parts, key+" is not set in "+k.facts.ConfigPath)
	default:
		parts = append(parts, "the kubelet runs without a configuration file")
	}
	return strings.Join(parts, " and ")
}

// unsetPath is where a violation about a setting left at its default points.
func (k *kubelet) unsetPath() *field.Path {
	switch {
	case k.fileInEffect:
		return field.NewPath("kubelet", "config")
	case k.facts.Found:
		return field.NewPath("kubelet", "args")
	}
	return field.NewPath("kubelet")
}

func configPath(key []string) *field.Path {
	return field.NewPath("kubelet", append([]string{"config"}, key...)...)
}

func lookup(m map[string]any, key []string) (any, bool) {
	var cur any = m
	for _, k := range key {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// featureGate resolves one feature gate: --feature-gates=A=true,B=false over the file's
// featureGates map, gate by gate, as the kubelet merges them.
func (k *kubelet) featureGate(gate string) setting {
	if list, ok := k.facts.Flags["feature-gates"]; ok {
		for _, item := range strings.Split(list, ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(item), "=")
			if name == gate {
				return setting{value: val, set: true, name: "--feature-gates " + gate, path: field.NewPath("kubelet", "flags").Key("feature-gates")}
			}
		}
	}
	s := k.get("", "featureGates", gate)
	if !s.set {
		s.name = "the " + gate + " feature gate is not set"
	}
	return s
}

// boolean returns a setting's value as a boolean; a value that is not one is an error, since
// the kubelet would not start with it and the facts must be wrong.
func (s setting) boolean() (bool, error) {
	switch v := s.value.(type) {
	case bool:
		return v, nil
	case string:
		if b, err := strconv.ParseBool(strings.TrimSpace(v)); err == nil {
			return b, nil
		}
	}
	return false, fmt.Errorf("kubelet %s is %v, not a boolean", s.name, s.value)
}

// integer returns a setting's value as an integer.
func (s setting) integer() (int64, error) {
	switch v := s.value.(type) {
	case int64:
		return v, nil
	case int:
		return int64(v), nil
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int64(v), nil
		}
	case string:
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("kubelet %s is %v, not an integer", s.name, s.value)
}

// str returns a setting's value as a string.
func (s setting) str() (string, error) {
	if v, ok := s.value.(string); ok {
		return strings.TrimSpace(v), nil
	}
	return "", fmt.Errorf("kubelet %s is %v, not a string", s.name, s.value)
}

// duration returns a setting's value as a duration ("4h0m0s"; a bare 0 is zero).
func (s setting) duration() (time.Duration, error) {
	if n, err := s.integer(); err == nil && n == 0 {
		return 0, nil
	}
	v, err := s.str()
	if err == nil {
		var d time.Duration
		if d, err = time.ParseDuration(v); err == nil {
			return d, nil
		}
	}
	return 0, fmt.Errorf("kubelet %s is %v, not a duration", s.name, s.value)
}

// list returns a setting's value as a list: a comma-separated flag or a YAML sequence.
func (s setting) list() ([]string, error) {
	var out []string
	switch v := s.value.(type) {
	case string:
		for _, item := range strings.Split(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	case []any:
		for _, item := range v {
			str, ok := item.(string)
			if !ok {
				return nil, fmt.Errorf("kubelet %s holds %v, not a string", s.name, item)
			}
			out = append(out, strings.TrimSpace(str))
		}
	default:
		return nil, fmt.Errorf("kubelet %s is %v, not a list", s.name, s.value)
	}
	return out, nil
}

// defaultText says which default applies to an unset setting: the kubelet's legacy flag
// defaults when it runs without a configuration file, the KubeletConfiguration v1beta1
// defaults when it reads one.
func (k *kubelet) defaultText(withFile, withoutFile string) string {
	if k.fileInEffect {
		return withFile
	}
	return withoutFile
}

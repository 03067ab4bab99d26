package cluster

import (
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// etcdSetting is one etcd setting, from its flag or, failing that, its ETCD_* environment
// variable: etcd reads both, and the flag wins.
type etcdSetting struct {
	// label names the setting as it was given: "--client-cert-auth" or "ETCD_CLIENT_CERT_AUTH".
	label string
	value string
	set   bool
	// known is false for an environment variable set from a ConfigMap or Secret.
	known bool
	// occ is the flag occurrence; envPath the environment variable's value when set there.
	occ     *flagOcc
	envPath *field.Path
}

func (c *cpContainer) etcdSetting(name string) etcdSetting {
	if o, ok := c.flags.last(name); ok {
		v := o.value
		if !o.hasValue {
			v = "true"
		}
		return etcdSetting{label: "--" + name, value: v, set: true, known: true, occ: &o}
	}
	env := "ETCD_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
	for i, e := range c.c.Env {
		if e.Name == env {
			p := c.path.Child("env").Index(i).Child("value")
			return etcdSetting{label: env, value: e.Value, set: true, known: e.ValueFrom == nil, envPath: p}
		}
	}
	return etcdSetting{label: "--" + name}
}

// etcdConfigFile reports why etcd's flags say nothing: with a configuration file, etcd ignores its
// command-line flags and environment.
func (c *cpContainer) etcdConfigFile() string {
	if s := c.etcdSetting("config-file"); s.set {
		return "etcd reads its settings from --config-file, which strata does not read, and ignores its flags"
	}
	return ""
}

// etcdTLSSpec names the settings of one of etcd's two TLS listeners, client or peer.
type etcdTLSSpec struct {
	what                          string // "client" or "peer"
	cert, key, auth, auto, listen string
	cisCert, cisAuth, cisAuto     string
}

// etcdTLS checks one listener: a certificate and key, client certificate authentication, no
// self-signed auto TLS, and no plain-HTTP listen URL.
func etcdTLS(c *cpContainer, s etcdTLSSpec) ([]check.Violation, string) {
	if why := c.etcdConfigFile(); why != "" {
		return nil, why
	}
	var out []check.Violation
	for _, name := range []string{s.cert, s.key} {
		if st := c.etcdSetting(name); !st.set || (st.known && strings.TrimSpace(st.value) == "") {
			out = append(out, c.missing(name, fmt.Sprintf("--%s is not set: %s connections are not served over TLS (CIS %s)",
				name, s.what, s.cisCert), nil))
		}
	}
	if v := c.etcdSetting(s.auth); !v.set || (v.known && !isTrue(v.value)) {
		out = append(out, c.etcdViolation(v, s.auth, "true",
			fmt.Sprintf("%s is not true: %s connections are not authenticated with certificates (CIS %s)", v.label, s.what, s.cisAuth)))
	}
	if v := c.etcdSetting(s.auto); v.set && v.known && isTrue(v.value) {
		out = append(out, c.etcdViolation(v, s.auto, "false",
			fmt.Sprintf("%s is true: etcd serves %s connections with a self-signed certificate nobody verifies (CIS %s)", v.label, s.what, s.cisAuto)))
	}
	if o, ok := c.flags.last(s.listen); ok {
		for _, u := range splitList(o.value) {
			if strings.HasPrefix(strings.ToLower(u), "http://") {
				out = append(out, c.atItem(o, u, fmt.Sprintf("--%s includes %s: %s traffic on it is not encrypted (CIS %s)",
					s.listen, u, s.what, s.cisCert), nil))
			}
		}
	}
	return out, ""
}

// etcdViolation points at where a wrong or missing etcd setting is, with a fix when it is a
// flag.
func (c *cpContainer) etcdViolation(v etcdSetting, name, want, msg string) check.Violation {
	switch {
	case v.occ != nil:
		return c.at(*v.occ, msg, setFlag(*v.occ, want))
	case v.envPath != nil:
		return check.Violation{Path: v.envPath, Message: c.component + ": " + msg,
			Fix: []check.PatchOp{{Op: "replace", Path: check.Pointer(v.envPath), Value: want}}}
	}
	return c.missing(name, msg, c.addFlag(name, want))
}

func isTrue(s string) bool {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	return err == nil && b
}

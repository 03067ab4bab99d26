package cluster

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/podspec"
)

// The settings ST-0161 reads: Dashboard arguments and ingress-nginx's snippet switch.

// snippetKey is ingress-nginx's ConfigMap setting that enables the *-snippet annotations.
const snippetKey = "allow-snippet-annotations"

// dashboardRiskyFlags are the risky Dashboard flags and why. --authentication-mode takes a list
// of modes; only basic is risky.
var dashboardRiskyFlags = []struct{ name, why string }{
	{"--enable-skip-login", "anyone who reaches the UI can skip login and act as the Dashboard's service account"},
	{"--enable-insecure-login", "logins are accepted over plain HTTP, exposing bearer tokens"},
	{"--authentication-mode", "basic authentication sends a password with every request"},
}

// dashboardFlags finds risky flags in a Dashboard container's command and args. The fix removes
// the boolean flags and drops basic from --authentication-mode; its operations run from the
// highest index down, so each one's path is still right when it is applied.
func dashboardFlags(c podspec.Container) (check.Violation, bool) {
	var v check.Violation
	var whys []string
	for _, list := range []struct {
		path *field.Path
		args []string
	}{{c.Path.Child("args"), c.Container.Args}, {c.Path.Child("command"), c.Container.Command}} {
		for j := len(list.args) - 1; j >= 0; j-- {
			op, why, bad := riskyDashboardArg(list.args, j, list.path)
			if !bad {
				continue
			}
			v.Path = list.path.Index(j) // ends on the first risky argument, command before args
			v.Fix = append(v.Fix, op)
			if !slices.Contains(whys, why) {
				whys = append([]string{why}, whys...)
			}
		}
	}
	if len(whys) == 0 {
		return check.Violation{}, false
	}
	v.Message = fmt.Sprintf("Kubernetes Dashboard container %q: %s", c.Container.Name, strings.Join(whys, "; "))
	return v, true
}

// riskyDashboardArg rates args[j] and returns the patch operation that makes it safe.
func riskyDashboardArg(args []string, j int, list *field.Path) (check.PatchOp, string, bool) {
	p := check.Pointer(list.Index(j))
	for _, f := range dashboardRiskyFlags {
		rest, ok := strings.CutPrefix(args[j], f.name)
		if !ok || rest != "" && rest[0] != '=' {
			continue
		}
		value := strings.TrimPrefix(rest, "=")
		if f.name != "--authentication-mode" {
			on := rest == ""
			if !on {
				on, _ = strconv.ParseBool(value)
			}
			return check.PatchOp{Op: "remove", Path: p}, f.why, on
		}
		if rest == "" && j+1 < len(args) {
			value = args[j+1] // pflag also takes the value as the next argument
		}
		modes := strings.Split(value, ",")
		if !slices.Contains(modes, "basic") {
			return check.PatchOp{}, "", false
		}
		modes = slices.DeleteFunc(modes, func(m string) bool { return m == "basic" || m == "" })
		if len(modes) == 0 {
			modes = []string{"token"}
		}
		if rest == "" && j+1 < len(args) {
			p = check.Pointer(list.Index(j + 1))
			return check.PatchOp{Op: "replace", Path: p, Value: strings.Join(modes, ",")}, f.why, true
		}
		return check.PatchOp{Op: "replace", Path: p, Value: f.name + "=" + strings.Join(modes, ",")}, f.why, true
	}
	return check.PatchOp{}, "", false
}

// controllerConfigMap returns the namespace and name of the ConfigMap an ingress-nginx
// controller reads (--configmap=namespace/name), expanding $(POD_NAMESPACE), which the
// official manifests use, to the workload's namespace.
func controllerConfigMap(c *corev1.Container, namespace string) ([2]string, bool) {
	args := append(slices.Clone(c.Command), c.Args...)
	for j, a := range args {
		value, ok := strings.CutPrefix(a, "--configmap=")
		if !ok && a == "--configmap" && j+1 < len(args) {
			value, ok = args[j+1], true
		}
		if !ok {
			continue
		}
		ns, name, found := strings.Cut(value, "/")
		if !found {
			return [2]string{}, false
		}
		if ns == "$(POD_NAMESPACE)" {
			ns = namespace
		}
		return [2]string{ns, name}, true
	}
	return [2]string{}, false
}

// snippetsAllowed reads the one setting; ingress-nginx parses it as a Go boolean.
func snippetsAllowed(cm *corev1.ConfigMap) (check.Violation, bool) {
	v, ok := cm.Data[snippetKey]
	if !ok {
		return check.Violation{}, false
	}
	if on, err := strconv.ParseBool(strings.TrimSpace(v)); err != nil || !on {
		return check.Violation{}, false
	}
	p := field.NewPath("data").Key(snippetKey)
	return check.Violation{
		Path:    p,
		Message: "ingress-nginx allows snippet annotations: anyone who can create an Ingress can inject nginx configuration into the controller and read the Secrets it can read (CVE-2021-25742)",
		Fix:     []check.PatchOp{{Op: "replace", Path: check.Pointer(p), Value: "false"}},
	}, true
}

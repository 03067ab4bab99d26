package cluster

import (
	"fmt"
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
)

// The control-plane components whose flags CIS sections 1 and 2 assess.
const (
	apiServer         = "kube-apiserver"
	controllerManager = "kube-controller-manager"
	scheduler         = "kube-scheduler"
	etcd              = "etcd"
)

var podKind = schema.GroupKind{Kind: "Pod"}

// controlPlaneReads is what every control-plane flag check reads.
var controlPlaneReads = []schema.GroupKind{podKind}

// boolFlags are the boolean flags of the components whose values the checks read; they never
// take the next command-line element as their value.
var boolFlags = map[string]bool{
	"anonymous-auth": true, "profiling": true, "service-account-lookup": true, "allow-privileged": true,
	"use-service-account-credentials": true, "client-cert-auth": true, "auto-tls": true,
	"peer-client-cert-auth": true, "peer-auto-tls": true,
}

// cpContainer is one control-plane component found in a pod: a static pod from a manifest
// file, or its mirror pod in a live cluster.
type cpContainer struct {
	obj       *check.Object
	pod       *corev1.Pod
	component string
	c         *corev1.Container
	path      *field.Path // the container's field path
	flags     *flags
	// list is the field ("command" or "args") a missing flag is added to, and length its
	// current length.
	list   string
	length int
}

// findControlPlane returns the containers running any of components in the pods of
// kube-system (and in pods without a namespace: static pod manifests need not name one).
func findControlPlane(inv check.Inventory, components ...string) []*cpContainer {
	var out []*cpContainer
	for _, o := range inv.List(podKind, "") {
		pod, ok := o.Obj.(*corev1.Pod)
		if !ok || (pod.Namespace != "kube-system" && pod.Namespace != "") {
			continue
		}
		for i := range pod.Spec.Containers {
			c := &pod.Spec.Containers[i]
			cp := identify(pod, c, field.NewPath("spec", "containers").Index(i))
			if cp == nil || !contains(components, cp.component) {
				continue
			}
			cp.obj = o
			out = append(out, cp)
		}
	}
	return out
}

// identify recognises a component by the binary its command runs (kube-apiserver,
// /usr/local/bin/etcd, hyperkube kube-apiserver), or, for images whose entrypoint is the
// binary, by the container's name or the pod's component label. Flags are read from the rest
// of the command and the args, in that order, as the container runtime joins them.
func identify(pod *corev1.Pod, c *corev1.Container, p *field.Path) *cpContainer {
	comp, skip := "", 0
	switch {
	case len(c.Command) > 0 && isComponent(path.Base(c.Command[0])):
		comp, skip = path.Base(c.Command[0]), 1
	case len(c.Command) > 1 && path.Base(c.Command[0]) == "hyperkube" && isComponent(hyperkubeName(c.Command[1])):
		comp, skip = hyperkubeName(c.Command[1]), 2
	case len(c.Command) == 0 && isComponent(c.Name):
		comp = c.Name
	case len(c.Command) == 0 && len(pod.Spec.Containers) == 1 && isComponent(pod.Labels["component"]):
		comp = pod.Labels["component"]
	default:
		return nil
	}
	var args []flagArg
	for i := skip; i < len(c.Command); i++ {
		args = append(args, flagArg{c.Command[i], p.Child("command").Index(i)})
	}
	for i, a := range c.Args {
		args = append(args, flagArg{a, p.Child("args").Index(i)})
	}
	cp := &cpContainer{pod: pod, component: comp, c: c, path: p, flags: parseFlags(args, boolFlags)}
	cp.list, cp.length = "command", len(c.Command)
	if len(c.Args) > 0 || len(c.Command) <= skip {
		cp.list, cp.length = "args", len(c.Args)
	}
	return cp
}

func isComponent(name string) bool {
	return contains([]string{apiServer, controllerManager, scheduler, etcd}, name)
}

// hyperkubeName maps a hyperkube sub-command ("apiserver", "kube-apiserver") to its component.
func hyperkubeName(s string) string {
	if s == etcd || strings.HasPrefix(s, "kube-") {
		return s
	}
	return "kube-" + s
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// notVisible is the reason control-plane checks are not assessed when no component is found.
func notVisible(components []string) error {
	return check.NotAssessedf("no %s pod in kube-system: the control plane is not visible "+
		"(managed clusters run it outside the cluster; scan its static pod manifests instead)", orList(components))
}

func orList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// assessFunc checks one component's flags. unknown, when not empty, says why the component's
// setting could not be judged from its flags (it is in a configuration file strata does not
// read); it matters only when there are no violations.
type assessFunc func(c *cpContainer) (vs []check.Violation, unknown string)

// assess runs fn over every container of components. With none found, or none whose setting
// could be judged, the check is not assessed: a managed control plane never reads as a pass.
func assess(inv check.Inventory, fn assessFunc, components ...string) ([]check.ObjectViolation, error) {
	cs := findControlPlane(inv, components...)
	if len(cs) == 0 {
		return nil, notVisible(components)
	}
	var out []check.ObjectViolation
	var unknown []string
	for _, c := range cs {
		vs, why := fn(c)
		if len(vs) == 0 && why != "" {
			unknown = append(unknown, fmt.Sprintf("%s in pod %s: %s", c.component, c.pod.Name, why))
			continue
		}
		for _, v := range vs {
			out = append(out, check.ObjectViolation{Object: c.obj, Violation: v})
		}
	}
	if len(unknown) == len(cs) {
		return nil, check.NotAssessedf("%s", strings.Join(unknown, "; "))
	}
	return out, nil
}

// missing is a violation for a flag that is not given: it points at the list the flag belongs
// in, keyed by the flag so that each missing flag is its own finding.
func (c *cpContainer) missing(flag, msg string, fix []check.PatchOp) check.Violation {
	return check.Violation{Path: c.path.Child(c.list).Key("--" + flag), Message: c.component + ": " + msg, Fix: fix}
}

// at is a violation at a flag's value.
func (c *cpContainer) at(o flagOcc, msg string, fix []check.PatchOp) check.Violation {
	return check.Violation{Path: o.valuePath, Message: c.component + ": " + msg, Fix: fix}
}

// atFlag is a violation at the element that names a flag, for flags whose presence is the
// problem.
func (c *cpContainer) atFlag(o flagOcc, msg string) check.Violation {
	return check.Violation{Path: o.path, Message: c.component + ": " + msg}
}

// atItem is a violation about one item of a list flag's value. The path is keyed by the item,
// so that several items of one occurrence are separate findings.
func (c *cpContainer) atItem(o flagOcc, item, msg string, fix []check.PatchOp) check.Violation {
	return check.Violation{Path: o.valuePath.Key(item), Message: c.component + ": " + msg, Fix: fix}
}

// addFlag is the fix that appends "--flag=value" to the command line.
func (c *cpContainer) addFlag(flag, value string) []check.PatchOp {
	text := "--" + flag + "=" + value
	list := check.Pointer(c.path.Child(c.list))
	if c.length == 0 {
		return []check.PatchOp{{Op: "add", Path: list, Value: []string{text}}}
	}
	return []check.PatchOp{{Op: "add", Path: list + "/-", Value: text}}
}

// setFlag is the fix that changes an occurrence's value.
func setFlag(o flagOcc, value string) []check.PatchOp {
	if o.hasValue && !o.joined {
		return []check.PatchOp{{Op: "replace", Path: check.Pointer(o.valuePath), Value: value}}
	}
	return []check.PatchOp{{Op: "replace", Path: check.Pointer(o.path), Value: "--" + o.name + "=" + value}}
}

// requireFlags reports each of names that is not given, or given an empty value, with why it
// matters and the CIS item.
func (c *cpContainer) requireFlags(cis, why string, names ...string) []check.Violation {
	var out []check.Violation
	for _, n := range names {
		o, ok := c.flags.last(n)
		switch {
		case !ok:
			out = append(out, c.missing(n, fmt.Sprintf("--%s is not set: %s (CIS %s)", n, why, cis), nil))
		case strings.TrimSpace(o.value) == "":
			out = append(out, c.at(o, fmt.Sprintf("--%s is empty: %s (CIS %s)", n, why, cis), nil))
		}
	}
	return out
}

// enabledPlugin reports whether an admission plugin is in the enabled list, and where.
func (c *cpContainer) enabledPlugin(name string) (flagOcc, bool) {
	for _, flag := range []string{"enable-admission-plugins", "admission-control"} {
		if o, ok := c.flags.listOcc(flag, name); ok {
			return o, true
		}
	}
	return flagOcc{}, false
}

// enablePluginFix is the fix that adds an admission plugin to --enable-admission-plugins.
func (c *cpContainer) enablePluginFix(name string) []check.PatchOp {
	o, ok := c.flags.last("enable-admission-plugins")
	if !ok {
		return c.addFlag("enable-admission-plugins", name)
	}
	items := append(splitList(o.value), name)
	return setFlag(o, strings.Join(items, ","))
}

// pluginNotEnabled is a violation for an admission plugin missing from the enabled list: at
// --enable-admission-plugins when it is given, else where it belongs.
func (c *cpContainer) pluginNotEnabled(plugin, msg string) check.Violation {
	fix := c.enablePluginFix(plugin)
	if o, ok := c.flags.last("enable-admission-plugins"); ok {
		return c.atItem(o, plugin, msg, fix)
	}
	return c.missing("enable-admission-plugins", msg, fix)
}

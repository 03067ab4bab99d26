package container

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/imagefacts"
	"github.com/strata-sec/strata/internal/podspec"
)

// Why: a container runs as the image's USER unless the pod spec says otherwise, and most
// images never set one, so they run as UID 0. Root in the container is root on the node's
// files it can reach (volumes, hostPath, a writable /proc/sys), holds the capabilities the
// runtime grants by default, and is one kernel or runtime bug away from root on the node (runc
// CVE-2019-5736 needed root in the container). Neither the manifest nor the image alone tells:
// the finding needs both, so this check joins each workload's containers with the facts of
// the image they name. runAsNonRoot: true or a non-zero runAsUser (container or pod level)
// overrides the image, and the kubelet then refuses to start a root image; the fix adds
// runAsNonRoot so that the override is explicit. Containers whose image has no usable facts
// are not judged; when none has, the check is not assessed. An image no workload in the input
// runs (strata image REF) is judged alone: nothing overrides its USER, so a root USER is a
// finding on the image itself.
var imageRunsAsRoot = &check.ClusterCheck{
	Meta: check.Meta{
		ID:       "ST-0064",
		Slug:     "image-runs-as-root",
		Title:    "Container runs as root because its image does",
		Layer:    check.LayerContainer,
		Severity: check.SeverityMedium,
		Description: "The image's USER is root (or not set, which means root), and neither the container " +
			"nor the pod sets runAsNonRoot: true or a non-zero runAsUser, so the process runs as UID 0. " +
			"Any code execution in it starts as root: it can write every file the container can see, " +
			"use the default capabilities, and needs one kernel or runtime bug to become root on the node.",
		Remediation: "Build the image with a numeric non-root USER (USER 10001), and set securityContext.runAsNonRoot: " +
			"true on the container (with runAsUser if the image cannot be changed) so that the kubelet refuses to run it as root.",
		References: []string{
			"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
			"https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
			"https://docs.docker.com/reference/dockerfile/#user",
		},
	},
	Reads: append(slices.Clone(podspec.Kinds), imagefacts.Kind),
	Run:   runImageRunsAsRoot,
}

func runImageRunsAsRoot(_ *check.Env, inv check.Inventory) ([]check.ObjectViolation, error) {
	if len(inv.List(imagefacts.Kind, "")) == 0 {
		return nil, check.NotAssessedf("no Image facts in the input")
	}
	var out []check.ObjectViolation
	judged := 0
	unknown := map[string]string{}
	run := map[string]bool{}
	for _, gk := range podspec.Kinds {
		for _, o := range inv.List(gk, "") {
			t, ok := podspec.Extract(o.Obj)
			if !ok || check.ControlledByWorkload(inv, o) || isWindows(t.Spec) {
				continue
			}
			for c := range podspec.Containers(t.Spec, t.Path) {
				img := c.Container.Image
				run[img] = true
				f, why := factsFor(inv, img)
				if f == nil {
					unknown[img] = why
					continue
				}
				judged++
				if !rootUser(f.Config) || overridesUser(t.Spec.SecurityContext, c.Container.SecurityContext) {
					continue
				}
				out = append(out, check.ObjectViolation{Object: o, Violation: check.Violation{
					Path: c.Path,
					Message: fmt.Sprintf("%s runs image %s as root (image USER %q) and neither the container nor the pod sets runAsNonRoot: true or a non-zero runAsUser",
						c.String(), img, f.Config.User),
					Fix: runAsNonRootFix(c),
				}})
			}
		}
	}
	for _, o := range inv.List(imagefacts.Kind, "") {
		f, ok := o.Obj.(*imagefacts.Facts)
		if !ok || run[o.Ref.Name] || f.Error != "" {
			continue
		}
		judged++
		if rootUser(f.Config) {
			out = append(out, check.ObjectViolation{Object: o, Violation: check.Violation{
				Path: field.NewPath("config", "user"),
				Message: fmt.Sprintf("image %s runs as root by default (USER %q) and no workload in the input sets runAsNonRoot or runAsUser for it",
					o.Ref.Name, f.Config.User),
			}})
		}
	}
	if len(out) == 0 && len(unknown) > 0 {
		return nil, check.NotAssessedf("%d container(s) judged, none runs as root, but %s", judged, describeUnknown(unknown))
	}
	return out, nil
}

// rootUser reports whether the image's USER makes the process UID 0. An empty USER is root.
// A name is root when it is "root" or the image's /etc/passwd maps it to 0; a name strata
// could not resolve (UID -1) is not judged.
func rootUser(c imagefacts.Config) bool {
	user, _, _ := strings.Cut(c.User, ":")
	switch user {
	case "", "0", "root":
		return true
	}
	if n, err := strconv.Atoi(user); err == nil {
		return n == 0
	}
	return c.UID == 0
}

// overridesUser reports whether the pod spec keeps the container off UID 0 whatever the image
// says: runAsNonRoot true, or an explicit runAsUser (the container's wins over the pod's). An
// explicit runAsUser: 0 is the workload layer's finding, not the image's.
func overridesUser(pod *corev1.PodSecurityContext, ctr *corev1.SecurityContext) bool {
	var nonRoot *bool
	var uid *int64
	if pod != nil {
		nonRoot, uid = pod.RunAsNonRoot, pod.RunAsUser
	}
	if ctr != nil {
		if ctr.RunAsNonRoot != nil {
			nonRoot = ctr.RunAsNonRoot
		}
		if ctr.RunAsUser != nil {
			uid = ctr.RunAsUser
		}
	}
	return (nonRoot != nil && *nonRoot) || uid != nil
}

func runAsNonRootFix(c podspec.Container) []check.PatchOp {
	p := check.Pointer(c.Path.Child("securityContext"))
	if c.Container.SecurityContext == nil {
		return []check.PatchOp{{Op: "add", Path: p, Value: map[string]any{"runAsNonRoot": true}}}
	}
	return []check.PatchOp{{Op: "add", Path: p + "/runAsNonRoot", Value: true}}
}

func isWindows(spec *corev1.PodSpec) bool {
	return spec.OS != nil && spec.OS.Name == corev1.Windows
}

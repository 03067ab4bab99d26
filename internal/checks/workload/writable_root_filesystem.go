package workload

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
)

// Why: a writable root filesystem is an attacker's workbench. After an RCE they download
// tools, drop a web shell into the application's directory, replace a binary or a library the
// application loads next, or add a cron entry — and all of it persists until the container is
// replaced. With a read-only root the only writable places are the volumes the pod declares,
// which is also what makes drift from the image detectable.
var writableRootFilesystem = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0032",
		Slug:     "writable-root-filesystem",
		Title:    "Container root filesystem is writable",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityMedium,
		Description: "The container does not set securityContext.readOnlyRootFilesystem: true, so a " +
			"compromised process can download tools, plant web shells or modify the application's own " +
			"binaries and libraries inside the container.",
		Remediation: "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir at each path the " +
			"application must write to (such as /tmp or a cache directory).",
		References: []string{
			"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
			"https://www.cisecurity.org/benchmark/kubernetes",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var out []check.Violation
		for c := range w.Containers() {
			sc := c.Container.SecurityContext
			if sc != nil && sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem {
				continue
			}
			scPath := c.Path.Child("securityContext")
			fix := check.PatchOp{Op: "add", Path: check.Pointer(scPath), Value: map[string]any{"readOnlyRootFilesystem": true}}
			msg := fmt.Sprintf("container %q does not set readOnlyRootFilesystem", c.Container.Name)
			if sc != nil {
				fix = check.PatchOp{Op: "add", Path: check.Pointer(scPath.Child("readOnlyRootFilesystem")), Value: true}
				if sc.ReadOnlyRootFilesystem != nil {
					msg = fmt.Sprintf("container %q sets readOnlyRootFilesystem: false", c.Container.Name)
				}
			}
			out = append(out, check.Violation{
				Path:    scPath.Child("readOnlyRootFilesystem"),
				Message: msg,
				Fix:     []check.PatchOp{fix},
			})
		}
		return out, nil
	},
}

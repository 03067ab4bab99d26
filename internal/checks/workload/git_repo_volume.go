package workload

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
)

// Why: the in-tree gitRepo volume makes the kubelet run git on the node, as root and outside
// any container, against a repository the pod author chooses. CVE-2024-10220 used the hooks
// directory of such a repository to run arbitrary commands on the node, and CVE-2025-1767 lets
// a pod clone another pod's local repository from the node, a flaw that will not be fixed
// because the plugin is deprecated. Anyone who may create a pod thus gets code execution or
// data access on the node. Recent Kubernetes releases disable the plugin by default, but
// clusters that re-enable it, or run older kubelets, still honour it.
var gitRepoVolume = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0043",
		Slug:     "git-repo-volume",
		Title:    "Deprecated gitRepo volume",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityHigh,
		Description: "The pod uses a gitRepo volume, which makes the kubelet clone a repository on the node " +
			"outside any container. The plugin is deprecated and unmaintained: CVE-2024-10220 runs " +
			"commands on the node through git hooks in the cloned repository, and CVE-2025-1767 reads " +
			"other pods' local repositories, so anyone allowed to create this pod can execute code or " +
			"read data on the node.",
		Remediation: "Replace the gitRepo volume with an emptyDir populated by an init container that runs git clone (or a git-sync sidecar), and block gitRepo volumes with an admission policy.",
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/volumes/#gitrepo",
			"https://github.com/kubernetes/kubernetes/issues/128885",
			"https://github.com/kubernetes/kubernetes/issues/130786",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var vs []check.Violation
		for i, v := range w.Spec.Volumes {
			if v.GitRepo == nil {
				continue
			}
			vs = append(vs, check.Violation{
				Path: w.Path.Child("volumes").Index(i).Child("gitRepo"),
				// The repository URL is not echoed: it may carry credentials.
				Message: fmt.Sprintf("volume %q is a gitRepo volume: the kubelet clones it on the node as root, where the repository's hooks can run commands (CVE-2024-10220)", v.Name),
			})
		}
		return vs, nil
	},
}

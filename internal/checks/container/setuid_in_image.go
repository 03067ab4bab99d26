package container

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/imagefacts"
)

// Why: a setuid (or setgid) executable runs with its owner's (group's) identity whoever
// starts it. Owned by root, it is how a process that was careful to run as a non-root user
// becomes root again inside the container: through a bug in the binary (sudo, su, mount,
// passwd have all had them) or through its intended use. runAsNonRoot does not help; only
// allowPrivilegeEscalation: false (no_new_privs) neutralises the bit, and many pods do not
// set it. Removing the bits at build time closes the path for every workload at once.
var setuidInImage = &check.ObjectCheck[*imagefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0068",
		Slug:     "setuid-binary-in-image",
		Title:    "Image contains setuid or setgid executables",
		Layer:    check.LayerContainer,
		Severity: check.SeverityMedium,
		Description: "The image contains executables with the setuid or setgid bit. They run with their owner's " +
			"or group's identity, usually root, whoever starts them, so a process running as a non-root user " +
			"can regain root inside the container through them unless allowPrivilegeEscalation is false.",
		Remediation: "Remove the bits in the Dockerfile's last stage (RUN find / -xdev -perm /6000 -type f -exec " +
			"chmod a-s {} +, or chmod u-s,g-s on the listed files), or delete the binaries; and set " +
			"allowPrivilegeEscalation: false on every container.",
		References: []string{
			"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
			"https://man7.org/linux/man-pages/man2/execve.2.html",
			"https://attack.mitre.org/techniques/T1548/001/",
		},
	},
	Kind: imagefacts.Kind,
	Run: func(_ *check.Env, _ *check.Object, f *imagefacts.Facts) ([]check.Violation, error) {
		return filesOf(f, describeSetuid, imagefacts.FileSetuid, imagefacts.FileSetgid)
	},
}

func describeSetuid(file imagefacts.File) string {
	if file.Category == imagefacts.FileSetgid {
		return fmt.Sprintf("%s, setgid to group %d (mode %s, %s)", file.Path, file.GID, file.Mode, layerNote(file))
	}
	owner := fmt.Sprintf("user %d", file.UID)
	if file.UID == 0 {
		owner = "root"
	}
	return fmt.Sprintf("%s, setuid %s (mode %s, %s)", file.Path, owner, file.Mode, layerNote(file))
}

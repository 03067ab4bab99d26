package node

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// maxSocketMode is the widest mode a container runtime socket may have: read and write for
// its owner and group, nothing for others.
const maxSocketMode = 0o660

// Why: whoever can write to the container runtime's socket can start a privileged container
// with the host's root filesystem mounted: root on the node, and every pod's secrets with it.
// A socket open to other users, or to a group ordinary users are put in (the docker group),
// hands that to every member.
var runtimeSocketPermissions = factsCheck(check.Meta{
	ID:       "ST-0323",
	Slug:     "node-runtime-socket-permissions",
	Title:    "Container runtime socket is open to non-root users",
	Layer:    check.LayerNode,
	Severity: check.SeverityHigh,
	Description: "A container runtime socket (containerd, CRI-O, Docker) has permissions wider than 660, is owned " +
		"by a user other than root, or is group-writable for a group other than root. Anyone who can write to " +
		"it controls every container on the node. When no runtime socket is present the check is not assessed.",
	Remediation: "Make the socket root-owned with mode 660 and group root (or a group with no members besides the services that need it), as set in the runtime's configuration (containerd's [grpc] uid, gid; dockerd's --group).",
	References: []string{
		"https://docs.docker.com/engine/security/#docker-daemon-attack-surface",
		"https://kubernetes.io/docs/concepts/security/security-checklist/",
	},
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	var out []check.Violation
	present := false
	for i, s := range f.RuntimeSockets {
		if !s.Exists {
			continue
		}
		present = true
		vs, err := judgeSocket(s, field.NewPath("runtimeSockets").Index(i))
		if err != nil {
			return nil, err
		}
		out = append(out, vs...)
	}
	if !present {
		return nil, check.NotAssessedf("no container runtime socket is present on this node")
	}
	return out, nil
})

func judgeSocket(s nodefacts.File, p *field.Path) ([]check.Violation, error) {
	mode, err := fileMode(s)
	if err != nil {
		return nil, err
	}
	var out []check.Violation
	add := func(child, format string, args ...any) {
		out = append(out, check.Violation{Path: p.Child(child), Message: fmt.Sprintf(format, args...)})
	}
	if !s.IsSymlink && mode&^maxSocketMode != 0 {
		add("mode", "runtime socket %s has mode %04o, more permissive than %04o: other users can control the runtime", s.Path, mode, maxSocketMode)
	}
	if s.UID != 0 {
		add("uid", "runtime socket %s is owned by %s, not root: that user controls the runtime", s.Path, ownerText(s))
	}
	if !s.IsSymlink && s.GID != 0 && mode&0o020 != 0 {
		add("gid", "runtime socket %s is group-writable for group %s: every member of the group controls the runtime", s.Path, groupText(s))
	}
	return out, nil
}

// groupText renders a file's group as its name and gid, or the gid alone.
func groupText(s nodefacts.File) string {
	if s.Group == "" {
		return fmt.Sprintf("%d", s.GID)
	}
	return fmt.Sprintf("%s (%d)", s.Group, s.GID)
}

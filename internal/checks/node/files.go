package node

import (
	"fmt"
	"strconv"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// fileRule is what the CIS Kubernetes Benchmark asks of the files of one role: permissions
// no wider than maxMode, owned by root:root.
type fileRule struct {
	role string
	// what names the file in messages ("kubelet service file").
	what    string
	maxMode uint32
	// modeItem and ownerItem are the benchmark items for the permissions and the ownership.
	modeItem, ownerItem string
}

// judgeFiles checks every existing file of the rule's role. When none exists the check is not
// assessed: a missing file is neither a failure nor a pass.
func judgeFiles(f *nodefacts.Facts, r fileRule) ([]check.Violation, error) {
	var out []check.Violation
	present := false
	for i, file := range f.Files {
		if file.Role != r.role || !file.Exists {
			continue
		}
		present = true
		p := field.NewPath("files").Index(i)
		vs, err := judgeFile(file, p, r)
		if err != nil {
			return nil, err
		}
		out = append(out, vs...)
	}
	if !present {
		return nil, check.NotAssessedf("no %s is present on this node", r.what)
	}
	return out, nil
}

func judgeFile(file nodefacts.File, p *field.Path, r fileRule) ([]check.Violation, error) {
	var out []check.Violation
	// A symbolic link's own permission bits are always 0777 and mean nothing; its target is
	// what a stricter mode would protect, and the facts do not describe it.
	if !file.IsSymlink {
		mode, err := fileMode(file)
		if err != nil {
			return nil, err
		}
		if extra := mode &^ r.maxMode; extra != 0 {
			out = append(out, check.Violation{Path: p.Child("mode"), Message: fmt.Sprintf(
				"%s %s has mode %04o, more permissive than %04o (CIS %s)", r.what, file.Path, mode, r.maxMode, r.modeItem)})
		}
	}
	if file.UID != 0 || file.GID != 0 {
		out = append(out, check.Violation{Path: p.Child("uid"), Message: fmt.Sprintf(
			"%s %s is owned by %s, not root:root (CIS %s)", r.what, file.Path, ownerText(file), r.ownerItem)})
	}
	return out, nil
}

// fileMode returns a file's permission bits from its octal Mode, else ModeBits.
func fileMode(file nodefacts.File) (uint32, error) {
	if file.Mode == "" {
		return file.ModeBits & 0o7777, nil
	}
	m, err := strconv.ParseUint(file.Mode, 8, 32)
	if err != nil {
		return 0, fmt.Errorf("file %s has mode %q, not an octal number", file.Path, file.Mode)
	}
	return uint32(m) & 0o7777, nil
}

// ownerText renders a file's owner and group as uid:gid, with their names when known.
func ownerText(file nodefacts.File) string {
	s := fmt.Sprintf("%d:%d", file.UID, file.GID)
	if file.Owner != "" || file.Group != "" {
		s += fmt.Sprintf(" (%s:%s)", orUnknown(file.Owner), orUnknown(file.Group))
	}
	return s
}

func orUnknown(name string) string {
	if name == "" {
		return "?"
	}
	return name
}

// fileReferences are the references of the file permission checks.
var fileReferences = []string{
	"https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/kubelet-integration/",
	cisReference,
}

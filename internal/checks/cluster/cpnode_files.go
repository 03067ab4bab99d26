package cluster

import (
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// fileRule is what CIS section 1.1 asks of the files of one role: permissions no wider than
// maxMode, and an owner and group (by name; "root" also matches uid/gid 0 when the node's
// /etc/passwd could not name it).
type fileRule struct {
	role    string
	maxMode uint32
	owner   string
	group   string
	// modeItem and ownerItem are the CIS v1.10 items; either may be empty.
	modeItem, ownerItem string
}

// assessFiles checks every file of the rules' roles that exists. When none exists the node
// holds none of these control-plane files (a worker node, or a control plane laid out
// differently), so the check is not assessed rather than passed.
func assessFiles(f *nodefacts.Facts, what string, rules []fileRule) ([]check.Violation, error) {
	var out []check.Violation
	seen := 0
	for i, file := range f.Files {
		r, ok := ruleFor(rules, file.Role)
		if !ok || !file.Exists {
			continue
		}
		seen++
		out = append(out, assessFile(field.NewPath("files").Index(i), file, r)...)
	}
	if seen == 0 {
		return nil, check.NotAssessedf("no control-plane files on this node (%s not present)", what)
	}
	return out, nil
}

func ruleFor(rules []fileRule, role string) (fileRule, bool) {
	for _, r := range rules {
		if r.role == role {
			return r, true
		}
	}
	return fileRule{}, false
}

func assessFile(p *field.Path, file nodefacts.File, r fileRule) []check.Violation {
	var out []check.Violation
	if r.maxMode != 0 {
		mode, ok := fileMode(file)
		switch {
		case !ok:
			out = append(out, check.Violation{Path: p.Child("mode"),
				Message: fmt.Sprintf("%s: permissions were not recorded (CIS %s)", file.Path, r.modeItem)})
		case mode&^r.maxMode != 0:
			out = append(out, check.Violation{Path: p.Child("mode"), Message: fmt.Sprintf(
				"%s has mode %04o; CIS %s asks for %04o or more restrictive", file.Path, mode, r.modeItem, r.maxMode)})
		}
	}
	if r.owner != "" && (!nameMatches(file.Owner, file.UID, r.owner) || !nameMatches(file.Group, file.GID, r.group)) {
		out = append(out, check.Violation{Path: p.Child("owner"), Message: fmt.Sprintf(
			"%s is owned by %s:%s; CIS %s asks for %s:%s", file.Path, nameOrID(file.Owner, "uid", file.UID),
			nameOrID(file.Group, "gid", file.GID), r.ownerItem, r.owner, r.group)})
	}
	return out
}

// fileMode returns the permission bits, from the octal string when present.
func fileMode(file nodefacts.File) (uint32, bool) {
	if s := strings.TrimSpace(file.Mode); s != "" {
		v, err := strconv.ParseUint(s, 8, 32)
		if err != nil {
			return 0, false
		}
		return uint32(v) & 0o7777, true
	}
	// Mode is omitted only when empty, so without it only non-zero bits say anything.
	return file.ModeBits & 0o7777, file.ModeBits != 0
}

// nameMatches compares a resolved owner or group name with want. An unresolved name matches
// "root" only by id 0, the one id every Linux system gives the same meaning.
func nameMatches(name string, id int, want string) bool {
	if name != "" {
		return name == want
	}
	return want == "root" && id == 0
}

func nameOrID(name, kind string, id int) string {
	if name != "" {
		return name
	}
	return kind + " " + strconv.Itoa(id)
}

package node

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// sshdSetting is one effective sshd setting: its value (the default when unset) and where a
// violation about it points.
func sshdSetting(f *nodefacts.Facts, key, value, def string) (val string, set bool, path *field.Path, err error) {
	if !f.SSHD.Found {
		return "", false, nil, check.NotAssessedf("sshd is not configured on this node (/etc/ssh/sshd_config is not present)")
	}
	if v := strings.TrimSpace(value); v != "" {
		return strings.ToLower(v), true, field.NewPath("sshd", key), nil
	}
	return def, false, field.NewPath("sshd"), nil
}

// sshdFiles names the files sshd read, for messages: "the sshd configuration (a, b)".
func sshdFiles(f *nodefacts.Facts) string {
	files := "/etc/ssh/sshd_config"
	if len(f.SSHD.Sources) > 0 {
		files = strings.Join(f.SSHD.Sources, ", ")
	}
	return "the sshd configuration (" + files + ")"
}

// sshdReferences are the references of the sshd checks.
var sshdReferences = []string{
	"https://man.openbsd.org/sshd_config",
	"https://kubernetes.io/docs/concepts/security/security-checklist/",
}

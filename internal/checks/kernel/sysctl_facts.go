package kernel

import (
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/nodefacts"
)

// sysctl returns a recorded sysctl and whether the node has it.
func sysctl(f *nodefacts.Facts, name string) (string, bool) {
	v, ok := f.Sysctls[name]
	return strings.TrimSpace(v), ok
}

// sysctlInt returns a recorded sysctl as an integer; ok is false when it is absent or not a
// number.
func sysctlInt(f *nodefacts.Facts, name string) (int64, bool) {
	v, ok := sysctl(f, name)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// sysctlPath is the field path of a sysctl in the facts document.
func sysctlPath(name string) *field.Path { return field.NewPath("sysctls").Key(name) }

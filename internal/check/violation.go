package check

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Violation is one place where an object breaks a check.
type Violation struct {
	// Path is the offending field, relative to the object ("spec.containers[0].image").
	Path *field.Path
	// Message says what is wrong at Path. It never echoes secret values.
	Message string
	// Fix is a mechanical fix, as RFC 6902 JSON-patch operations against the object; nil when
	// the fix needs a human decision.
	Fix []PatchOp
	// Severity overrides the check's severity for this violation when set: a vulnerability
	// check reports each advisory at the severity its record gives. Zero means the check's.
	Severity Severity
}

// PatchOp is one RFC 6902 JSON-patch operation.
type PatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// ObjectViolation is a violation a cross-object check places on a particular object.
type ObjectViolation struct {
	Object *Object
	Violation
}

// Pointer converts a field path to an RFC 6901 JSON pointer:
// spec.containers[0].securityContext becomes /spec/containers/0/securityContext and
// metadata.annotations[a/b] becomes /metadata/annotations/a~1b.
func Pointer(p *field.Path) string {
	if p == nil {
		return ""
	}
	s := p.String()
	var b strings.Builder
	b.Grow(len(s) + 1)
	start := 0
	flush := func(seg string) {
		b.WriteByte('/')
		if strings.ContainsAny(seg, "~/") {
			seg = pointerEscaper.Replace(seg)
		}
		b.WriteString(seg)
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '.':
			if i > start {
				flush(s[start:i])
			}
			start = i + 1
		case '[':
			if i > start {
				flush(s[start:i])
			}
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				end = len(s) - i
			}
			flush(s[i+1 : i+end])
			i += end
			start = i + 1
		}
	}
	if start < len(s) {
		flush(s[start:])
	}
	return b.String()
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

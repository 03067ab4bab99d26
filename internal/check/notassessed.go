package check

import (
	"errors"
	"fmt"
)

// NotAssessed is the error a check's Run returns when it could not look at what it assesses,
// although the kinds it reads were readable: the control plane runs outside the cluster (a
// managed service), the API server's version could not be read, the dataset a check relies on
// does not cover the version it found. The engine records the check, or that object, as
// not-assessed with Reason rather than as an error, and never as a pass.
//
// A check returns it only when it evaluated nothing; violations returned alongside it are
// ignored.
type NotAssessed struct {
	// Reason says, in a sentence fragment a report can print, why nothing was assessed.
	Reason string
}

func (e *NotAssessed) Error() string { return "not assessed: " + e.Reason }

// NotAssessedf returns a NotAssessed error whose reason is formatted like fmt.Sprintf.
func NotAssessedf(format string, args ...any) error {
	return &NotAssessed{Reason: fmt.Sprintf(format, args...)}
}

// NotAssessedReason reports whether err is, or wraps, a NotAssessed error, and its reason.
func NotAssessedReason(err error) (reason string, ok bool) {
	var na *NotAssessed
	if errors.As(err, &na) {
		return na.Reason, true
	}
	return "", false
}

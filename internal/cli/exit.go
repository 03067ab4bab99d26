package cli

import (
	"errors"
	"fmt"
)

// Exit codes, documented in the README and docs/json-report.md.
const (
	ExitOK       = 0
	ExitFindings = 1
	ExitUsage    = 2
)

// exitError carries an exit code with an optional message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErrorf is a usage or input error: exit 2 with a message.
func usageErrorf(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

// exitCode returns the exit code err stands for: its own code, or 2 for any other error.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return ExitUsage
}

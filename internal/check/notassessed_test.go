package check

import (
	"errors"
	"fmt"
	"testing"
)

func TestNotAssessedReason(t *testing.T) {
	err := fmt.Errorf("cluster check: %w", NotAssessedf("no control-plane pod in %s", "kube-system"))
	reason, ok := NotAssessedReason(err)
	if !ok || reason != "no control-plane pod in kube-system" {
		t.Errorf("NotAssessedReason(wrapped) = %q, %v", reason, ok)
	}
	if err.Error() != "cluster check: not assessed: no control-plane pod in kube-system" {
		t.Errorf("Error() = %q", err.Error())
	}
	if _, ok := NotAssessedReason(errors.New("boom")); ok {
		t.Error("a plain error was taken for not-assessed")
	}
	if _, ok := NotAssessedReason(nil); ok {
		t.Error("nil was taken for not-assessed")
	}
}

package checktest

import (
	psaapi "k8s.io/pod-security-admission/api"

	"github.com/strata-sec/strata/internal/check"
)

// DefaultEnv is the environment fixtures are evaluated in: the latest Pod Security Standards.
func DefaultEnv() check.Env { return check.Env{PSSVersion: psaapi.LatestVersion()} }

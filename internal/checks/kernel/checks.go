package kernel

import "github.com/strata-sec/strata/internal/check"

// Checks returns the kernel layer's checks in ID order.
func Checks() []check.Check {
	return []check.Check{
		pssSeccompBaseline,
		pssSeccompRestricted,
		kernelCVEs,
		sysctlUserNamespaces,
		sysctlUnprivilegedBPF,
		seccompUnavailable,
		seccompLocalhostProfiles,
		sysctlHardening,
		kernelExposure,
	}
}

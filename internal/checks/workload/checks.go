package workload

import "github.com/strata-sec/strata/internal/check"

// Checks returns the workload layer's checks in ID order.
func Checks() []check.Check {
	return []check.Check{
		// pss: ST-0001..ST-0019 (Pod Security Standards controls)
		// extra-a: ST-0020..ST-0039
		shareProcessNamespace,
		// extra-b: ST-0040..ST-0059
	}
}

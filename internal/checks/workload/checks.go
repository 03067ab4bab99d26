package workload

import "github.com/strata-sec/strata/internal/check"

// Checks returns the workload layer's checks in ID order.
func Checks() []check.Check {
	return []check.Check{
		// pss: ST-0001..ST-0019 (Pod Security Standards controls)
		pssPrivileged,               // ST-0001
		pssHostNamespaces,           // ST-0002
		pssHostPathVolumes,          // ST-0003
		pssHostPorts,                // ST-0004
		pssHostProbesLifecycle,      // ST-0005
		pssCapabilitiesBaseline,     // ST-0006
		pssProcMount,                // ST-0007
		pssSELinuxOptions,           // ST-0009
		pssSysctls,                  // ST-0010
		pssAppArmorProfile,          // ST-0011
		pssWindowsHostProcess,       // ST-0012
		pssAllowPrivilegeEscalation, // ST-0013
		pssCapabilitiesRestricted,   // ST-0014
		pssProcMountRestricted,      // ST-0015
		pssRestrictedVolumes,        // ST-0016
		pssRunAsNonRoot,             // ST-0017
		pssRunAsUser,                // ST-0018
		// extra-a: ST-0020..ST-0039
		shareProcessNamespace,
		runtimeSocketMounted,       // ST-0021
		sensitiveHostPathMounted,   // ST-0022
		writableHostPath,           // ST-0023
		envLiteralCredentials,      // ST-0024
		secretsInEnv,               // ST-0025
		tokenAutomount,             // ST-0026
		defaultServiceAccount,      // ST-0027
		dangerousCapabilitiesAdded, // ST-0028
		netRawNotDropped,           // ST-0029
		noMemoryLimit,              // ST-0030
		noCPULimit,                 // ST-0031
		writableRootFilesystem,     // ST-0032
		rootUserOrGroup,            // ST-0033
		// extra-b: ST-0040..ST-0059
		hostUserNamespace,             // ST-0040
		overpoweredEphemeralContainer, // ST-0041
		defaultOrSystemNamespace,      // ST-0042
		gitRepoVolume,                 // ST-0043
		emptyDirWithoutSizeLimit,      // ST-0044
		interactiveContainer,          // ST-0045
		hostDeviceMount,               // ST-0046
		lowRunAsUser,                  // ST-0047
		longLivedProjectedToken,       // ST-0048
	}
}

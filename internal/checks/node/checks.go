package node

import "github.com/strata-sec/strata/internal/check"

// Checks returns the node layer's checks in ID order.
func Checks() []check.Check {
	return []check.Check{
		kubeletAnonymousAuth,
		kubeletAuthorizationMode,
		kubeletClientCA,
		kubeletReadOnlyPort,
		kubeletStreamingTimeout,
		kubeletProtectKernelDefaults,
		kubeletIPTablesChains,
		kubeletHostnameOverride,
		kubeletEventQPS,
		kubeletServingTLS,
		kubeletRotateCertificates,
		kubeletRotateServerCertificate,
		kubeletTLSCiphers,
		kubeletPodPidsLimit,
		kubeletServiceFile,
		kubeletKubeconfigFile,
		clientCAFile,
		kubeletConfigFile,
		sshdRootLogin,
		sshdPasswordAuth,
		insecureServiceListener,
		etcdWithoutClientAuth,
		unexpectedListener,
		runtimeSocketPermissions,
	}
}

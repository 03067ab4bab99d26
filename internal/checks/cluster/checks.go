package cluster

import "github.com/strata-sec/strata/internal/check"

// Checks returns the cluster layer's checks in ID order.
func Checks() []check.Check {
	return []check.Check{
		// part-1: ST-0100..ST-0139
		versionEOL(vulnDataset()),         // ST-0100
		versionCVEs(vulnDataset()),        // ST-0101
		versionNodeCVEs(vulnDataset()),    // ST-0102
		versionNodeSkew(vulnDataset()),    // ST-0103
		versionUnfixedCVEs(vulnDataset()), // ST-0104
		cpAnonymousAuth,                   // ST-0105
		cpTokenAuthFile,                   // ST-0106
		cpDenyExternalIPs,                 // ST-0107
		cpKubeletTLS,                      // ST-0108
		cpAuthorizationMode,               // ST-0109
		cpAdmissionPlugins,                // ST-0110
		cpAlwaysPullImages,                // ST-0111
		cpProfiling,                       // ST-0112
		cpAuditLog,                        // ST-0113
		cpServiceAccountTokens,            // ST-0114
		cpAPIServerEtcdTLS,                // ST-0115
		cpServingTLS,                      // ST-0116
		cpEncryptionAtRest,                // ST-0117
		cpTLSCiphers,                      // ST-0118
		cpControllerManagerCredentials,    // ST-0119
		cpPodGCThreshold,                  // ST-0120
		cpBindAddress,                     // ST-0121
		cpEtcdClientTLS,                   // ST-0122
		cpEtcdPeerTLS,                     // ST-0123
		// part-2: ST-0140..ST-0179
		anonymousAPIAccess,             // ST-0140
		anonymousBinding,               // ST-0141
		authenticatedBinding,           // ST-0142
		anonymousDiscoveryAccess,       // ST-0143
		anonymousDiscoveryBinding,      // ST-0144
		webhookFailsOpen,               // ST-0145
		webhookUnsafeURL,               // ST-0146
		webhookLongTimeout,             // ST-0147
		webhookLabelOptOut,             // ST-0148
		apiServiceSkipsTLSVerify,       // ST-0149
		namespaceWithoutPodSecurity,    // ST-0150
		namespacePrivilegedPodSecurity, // ST-0151
		namespaceWeakPodSecurity,       // ST-0152
		legacyServiceAccountToken,      // ST-0155
		vulnerableThirdParty,           // ST-0160
		riskyThirdPartySettings,        // ST-0161
		tillerInstalled,                // ST-0162
		rbacWildcardAdmin,              // ST-0180
		rbacSecretsRead,                // ST-0181
		rbacWorkloadCreate,             // ST-0182
		rbacPodExec,                    // ST-0183
		rbacNodesProxy,                 // ST-0184
		rbacEscalateBind,               // ST-0185
		rbacImpersonate,                // ST-0186
		rbacSATokenCreate,              // ST-0187
		rbacCSRApproval,                // ST-0188
		rbacAdmissionWrite,             // ST-0189
		rbacNamespaceUpdate,            // ST-0190
		rbacPVCreate,                   // ST-0191
		rbacDefaultSABinding,           // ST-0192
		rbacTokenExposure,              // ST-0196
		rbacEscalationPath,             // ST-0197
		// part-4: ST-0370..ST-0389
		cpNodeManifestFiles, // ST-0370
		cpNodeEtcdDataDir,   // ST-0371
		cpNodeKubeconfigs,   // ST-0372
		cpNodePKICerts,      // ST-0373
		cpNodePKIKeys,       // ST-0374
		cpNodeAuditPolicy,   // ST-0375
	}
}

package network

import "github.com/strata-sec/strata/internal/check"

// Checks returns the network layer's checks in ID order.
func Checks() []check.Check {
	return []check.Check{
		// exposure: ST-0200..ST-0229
		serviceLoadBalancerOpen, // ST-0200
		serviceNodePort,         // ST-0201
		serviceExternalIPs,      // ST-0202
		serviceExternalName,     // ST-0203
		ingressWithoutTLS,       // ST-0204
		gatewayPlaintextHTTP,    // ST-0205
		serviceSensitivePort,    // ST-0206
		hostPortSensitive,       // ST-0208
		exposedWeakWorkload,     // ST-0210
		// policies: ST-0230..ST-0249
		netpolDefaultDenyIngress, // ST-0230
		netpolDefaultDenyEgress,  // ST-0231
		netpolUnselectedWorkload, // ST-0232
		netpolAllowAll,           // ST-0233
		netpolMetadataEgress,     // ST-0234
		netpolStalePolicy,        // ST-0235
	}
}

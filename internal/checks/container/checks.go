package container

import "github.com/strata-sec/strata/internal/check"

// Checks returns the container layer's checks in ID order.
func Checks() []check.Check {
	return []check.Check{
		mutableImageTag,
		imageNotPinnedByDigest,
		imagePullPolicyNotAlways,
		implicitImageRegistry,
		imageRunsAsRoot,
		shellInImage,
		packageManagerInImage,
		networkToolsInImage,
		setuidInImage,
		credentialsInImage,
		vulnerablePackages,
		untrustedRegistry,
		unsignedImage,
	}
}

package container

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/imagefacts"
)

// Why: a package manager (apt, apk, dnf, yum, rpm, pip, npm) lets whoever runs code in the
// container install whatever the application image left out: compilers, scanners, network
// tools, persistence. With network egress it is a download-and-install primitive signed by a
// trusted distribution, which blends into normal traffic. Runtime images need none of it: the
// packages are installed at build time. Severity is low because the attacker needs code
// execution first and, as the container usually does not run as root in a hardened setup,
// cannot always install system packages; it is still free tooling.
var packageManagerInImage = &check.ObjectCheck[*imagefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0066",
		Slug:     "package-manager-in-image",
		Title:    "Image contains a package manager",
		Layer:    check.LayerContainer,
		Severity: check.SeverityLow,
		Description: "The image ships a package manager (apt, apk, dnf, yum, rpm, pip, npm...). After an " +
			"application compromise the attacker installs compilers, scanners and other tools with it " +
			"from trusted mirrors, and the image carries package databases and caches it does not need to run.",
		Remediation: "Install packages in a build stage and copy the result onto a distroless or scratch runtime " +
			"stage; if a distribution base is required, remove the package manager in the last RUN step " +
			"(apk del apk-tools, or dpkg --purge apt) and run as a non-root user.",
		References: []string{
			"https://docs.docker.com/build/building/multi-stage/",
			"https://github.com/GoogleContainerTools/distroless",
			"https://docs.docker.com/build/building/best-practices/",
		},
	},
	Kind: imagefacts.Kind,
	Run: func(_ *check.Env, _ *check.Object, f *imagefacts.Facts) ([]check.Violation, error) {
		return filesOf(f, func(file imagefacts.File) string {
			return fmt.Sprintf("the package manager %s at %s (%s)", file.Name, file.Path, layerNote(file))
		}, imagefacts.FilePackageManager)
	},
}

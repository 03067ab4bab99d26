package container

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/imagefacts"
)

// Why: curl, wget, nc, socat, ssh and their kin are the second step of nearly every
// container compromise: fetch the payload, open a reverse shell, tunnel into the cluster
// network, send data out. Living off tools the image already carries leaves nothing unusual
// on disk for runtime detection to flag. Applications rarely need them at runtime (health
// checks belong to the kubelet, HTTP calls to the application's own client), so their
// presence is an attacker convenience with no operational benefit.
var networkToolsInImage = &check.ObjectCheck[*imagefacts.Facts]{
	Meta: check.Meta{
		ID:       "ST-0067",
		Slug:     "network-tools-in-image",
		Title:    "Image contains network tools",
		Layer:    check.LayerContainer,
		Severity: check.SeverityMedium,
		Description: "The image ships network tools such as curl, wget, nc, socat or ssh. After a code-execution " +
			"bug they let the attacker download payloads, open reverse shells, tunnel to other services and " +
			"exfiltrate data with tools already present, which runtime detection rarely flags.",
		Remediation: "Remove the tools from the runtime image: install them only in a build stage of a multi-stage " +
			"build, use the kubelet's httpGet or grpc probes instead of curl in health checks, and restrict " +
			"egress with NetworkPolicies.",
		References: []string{
			"https://docs.docker.com/build/building/multi-stage/",
			"https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
			"https://attack.mitre.org/techniques/T1105/",
		},
	},
	Kind: imagefacts.Kind,
	Run: func(_ *check.Env, _ *check.Object, f *imagefacts.Facts) ([]check.Violation, error) {
		return filesOf(f, func(file imagefacts.File) string {
			return fmt.Sprintf("the network tool %s at %s (%s)", file.Name, file.Path, layerNote(file))
		}, imagefacts.FileNetworkTool)
	},
}

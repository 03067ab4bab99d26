package node

import (
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/nodefacts"
)

// Why: etcd holds every Secret of the cluster in one keyspace. An etcd that listens on a node
// address without client certificate authentication gives whoever reaches the port a full
// read and write of the cluster state, bypassing the API server, RBAC and audit logging; on
// the peer port an attacker joins the cluster as a member.
var etcdWithoutClientAuth = factsCheck(check.Meta{
	ID:       "ST-0321",
	Slug:     "node-etcd-exposed-without-client-auth",
	Title:    "etcd listens on a node address without client certificate authentication",
	Layer:    check.LayerNode,
	Severity: check.SeverityCritical,
	Description: "etcd listens on its client port (2379) or peer port (2380) on an address other than loopback, " +
		"and its command line does not set --client-cert-auth=true (client port) or --peer-client-cert-auth=true " +
		"(peer port) (CIS Kubernetes Benchmark 2.2 and 2.5). When etcd's command line was not recorded the " +
		"check is not assessed.",
	Remediation: "Run etcd with --client-cert-auth=true and --peer-client-cert-auth=true, with --trusted-ca-file and --peer-trusted-ca-file set, and listen only on loopback and the addresses the API server and the other members use.",
	References: append([]string{
		"https://etcd.io/docs/v3.5/op-guide/security/",
	}, cisReference),
}, func(f *nodefacts.Facts) ([]check.Violation, error) {
	etcd, known := f.ControlPlane.Components[nodefacts.Etcd]
	var out []check.Violation
	var unjudged []string
	for i, l := range f.Listeners {
		flag := etcdAuthFlag(l)
		if flag == "" {
			continue
		}
		if !known || len(etcd.Flags) == 0 {
			unjudged = append(unjudged, listenerText(l))
			continue
		}
		on, err := strconv.ParseBool(strings.TrimSpace(etcd.Flags[flag]))
		if err == nil && on {
			continue
		}
		out = append(out, check.Violation{Path: field.NewPath("listeners").Index(i), Message: fmt.Sprintf(
			"%s accepts connections without client certificates: etcd does not set --%s=true", listenerText(l), flag)})
	}
	if len(out) == 0 && len(unjudged) > 0 {
		return nil, check.NotAssessedf("etcd's command line was not recorded, so the authentication of %s is unknown", strings.Join(unjudged, ", "))
	}
	return out, nil
})

// etcdAuthFlag is the etcd flag that requires client certificates on a listener's port, or ""
// when the listener is not an exposed etcd port.
func etcdAuthFlag(l nodefacts.Listener) string {
	if !tcp(l) || loopback(l.Address) {
		return ""
	}
	switch l.Port {
	case 2379:
		return "client-cert-auth"
	case 2380:
		return "peer-client-cert-auth"
	}
	return ""
}

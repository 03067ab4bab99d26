package cluster

import (
	"net/netip"
	"net/url"
	"strings"
)

// metadataAddrs are the cloud instance-metadata endpoints that hand out node credentials:
// AWS, Azure, GCP, OpenStack and Oracle (169.254.169.254), AWS over IPv6 (fd00:ec2::254), AWS
// ECS task credentials (169.254.170.2) and Alibaba Cloud (100.100.100.200).
var metadataAddrs = []netip.Addr{
	netip.MustParseAddr("169.254.169.254"),
	netip.MustParseAddr("fd00:ec2::254"),
	netip.MustParseAddr("169.254.170.2"),
	netip.MustParseAddr("100.100.100.200"),
}

// metadataHosts are the metadata services' DNS names (GCP; "metadata" resolves through the
// node's search domain there).
var metadataHosts = []string{"metadata.google.internal", "metadata"}

// urlProblems says what makes a webhook URL dangerous for the API server to call: a scheme
// other than https, or a host that is a cloud metadata service, loopback (the control-plane
// host itself, where etcd and the kubelet listen), unspecified (0.0.0.0 and :: reach loopback)
// or link-local. An unparseable URL is a problem too: the API server rejects it, but a
// manifest that carries it is broken.
func urlProblems(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return []string{"is not an absolute URL"}
	}
	var out []string
	if !strings.EqualFold(u.Scheme, "https") {
		out = append(out, "uses "+u.Scheme+" rather than https, so requests and their objects travel unencrypted and unauthenticated")
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if problem := hostProblem(host); problem != "" {
		out = append(out, problem)
	}
	return out
}

func hostProblem(host string) string {
	for _, h := range metadataHosts {
		if host == h {
			return "points at the cloud metadata service " + host
		}
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return "points at loopback (" + host + "), the API server's own host"
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return ""
	}
	addr = addr.Unmap().WithZone("")
	for _, m := range metadataAddrs {
		if addr == m {
			return "points at the cloud metadata service " + addr.String()
		}
	}
	switch {
	case addr.IsLoopback():
		return "points at loopback (" + addr.String() + "), the API server's own host"
	case addr.IsUnspecified():
		return "points at the unspecified address " + addr.String() + ", which reaches the API server's own host"
	case addr.IsLinkLocalUnicast():
		return "points at the link-local address " + addr.String() + ", where node-local and metadata services live"
	}
	return ""
}

package netpol

import (
	"net/netip"

	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/check"
)

// NamespaceNameLabel is the label the API server sets on every namespace to its name.
const NamespaceNameLabel = corev1.LabelMetadataName

// Namespace is a namespace with its labels.
type Namespace struct {
	Name   string
	Labels map[string]string
}

// Port is a container port of a pod. An empty Protocol means TCP.
type Port struct {
	Name     string
	Number   int32
	Protocol corev1.Protocol
}

// Pod is a pod, or in manifest mode the pod a workload template would create.
type Pod struct {
	Namespace, Name string
	Labels          map[string]string
	Ports           []Port
	HostNetwork     bool
	// Owner is the object the pod came from: the workload whose template it is, the
	// controller owning a live pod when the inventory holds it, or the Pod itself.
	Owner check.Ref
}

// String renders the pod as namespace/name.
func (p *Pod) String() string { return p.Namespace + "/" + p.Name }

// Endpoint is one end of a connection: a pod, or an IP address outside the cluster's pods
// (such as 203.0.113.10 for "the internet"). Exactly one of Pod and IP is set.
type Endpoint struct {
	Pod *Pod
	IP  netip.Addr
}

// PodEndpoint returns the endpoint for p.
func PodEndpoint(p *Pod) Endpoint { return Endpoint{Pod: p} }

// IPEndpoint returns the endpoint for an address outside the cluster's pods.
func IPEndpoint(ip netip.Addr) Endpoint { return Endpoint{IP: ip} }

// String renders the endpoint as namespace/name or as the IP address.
func (e Endpoint) String() string {
	if e.Pod != nil {
		return e.Pod.String()
	}
	return e.IP.String()
}

// DirectionVerdict is what one side of a connection decides: the source's egress or the
// destination's ingress.
type DirectionVerdict struct {
	// Allowed is true when this side lets the traffic through.
	Allowed bool
	// Isolated is true when some policy selects the pod for this direction.
	Isolated bool
	// Selecting are the policies (namespace/name) selecting the pod for this direction.
	Selecting []string
	// Policies are the policies (namespace/name) with a rule allowing the traffic.
	Policies []string
	// Reason explains the decision in one phrase.
	Reason string
}

// Verdict is the decision for one connection.
type Verdict struct {
	// Allowed is Egress.Allowed && Ingress.Allowed.
	Allowed bool
	Egress  DirectionVerdict
	Ingress DirectionVerdict
}

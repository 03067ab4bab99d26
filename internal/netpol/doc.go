// Package netpol evaluates Kubernetes NetworkPolicy (networking.k8s.io/v1) the way the API
// documentation defines it, and answers "may this endpoint reach that one on this port".
//
// Semantics, following https://kubernetes.io/docs/concepts/services-networking/network-policies/:
//
//   - policyTypes defaults to [Ingress], plus Egress when the policy has egress rules. When
//     policyTypes is given, rules of a direction it does not list are ignored.
//   - A pod is isolated for a direction iff some policy selecting it lists that direction.
//     Ingress and egress isolation are independent.
//   - Traffic is allowed iff the source's egress allows it (or the source is not
//     egress-isolated) AND the destination's ingress allows it (or it is not ingress-isolated).
//   - An empty podSelector selects every pod of the policy's namespace. A rule whose from/to is
//     absent or empty matches every peer; absent or empty ports match every port and protocol.
//   - A peer with namespaceSelector and podSelector matches pods satisfying both; a
//     namespaceSelector alone matches every pod in the selected namespaces; a podSelector alone
//     matches pods of the policy's namespace.
//   - Named ports are resolved on the destination pod's container ports (name and protocol),
//     for ingress and egress rules alike; a named port never matches an IP destination.
//   - endPort makes a numeric port a range; the protocol defaults to TCP.
//
// Implementation-defined behaviour, fixed here:
//
//   - Pod endpoints are matched only by podSelector/namespaceSelector peers, and IP endpoints
//     (addresses outside the cluster's pods, such as 203.0.113.10) only by ipBlock peers. An IP
//     endpoint is never resolved to a pod, even when it happens to be a pod's address.
//   - Host-network pods are not subject to NetworkPolicy: they are never isolated, and the
//     verdict for their side says so. As peers of another pod's policy they are matched by their
//     labels like any other pod.
//   - Every namespace carries the kubernetes.io/metadata.name label, as the API server sets it.
package netpol

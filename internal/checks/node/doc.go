// Package node holds the node-layer checks: the CIS Kubernetes Benchmark worker-node items
// (kubelet configuration and the permissions of the kubelet's files), SSH daemon settings,
// services listening on the node and container runtime sockets. Every check reads one recorded
// nodefacts.Facts document, so the same checks run in the node agent and on replayed facts.
// Each check is one file; Checks lists them.
package node

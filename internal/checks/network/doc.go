// Package network holds the network-layer checks: who can reach a workload and how. The
// exposure checks look at Services, Ingresses and Gateway API objects that open workloads to
// networks outside the cluster; the policy checks look at NetworkPolicy coverage. Each check is
// one file; Checks lists them.
package network

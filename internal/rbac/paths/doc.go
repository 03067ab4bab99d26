// Package paths builds the RBAC escalation graph of an inventory: which identity "can become"
// which other identity (create a pod that runs as a service account, exec into its pods, mint
// its token, read its legacy token Secret, impersonate it) or reach cluster-admin, the nodes or
// the cluster's Secrets outright. It answers shortest-path questions over that graph and
// renders the answers as text, JSON, Graphviz DOT and Mermaid.
//
// Role resolution and rule matching come from internal/rbac; this package adds only what an
// attacker does with a permission.
package paths

// Package rbac computes effective Kubernetes RBAC permissions exactly as the API server's RBAC
// authorizer does: which bindings apply to an identity, which rules their roles hold (ClusterRole
// aggregation included), and whether a rule matches a request. On top of that it answers
// "who can do X" and "what can this subject do".
//
// The matching functions mirror k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac, which cannot
// be imported as a module; an oracle test compares the Graph with SubjectAccessReviews of a real
// kube-apiserver.
package rbac

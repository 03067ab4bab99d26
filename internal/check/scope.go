package check

import "k8s.io/apimachinery/pkg/runtime/schema"

// Scope says which parts of the inventory the findings of a ClusterCheck depend on. The
// incremental engine uses it to re-run a check only on the part of the inventory a change
// touched; Evaluate ignores it.
type Scope int

const (
	// ScopeCluster is the default: any finding may depend on any object.
	ScopeCluster Scope = iota
	// ScopeNamespace declares the check namespace-partitioned. The part of an inventory for
	// namespace X holds
	//   - the objects of namespace X of every kind Namespaced reports, except the kinds the
	//     check lists in CrossNamespace,
	//   - the Namespace object named X (and no other Namespace),
	//   - every object of every other kind (cluster-scoped kinds and CrossNamespace kinds).
	//
	// A ScopeNamespace check promises, for every inventory I:
	//   - every finding Run(part X of I) returns is placed on an object of namespace X, on
	//     the Namespace named X, or on a cluster-scoped object;
	//   - the findings Run(I) places on objects of namespace X or on the Namespace X are those
	//     Run(part X of I) places there, and when Run(I) fails, so does some part's run;
	//   - the findings Run(I) places on other cluster-scoped objects depend on cluster-scoped
	//     objects and CrossNamespace kinds only.
	//
	// A derived value (Derived) built over a part is that part's own, unless its key
	// implements DerivedFrom() []schema.GroupKind (see inventory.KindsKey) naming only kinds
	// the part holds in full: such a value is built over the whole inventory and shared.
	//
	// Declare it only where it is true, and say why in the check's why-comment; the engine's
	// partition test runs every ScopeNamespace check whole and by parts on random inventories.
	ScopeNamespace
)

// namespaced are the built-in namespaced kinds a partition restricts. A namespaced kind
// missing here is treated as cluster-scoped: the part then holds all of its objects and a
// change to one re-runs the check everywhere, which is slower but never wrong.
var namespaced = map[schema.GroupKind]bool{
	{Kind: "Pod"}: true, {Kind: "PodTemplate"}: true, {Kind: "ReplicationController"}: true, {Kind: "Service"}: true,
	{Kind: "ServiceAccount"}: true, {Kind: "ConfigMap"}: true, {Kind: "Secret"}: true, {Kind: "Endpoints"}: true,
	{Kind: "PersistentVolumeClaim"}: true, {Kind: "LimitRange"}: true, {Kind: "ResourceQuota"}: true,
	{Group: "apps", Kind: "Deployment"}: true, {Group: "apps", Kind: "ReplicaSet"}: true,
	{Group: "apps", Kind: "StatefulSet"}: true, {Group: "apps", Kind: "DaemonSet"}: true,
	{Group: "batch", Kind: "Job"}: true, {Group: "batch", Kind: "CronJob"}: true,
	{Group: "networking.k8s.io", Kind: "NetworkPolicy"}: true, {Group: "networking.k8s.io", Kind: "Ingress"}: true,
	{Group: "rbac.authorization.k8s.io", Kind: "Role"}: true, {Group: "rbac.authorization.k8s.io", Kind: "RoleBinding"}: true,
	{Group: "policy", Kind: "PodDisruptionBudget"}: true, {Group: "autoscaling", Kind: "HorizontalPodAutoscaler"}: true,
	{Group: "gateway.networking.k8s.io", Kind: "Gateway"}: true, {Group: "gateway.networking.k8s.io", Kind: "HTTPRoute"}: true,
}

// Namespaced reports whether gk is a built-in namespaced kind that ScopeNamespace partitions.
func Namespaced(gk schema.GroupKind) bool { return namespaced[gk] }

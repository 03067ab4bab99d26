package rbac

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"

	rbacv1 "k8s.io/api/rbac/v1"
)

// bootstrapJSON holds the ClusterRoles every cluster's API server creates (cluster-admin,
// admin, edit, view and the system: roles), as a real kube-apiserver v1.37.2 with its
// controller manager stores them, aggregated rules included. Manifests bind them constantly
// ("RoleBinding to edit") without defining them; without their rules such a binding would read
// as granting nothing.
//
//go:embed bootstrap-clusterroles-v1.37.2.json
var bootstrapJSON []byte

var bootstrapRoles = sync.OnceValues(func() (map[string]*rbacv1.ClusterRole, error) {
	var doc struct {
		Items []*rbacv1.ClusterRole `json:"items"`
	}
	if err := json.Unmarshal(bootstrapJSON, &doc); err != nil {
		return nil, fmt.Errorf("decode embedded bootstrap cluster roles: %w", err)
	}
	out := make(map[string]*rbacv1.ClusterRole, len(doc.Items))
	for _, cr := range doc.Items {
		out[cr.Name] = cr
	}
	return out, nil
})

// BootstrapClusterRole returns the built-in ClusterRole of that name, as the API server creates
// it, or false when the name is not a built-in role.
func BootstrapClusterRole(name string) (*rbacv1.ClusterRole, bool) {
	roles, err := bootstrapRoles()
	if err != nil {
		return nil, false
	}
	cr, ok := roles[name]
	return cr, ok
}

// withBootstrap adds the built-in ClusterRoles the input does not define, so bindings to them
// carry their real rules. Their stored rules are final: aggregation was already applied.
func withBootstrap(crs []*rbacv1.ClusterRole) []*rbacv1.ClusterRole {
	roles, err := bootstrapRoles()
	if err != nil {
		return crs
	}
	have := make(map[string]bool, len(crs))
	for _, cr := range crs {
		have[cr.Name] = true
	}
	out := crs
	for _, name := range slices.Sorted(maps.Keys(roles)) {
		if !have[name] {
			out = append(out, roles[name])
		}
	}
	return out
}

package cluster

import "strings"

// The pinned versions. They must match the requirements in tools/kube/go.mod and tools/etcd/go.mod
// (versions_test.go keeps them in step); bumping one means editing the tool module and this file.
const (
	// KubernetesVersion is the k8s.io/kubernetes release the control plane is built from.
	KubernetesVersion = "v1.37.2"
	// EtcdVersion is the go.etcd.io/etcd/server/v3 release etcd is built from.
	EtcdVersion = "v3.6.16"
)

// Module paths and import paths of what is built.
const (
	rootModule       = "github.com/strata-sec/strata"
	kubeModule       = "k8s.io/kubernetes"
	etcdServerModule = "go.etcd.io/etcd/server/v3"
	etcdToolPackage  = rootModule + "/test/cluster/tools/etcd"
	kubeToolDir      = "test/cluster/tools/kube"
	etcdToolDir      = "test/cluster/tools/etcd"
)

// Binary names, also used as process names in logs and state files.
const (
	etcdName              = "etcd"
	apiServerName         = "kube-apiserver"
	controllerManagerName = "kube-controller-manager"
)

// kubeLDFlags stamps the version into the Kubernetes binaries. Built from a module rather than the
// release tooling, /version would otherwise report v0.0.0-master.
func kubeLDFlags() string {
	major, minor := kubeMajorMinor()
	var flags []string
	for _, pkg := range []string{"k8s.io/component-base/version", "k8s.io/client-go/pkg/version"} {
		flags = append(flags,
			"-X "+pkg+".gitVersion="+KubernetesVersion,
			"-X "+pkg+".gitMajor="+major,
			"-X "+pkg+".gitMinor="+minor,
		)
	}
	return strings.Join(flags, " ")
}

// kubeMajorMinor splits KubernetesVersion ("v1.37.2") into "1" and "37".
func kubeMajorMinor() (string, string) {
	parts := strings.SplitN(strings.TrimPrefix(KubernetesVersion, "v"), ".", 3)
	if len(parts) < 2 {
		return "", ""
	}
	return parts[0], parts[1]
}

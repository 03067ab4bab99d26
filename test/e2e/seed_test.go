package e2e

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/strata-sec/strata/test/cluster"
)

// The benchmark cluster: 10,000 pods and 5,000 other objects across 50 namespaces.
const (
	seedNamespaces  = 50
	podsPerNS       = 200
	perKindPerNS    = 20 // deployments, services, configmaps and service accounts
	rolesPerNS      = 10 // and as many role bindings
	clusterIPsPerNS = 3  // the rest of the services are headless: the service range is a /24
	seedWorkers     = 32
)

// seedCounts are the objects a seed created, by kind.
type seedCounts map[string]int

func (s seedCounts) total() int {
	n := 0
	for _, v := range s {
		n += v
	}
	return n
}

// createFunc creates one object.
type createFunc func(ctx context.Context, cs kubernetes.Interface) error

// seed fills c with the benchmark's objects through a pool of concurrent creators, in three
// waves so that what pods and bindings refer to exists first. The namespaces come from
// CreateNamespace, which also gives each its default service account.
func seed(ctx context.Context, c *cluster.Cluster) (seedCounts, error) {
	cfg := c.AdminConfig()
	cfg.QPS, cfg.Burst = 500, 1000
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	counts := seedCounts{}
	var namespaces []string
	for i := range seedNamespaces {
		namespaces = append(namespaces, fmt.Sprintf("bench-%02d", i))
	}
	var nsJobs []createFunc
	for _, ns := range namespaces {
		nsJobs = append(nsJobs, func(ctx context.Context, _ kubernetes.Interface) error {
			_, err := c.CreateNamespace(ctx, ns, map[string]string{"team": ns})
			return err
		})
	}
	counts["Namespace"] = len(nsJobs)
	waves := [][]createFunc{nsJobs, firstWave(namespaces, counts, len(namespaces)), secondWave(namespaces, counts)}
	for _, jobs := range waves {
		if err := runPool(ctx, cs, jobs); err != nil {
			return nil, err
		}
	}
	return counts, nil
}

// runPool runs jobs on seedWorkers goroutines and returns the first error, after which the
// remaining jobs are dropped.
func runPool(ctx context.Context, cs kubernetes.Interface, jobs []createFunc) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range seedWorkers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) || ctx.Err() != nil {
					return
				}
				if err := jobs[i](ctx, cs); err != nil {
					cancel(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}

// firstWave creates what others refer to: service accounts, config maps, roles, services.
// Services of the first clusterIPNamespaces namespaces get cluster IPs (clusterIPsPerNS each),
// the rest are headless: the service range is a /24.
func firstWave(namespaces []string, counts seedCounts, clusterIPNamespaces int) []createFunc {
	var jobs []createFunc
	add := func(kind string, f createFunc) { jobs = append(jobs, f); counts[kind]++ }
	for n, ns := range namespaces {
		for i := range perKindPerNS {
			name := fmt.Sprintf("app-%02d", i)
			add("ServiceAccount", func(ctx context.Context, cs kubernetes.Interface) error {
				sa := &corev1.ServiceAccount{ObjectMeta: objectMeta(ns, name), AutomountServiceAccountToken: ptr.To(i%2 == 0)}
				_, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, sa, metav1.CreateOptions{})
				return wrap("service account", ns, name, err)
			})
			add("ConfigMap", func(ctx context.Context, cs kubernetes.Interface) error {
				cm := &corev1.ConfigMap{ObjectMeta: objectMeta(ns, name), Data: map[string]string{
					"app.properties": "log.level=info\nlisten=:8080\nupstream=http://" + name + ":8080\n",
				}}
				_, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{})
				return wrap("config map", ns, name, err)
			})
			clusterIP := n < clusterIPNamespaces && i < clusterIPsPerNS
			add("Service", func(ctx context.Context, cs kubernetes.Interface) error {
				_, err := cs.CoreV1().Services(ns).Create(ctx, service(ns, name, clusterIP), metav1.CreateOptions{})
				return wrap("service", ns, name, err)
			})
		}
		for i := range rolesPerNS {
			name := fmt.Sprintf("role-%02d", i)
			add("Role", func(ctx context.Context, cs kubernetes.Interface) error {
				_, err := cs.RbacV1().Roles(ns).Create(ctx, role(ns, name, i), metav1.CreateOptions{})
				return wrap("role", ns, name, err)
			})
		}
	}
	return jobs
}

// secondWave creates what refers to the first wave: role bindings, deployments and pods.
func secondWave(namespaces []string, counts seedCounts) []createFunc {
	var jobs []createFunc
	add := func(kind string, f createFunc) { jobs = append(jobs, f); counts[kind]++ }
	for _, ns := range namespaces {
		for i := range rolesPerNS {
			name := fmt.Sprintf("role-%02d", i)
			add("RoleBinding", func(ctx context.Context, cs kubernetes.Interface) error {
				rb := &rbacv1.RoleBinding{
					ObjectMeta: objectMeta(ns, name),
					RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name},
					Subjects: []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: ns,
						Name: fmt.Sprintf("app-%02d", i)}},
				}
				_, err := cs.RbacV1().RoleBindings(ns).Create(ctx, rb, metav1.CreateOptions{})
				return wrap("role binding", ns, name, err)
			})
		}
		for i := range perKindPerNS {
			name := fmt.Sprintf("app-%02d", i)
			add("Deployment", func(ctx context.Context, cs kubernetes.Interface) error {
				_, err := cs.AppsV1().Deployments(ns).Create(ctx, deployment(ns, name, i), metav1.CreateOptions{})
				return wrap("deployment", ns, name, err)
			})
		}
		for i := range podsPerNS {
			name := fmt.Sprintf("app-%02d-%03d", i%perKindPerNS, i)
			add("Pod", func(ctx context.Context, cs kubernetes.Interface) error {
				p := &corev1.Pod{ObjectMeta: objectMeta(ns, name), Spec: podSpec(i)}
				p.Labels["app"] = fmt.Sprintf("app-%02d", i%perKindPerNS)
				_, err := cs.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{})
				return wrap("pod", ns, name, err)
			})
		}
	}
	return jobs
}

func wrap(what, ns, name string, err error) error {
	if err != nil {
		return fmt.Errorf("creating %s %s/%s: %w", what, ns, name, err)
	}
	return nil
}

func objectMeta(ns, name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name: name, Namespace: ns,
		Labels:      map[string]string{"app.kubernetes.io/part-of": "bench", "team": ns},
		Annotations: map[string]string{"owner": "team-" + ns + "@example.com"},
	}
}

func service(ns, name string, clusterIP bool) *corev1.Service {
	s := &corev1.Service{ObjectMeta: objectMeta(ns, name), Spec: corev1.ServiceSpec{
		Selector: map[string]string{"app": name},
		Ports:    []corev1.ServicePort{{Name: "http", Port: 80}},
	}}
	if !clusterIP {
		s.Spec.ClusterIP = corev1.ClusterIPNone
	}
	return s
}

func role(ns, name string, i int) *rbacv1.Role {
	rules := []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list", "watch"}}}
	if i%5 == 0 {
		// Some teams grant far too much, as real clusters show.
		rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"secrets", "pods/exec"}, Verbs: []string{"*"}})
	}
	return &rbacv1.Role{ObjectMeta: objectMeta(ns, name), Rules: rules}
}

func deployment(ns, name string, i int) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{ObjectMeta: objectMeta(ns, name), Spec: appsv1.DeploymentSpec{
		Replicas: ptr.To[int32](10),
		Selector: &metav1.LabelSelector{MatchLabels: labels},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: podSpec(i)},
	}}
}

// podSpec varies like real pods do: a third hardened, a few privileged, one or two containers,
// env, volumes, probes and resources.
func podSpec(i int) corev1.PodSpec {
	app := corev1.Container{
		Name:  "app",
		Image: fmt.Sprintf("registry.example.com/team/app-%02d:1.%d.%d", i%perKindPerNS, i%7, i%13),
		Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
		Env: []corev1.EnvVar{
			{Name: "LOG_LEVEL", Value: "info"},
			{Name: "CONFIG", Value: "/etc/app/app.properties"},
		},
		VolumeMounts: []corev1.VolumeMount{{Name: "config", MountPath: "/etc/app"}, {Name: "tmp", MountPath: "/tmp"}},
		Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
			corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi"),
		}},
		ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(8080)}}},
	}
	switch {
	case i%3 == 0:
		app.SecurityContext = &corev1.SecurityContext{
			RunAsNonRoot: ptr.To(true), RunAsUser: ptr.To[int64](10001), ReadOnlyRootFilesystem: ptr.To(true),
			AllowPrivilegeEscalation: ptr.To(false), Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		}
		app.Resources.Limits = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("256Mi")}
	case i%25 == 1:
		app.SecurityContext = &corev1.SecurityContext{Privileged: ptr.To(true)}
	}
	spec := corev1.PodSpec{
		ServiceAccountName: fmt.Sprintf("app-%02d", i%perKindPerNS),
		Containers:         []corev1.Container{app},
		Volumes: []corev1.Volume{
			{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: fmt.Sprintf("app-%02d", i%perKindPerNS)}}}},
			{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		},
	}
	if i%2 == 1 {
		spec.Containers = append(spec.Containers, corev1.Container{
			Name: "proxy", Image: "docker.io/envoyproxy/envoy:v1.31.0",
			Args: []string{"--config-path", "/etc/envoy/envoy.yaml"},
		})
	}
	return spec
}

package cluster_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/strata-sec/strata/test/cluster"
)

func TestMain(m *testing.M) { os.Exit(cluster.Main(m)) }

func clientFor(t *testing.T, cfg *rest.Config) *kubernetes.Clientset {
	t.Helper()
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatalf("creating a client: %v", err)
	}
	return client
}

func testPod(name string, privileged bool) *corev1.Pod {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name:  "app",
			Image: "registry.k8s.io/pause:3.10",
		}}},
	}
	if privileged {
		pod.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: new(true)}
	}
	return pod
}

func TestServerReportsPinnedVersion(t *testing.T) {
	c := cluster.Get(t)
	info, err := clientFor(t, c.AdminConfig()).Discovery().ServerVersion()
	if err != nil {
		t.Fatalf("GET /version: %v", err)
	}
	if info.GitVersion != cluster.KubernetesVersion {
		t.Errorf("gitVersion = %q, want %q", info.GitVersion, cluster.KubernetesVersion)
	}
}

func TestAdminCreatesNamespaceAndPod(t *testing.T) {
	c := cluster.Get(t)
	ctx := t.Context()
	if _, err := c.CreateNamespace(ctx, "admin-pod", nil); err != nil {
		t.Fatalf("creating the namespace: %v", err)
	}
	client := clientFor(t, c.AdminConfig())
	if _, err := client.CoreV1().Pods("admin-pod").Create(ctx, testPod("web", false), metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating a pod: %v", err)
	}
	got, err := client.CoreV1().Pods("admin-pod").Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading the pod back: %v", err)
	}
	// No scheduler or kubelet runs, so the pod is stored but never placed.
	if got.Status.Phase != corev1.PodPending || got.Spec.NodeName != "" {
		t.Errorf("pod phase %q on node %q, want Pending and unscheduled", got.Status.Phase, got.Spec.NodeName)
	}
}

func TestIdentities(t *testing.T) {
	c := cluster.Get(t)
	cases := []struct {
		name       string
		kubeconfig string
		user       string
		wantGroup  string
		extraGroup bool
	}{
		{"admin", c.AdminKubeconfig(), cluster.AdminUser, "system:masters", true},
		{"limited", c.LimitedKubeconfig(), cluster.LimitedUser, "system:authenticated", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Through the kubeconfig file, so the file and its CA are what is tested.
			cfg, err := clientcmd.BuildConfigFromFlags("", tc.kubeconfig)
			if err != nil {
				t.Fatalf("loading %s: %v", tc.kubeconfig, err)
			}
			if cfg.Insecure || len(cfg.CAData) == 0 {
				t.Fatalf("kubeconfig does not pin the serving CA (insecure=%v)", cfg.Insecure)
			}
			review, err := clientFor(t, cfg).AuthenticationV1().SelfSubjectReviews().
				Create(t.Context(), &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
			if err != nil {
				t.Fatalf("self subject review: %v", err)
			}
			ui := review.Status.UserInfo
			if ui.Username != tc.user || !contains(ui.Groups, tc.wantGroup) {
				t.Errorf("user %q groups %v, want %q in %q", ui.Username, ui.Groups, tc.user, tc.wantGroup)
			}
			if !tc.extraGroup && len(ui.Groups) != 1 {
				t.Errorf("groups %v, want only system:authenticated", ui.Groups)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestLimitedUserNeedsRBAC(t *testing.T) {
	c := cluster.Get(t)
	ctx := t.Context()
	if _, err := c.CreateNamespace(ctx, "limited-rbac", nil); err != nil {
		t.Fatalf("creating the namespace: %v", err)
	}
	limited := clientFor(t, c.LimitedConfig())
	_, err := limited.CoreV1().Pods("limited-rbac").List(ctx, metav1.ListOptions{})
	if !apierrors.IsForbidden(err) {
		t.Fatalf("limited user listing pods: err = %v, want 403 Forbidden", err)
	}
	grantPodList(t, c, "limited-rbac")
	// The RBAC authorizer reads bindings from an informer, so the grant lands shortly after.
	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := limited.CoreV1().Pods("limited-rbac").List(ctx, metav1.ListOptions{})
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("limited user still cannot list pods after the grant: %v", err)
	}
	if _, err := limited.CoreV1().Pods("default").List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("limited user listing pods in another namespace: err = %v, want 403 Forbidden", err)
	}
}

func grantPodList(t *testing.T, c *cluster.Cluster, ns string) {
	t.Helper()
	admin := clientFor(t, c.AdminConfig())
	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "pod-lister"},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"list"}}},
	}
	binding := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "pod-lister"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "pod-lister"},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: cluster.LimitedUser}},
	}
	if _, err := admin.RbacV1().Roles(ns).Create(t.Context(), role, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating the role: %v", err)
	}
	if _, err := admin.RbacV1().RoleBindings(ns).Create(t.Context(), binding, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating the role binding: %v", err)
	}
}

func TestAnonymousAccess(t *testing.T) {
	c := cluster.Get(t)
	anon := clientFor(t, c.AnonymousConfig())
	// system:public-info-viewer opens /version to system:unauthenticated.
	if _, err := anon.Discovery().ServerVersion(); err != nil {
		t.Errorf("anonymous GET /version: %v", err)
	}
	// Forbidden, not Unauthorized: anonymous requests are authenticated as system:anonymous.
	_, err := anon.CoreV1().Namespaces().List(t.Context(), metav1.ListOptions{})
	if !apierrors.IsForbidden(err) {
		t.Errorf("anonymous list namespaces: err = %v, want 403 Forbidden", err)
	}
	if err != nil && !strings.Contains(err.Error(), "system:anonymous") {
		t.Errorf("anonymous list namespaces: %v, want it denied to system:anonymous", err)
	}
}

func TestPodSecurityAdmission(t *testing.T) {
	c := cluster.Get(t)
	ctx := t.Context()
	client := clientFor(t, c.AdminConfig())
	if _, err := c.CreateNamespace(ctx, "pss-restricted", map[string]string{"pod-security.kubernetes.io/enforce": "restricted"}); err != nil {
		t.Fatalf("creating the restricted namespace: %v", err)
	}
	if _, err := c.CreateNamespace(ctx, "pss-unlabelled", nil); err != nil {
		t.Fatalf("creating the unlabelled namespace: %v", err)
	}
	_, err := client.CoreV1().Pods("pss-restricted").Create(ctx, testPod("priv", true), metav1.CreateOptions{})
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "violates PodSecurity") {
		t.Errorf("privileged pod in a restricted namespace: err = %v, want a PodSecurity rejection", err)
	}
	// The same pod is admitted where no level is enforced, so the rejection above is PodSecurity's.
	if _, err := client.CoreV1().Pods("pss-unlabelled").Create(ctx, testPod("priv", true), metav1.CreateOptions{}); err != nil {
		t.Errorf("privileged pod in an unlabelled namespace: %v", err)
	}
}

func TestAPIServerRestartKeepsData(t *testing.T) {
	c := cluster.Get(t)
	ctx := t.Context()
	admin := clientFor(t, c.AdminConfig())
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "survivor"}, Data: map[string]string{"k": "v"}}
	if _, err := admin.CoreV1().ConfigMaps("default").Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating the config map: %v", err)
	}
	if err := c.StopAPIServer(); err != nil {
		t.Fatalf("stopping the apiserver: %v", err)
	}
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	_, err := admin.CoreV1().ConfigMaps("default").Get(short, "survivor", metav1.GetOptions{})
	cancel()
	if err == nil {
		t.Fatal("the apiserver still answers after StopAPIServer")
	}
	start := time.Now()
	if err := c.StartAPIServer(ctx); err != nil {
		t.Fatalf("restarting the apiserver: %v", err)
	}
	t.Logf("kube-apiserver ready again after %s", time.Since(start).Round(100*time.Millisecond))
	if err := c.StartAPIServer(ctx); err == nil {
		t.Error("StartAPIServer on a running apiserver: want an error")
	}
	// A client made before the restart keeps working: same port, same serving certificate.
	got, err := admin.CoreV1().ConfigMaps("default").Get(ctx, "survivor", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading the config map after the restart: %v", err)
	}
	if got.Data["k"] != "v" {
		t.Errorf("config map data after restart = %v", got.Data)
	}
}

func TestStartWithControllerManager(t *testing.T) {
	cluster.SkipIfRequested(t)
	start := time.Now()
	c, err := cluster.Start(t.Context(), cluster.Options{ControllerManager: true})
	if err != nil {
		t.Fatalf("starting a cluster with kube-controller-manager: %v", err)
	}
	t.Logf("cluster with kube-controller-manager started in %s", time.Since(start).Round(100*time.Millisecond))
	dir := c.Dir()
	t.Cleanup(func() { _ = c.Stop() })
	ctx := t.Context()
	admin := clientFor(t, c.AdminConfig())
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "controllers"}}
	if _, err := admin.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating the namespace: %v", err)
	}
	// The service account and root CA publisher controllers fill every new namespace.
	err = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		_, saErr := admin.CoreV1().ServiceAccounts("controllers").Get(ctx, "default", metav1.GetOptions{})
		_, cmErr := admin.CoreV1().ConfigMaps("controllers").Get(ctx, "kube-root-ca.crt", metav1.GetOptions{})
		return saErr == nil && cmErr == nil, nil
	})
	if err != nil {
		t.Fatalf("controllers did not create the default service account and kube-root-ca.crt: %v", err)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("stopping: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cluster directory %s still exists after Stop (err %v)", dir, err)
	}
	if _, err := admin.CoreV1().Namespaces().Get(ctx, "controllers", metav1.GetOptions{}); err == nil {
		t.Error("the apiserver still answers after Stop")
	}
}

package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/strata-sec/strata/test/cluster"
)

// TestLimitedUser scans one namespace as a user who may read its pods and the namespace and
// nothing else: the report must say which checks could not look and why, still judge the
// pods, and never crash or fail as a usage error.
func TestLimitedUser(t *testing.T) {
	c := cluster.Get(t)
	ctx := t.Context()
	const ns = "e2e-limited"
	if _, err := c.CreateNamespace(ctx, ns, nil); err != nil {
		t.Fatal(err)
	}
	admin := kubernetes.NewForConfigOrDie(c.AdminConfig())
	pod := privilegedPod(ns, "privileged")
	if _, err := admin.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	deploy := deploymentOf(ns, "hidden", pod.Spec)
	if _, err := admin.AppsV1().Deployments(ns).Create(ctx, deploy, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	grantPodsAndNamespace(t, c, admin, ns)

	r := strata(t, time.Minute, "scan", "--cluster", "--kubeconfig", c.LimitedKubeconfig(), "-n", ns, "--format", "json", "-v")
	if r.code != 0 && r.code != 1 {
		t.Fatalf("want exit 0 or 1: %s", r)
	}
	rep := parseReport(t, r)
	// The workload checks read every kind with a pod template; the user may list only pods.
	// Coverage names the first kind a check could not read; -v logs every one of them.
	denied := regexp.MustCompile(`forbidden: user "` + cluster.LimitedUser + `" cannot list (\S+) in namespace "` + ns + `"`)
	notAssessed := 0
	for _, cov := range rep.Coverage {
		if cov.Status == "error" {
			t.Errorf("check %s ended in error: %s", cov.CheckID, cov.Reason)
		}
		if m := denied.FindStringSubmatch(cov.Reason); cov.Status == "not-assessed" && m != nil && m[1] != "pods" {
			notAssessed++
		}
	}
	if notAssessed == 0 {
		t.Errorf("no check is not-assessed because listing a kind other than pods is forbidden; coverage: %+v", rep.Coverage)
	}
	for _, resource := range []string{"deployments.apps", "replicasets.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch", "cronjobs.batch"} {
		if !strings.Contains(r.stderr, "cannot list "+resource+` in namespace \"`+ns) {
			t.Errorf("stderr (-v) does not report listing %s as forbidden:\n%s", resource, r.stderr)
		}
	}
	if status := coverageOf(rep, "ST-0001"); status != "fail" {
		t.Errorf("ST-0001 (privileged) coverage %q, want fail: the user may list pods, and one is privileged", status)
	}
	if !hasFinding(rep, "ST-0001", objectKey{"Pod", ns, pod.Name}) {
		t.Errorf("no ST-0001 finding on pod %s/%s: %+v", ns, pod.Name, rep.Findings)
	}
	for _, f := range rep.Findings {
		if f.Object.Kind == "Deployment" {
			t.Errorf("a finding on a Deployment the user may not read: %s", f.key())
		}
	}
}

// grantPodsAndNamespace lets LimitedUser list and watch pods in ns and read the namespace
// itself (a scan restricted with -n gets its namespaces by name), and waits until the
// authorizer has seen the grant.
func grantPodsAndNamespace(t *testing.T, c *cluster.Cluster, admin kubernetes.Interface, ns string) {
	t.Helper()
	ctx := t.Context()
	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "scan-pods", Namespace: ns},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"list", "watch"}},
			{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"get", "list", "watch"}},
		},
	}
	if _, err := admin.RbacV1().Roles(ns).Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "scan-pods", Namespace: ns},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: cluster.LimitedUser}},
	}
	if _, err := admin.RbacV1().RoleBindings(ns).Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	limited := kubernetes.NewForConfigOrDie(c.LimitedConfig())
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 20*time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := limited.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{Limit: 1})
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("the grant to %s never took effect: %v", cluster.LimitedUser, err)
	}
}

// deploymentOf is a Deployment of pods with spec.
func deploymentOf(ns, name string, spec corev1.PodSpec) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: spec},
		},
	}
}

// privilegedPod is a pod ST-0001 fails.
func privilegedPod(ns, name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name:            "app",
			Image:           "registry.example.com/app:1.0",
			SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)},
		}}},
	}
}

func coverageOf(rep *report, id string) string {
	for _, cov := range rep.Coverage {
		if cov.CheckID == id {
			return cov.Status
		}
	}
	return ""
}

func hasFinding(rep *report, id string, obj objectKey) bool {
	for _, f := range rep.Findings {
		if f.CheckID == id && f.Object.key() == obj {
			return true
		}
	}
	return false
}

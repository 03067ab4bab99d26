package e2e

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/strata-sec/strata/test/cluster"
)

// TestSecretsNeverFetched plants canary values where a live scan could pick them up — a
// Secret's data, the copy kubectl apply leaves in its last-applied-configuration annotation,
// a literal env value and ConfigMap data — and requires that no output format, nor the -v log,
// ever contains one, while the report does cover the objects holding them.
func TestSecretsNeverFetched(t *testing.T) {
	c := cluster.Get(t)
	ctx := t.Context()
	const ns = "e2e-canary"
	if _, err := c.CreateNamespace(ctx, ns, nil); err != nil {
		t.Fatal(err)
	}
	secretValue, envValue, configValue := canary(t), canary(t), canary(t)
	admin := kubernetes.NewForConfigOrDie(c.AdminConfig())
	if _, err := admin.CoreV1().Secrets(ns).Create(ctx, canarySecret(t, ns, secretValue), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "canary-config", Namespace: ns},
		Data:       map[string]string{"password": configValue},
	}
	if _, err := admin.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	pod := canaryPod(ns, envValue)
	if _, err := admin.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	forbidden := []string{
		secretValue, base64.StdEncoding.EncodeToString([]byte(secretValue)),
		envValue, configValue,
	}
	for _, format := range []string{"table", "json", "sarif", "junit"} {
		r := strata(t, time.Minute, "scan", "--cluster", "--kubeconfig", c.AdminKubeconfig(), "--format", format, "-v")
		if r.code != 0 {
			t.Fatalf("%s", r)
		}
		if !strings.Contains(r.stdout, pod.Name) {
			t.Errorf("--format %s: the report never mentions pod %s, so it proves nothing", format, pod.Name)
		}
		for _, v := range forbidden {
			if strings.Contains(r.stdout, v) || strings.Contains(r.stderr, v) {
				t.Errorf("--format %s: a canary value %q appears in the output", format, v)
			}
		}
		if format == "json" {
			rep := parseReport(t, r)
			// The checks did read the values: they found the credential in env.
			for _, id := range []string{"ST-0024", "ST-0025"} {
				if !hasFinding(rep, id, objectKey{"Pod", ns, pod.Name}) {
					t.Errorf("no %s finding on pod %s/%s", id, ns, pod.Name)
				}
			}
		}
	}
}

// canary returns a random value that cannot appear in an output by chance.
func canary(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "canary-" + hex.EncodeToString(b)
}

// canarySecret holds value in its data and, as a Secret applied with kubectl does, in its
// last-applied-configuration annotation.
func canarySecret(t *testing.T, ns, value string) *corev1.Secret {
	t.Helper()
	s := &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: "canary", Namespace: ns},
		StringData: map[string]string{"password": value},
	}
	applied, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	s.Annotations = map[string]string{corev1.LastAppliedConfigAnnotation: string(applied)}
	return s
}

// canaryPod reads the Secret into env (ST-0025) and carries a literal credential (ST-0024).
func canaryPod(ns, envValue string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "uses-canary", Namespace: ns},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name:  "app",
			Image: "registry.example.com/app:1.0",
			Env: []corev1.EnvVar{
				{Name: "DB_PASSWORD", Value: envValue},
				{Name: "API_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
					LocalObjectReference: corev1.LocalObjectReference{Name: "canary"}, Key: "password",
				}}},
			},
		}}},
	}
}

package manifest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// deployment is a realistic Deployment of about forty lines: three containers, env, probes,
// resources and volumes.
func deployment(i int) string {
	return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%[1]d
  namespace: team-%[2]d
  labels: {app: app-%[1]d, tier: backend}
  annotations:
    strata.dev/owner: team-%[2]d
spec:
  replicas: %[3]d
  selector:
    matchLabels: {app: app-%[1]d}
  template:
    metadata:
      labels: {app: app-%[1]d}
    spec:
      serviceAccountName: app-%[1]d
      initContainers:
      - name: migrate
        image: registry.example.com/app-migrate:1.%[1]d
        args: ["--once", "--timeout=30s"]
      containers:
      - name: app
        image: registry.example.com/app:1.%[1]d
        ports:
        - containerPort: 8080
        env:
        - name: LOG_LEVEL
          value: info
        - name: POD_NAME
          valueFrom: {fieldRef: {fieldPath: metadata.name}}
        securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false}
        resources: {limits: {cpu: 500m, memory: 256Mi}}
        volumeMounts:
        - {name: config, mountPath: /etc/app, readOnly: true}
      - name: proxy
        image: registry.example.com/proxy:2.4
        resources: {limits: {cpu: 100m, memory: 64Mi}}
      volumes:
      - name: config
        configMap: {name: app-%[1]d-config}
`, i, i%50, i%5+1)
}

func writeDeployments(tb testing.TB, n int) string {
	tb.Helper()
	var b strings.Builder
	for i := range n {
		b.WriteString("---\n")
		b.WriteString(deployment(i))
	}
	path := filepath.Join(tb.TempDir(), "deployments.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkLoad10k loads one file of 10,000 Deployments.
func BenchmarkLoad10k(b *testing.B) {
	path := writeDeployments(b, 10_000)
	b.ReportAllocs()
	for b.Loop() {
		res, err := Load(context.Background(), []string{path}, Options{})
		if err != nil || len(res.Errors) > 0 || len(res.Objects) != 10_000 {
			b.Fatalf("load: %v, %d errors, %d objects", err, len(res.Errors), len(res.Objects))
		}
	}
}

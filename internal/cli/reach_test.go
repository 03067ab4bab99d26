package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// runReach runs a reach command line through the root command.
func runReach(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return run(t, "", args...)
}

// reachShop is a namespace with default-deny ingress, web admitted from the internet on 8080,
// api from web on 9000, db from api on 5432, and api's egress limited to db.
const reachShop = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: web:1, ports: [{containerPort: 8080}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - {name: api, image: api:1, ports: [{containerPort: 9000}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - {name: db, image: postgres:16, ports: [{containerPort: 5432}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-public, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from:
    - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}
    ports: [{port: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 9000}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: api}}}]
    ports: [{port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: db}}}]
    ports: [{port: 5432}]
`

func TestReachAnswers(t *testing.T) {
	f := writeFile(t, t.TempDir(), "shop.yaml", reachShop)
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"api to db allowed by both sides", []string{"shop/api", "shop/db", "--port", "5432"},
			[]string{"shop/api -> shop/db on 5432/TCP: allowed", "egress allowed by shop/api-egress", "ingress allowed by shop/db-from-api"}},
		{"web to db denied at ingress", []string{"shop/web", "shop/db"},
			[]string{"shop/web -> shop/db on 5432/TCP: denied", "not isolated for egress", "isolated for ingress by shop/default-deny-ingress, shop/db-from-api"}},
		{"api egress denies the internet", []string{"shop/api", "internet", "--port", "443/tcp"},
			[]string{"shop/api -> 203.0.113.1 on 443/TCP: denied", "isolated for egress by shop/api-egress"}},
		{"internet reaches web", []string{"internet", "shop/web"},
			[]string{"203.0.113.1 -> shop/web on 8080/TCP: allowed", "ingress allowed by shop/web-public"}},
		{"excepted range does not reach web", []string{"10.1.2.3", "shop/web"},
			[]string{"10.1.2.3 -> shop/web on 8080/TCP: denied"}},
		{"udp is a different port", []string{"shop/web", "shop/api", "--port", "9000/UDP"},
			[]string{"shop/web -> shop/api on 9000/UDP: denied"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runReach(t, append(append([]string{"reach"}, tc.args...), f)...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, stdout)
				}
			}
		})
	}
}

func TestReachJSON(t *testing.T) {
	f := writeFile(t, t.TempDir(), "shop.yaml", reachShop)
	stdout, stderr, code := runReach(t, "reach", "--format", "json", "shop/web", "shop/api", f)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got []reachAnswer
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if len(got) != 1 || !got[0].Allowed || got[0].Port != 9000 || got[0].Ingress.Allowing[0] != "shop/api-from-web" ||
		got[0].Egress.Isolated {
		t.Errorf("unexpected answer: %+v", got)
	}
}

func TestReachMatrix(t *testing.T) {
	f := writeFile(t, t.TempDir(), "shop.yaml", reachShop)
	stdout, stderr, code := runReach(t, "reach", "--matrix", "-n", "shop", "--format", "json", f)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var m matrixOutput
	if err := json.Unmarshal([]byte(stdout), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if strings.Join(m.Workloads, " ") != "shop/web shop/api shop/db" {
		t.Fatalf("workloads %v", m.Workloads)
	}
	want := [][]bool{
		{false, true, false},  // web: not egress-isolated, but web admits only ipBlock peers and db only api
		{false, false, true},  // api: egress only to db
		{false, false, false}, // db: reaches nothing that admits it
	}
	for i := range want {
		for j := range want[i] {
			if m.Allowed[i][j] != want[i][j] {
				t.Errorf("%s -> %s = %v, want %v", m.Workloads[i], m.Workloads[j], m.Allowed[i][j], want[i][j])
			}
		}
	}
	table, _, code := runReach(t, "reach", "--matrix", "--port", "5432", f)
	if code != ExitOK || !strings.Contains(table, "on 5432/TCP") || !strings.Contains(table, "2 shop/api") {
		t.Errorf("table matrix (exit %d):\n%s", code, table)
	}
}

func TestReachUsageErrors(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, dir, "shop.yaml", reachShop)
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"typo names close match":       {[]string{"reach", "shop/wbe", "shop/db", f}, "did you mean shop/web"},
		"wrong namespace":              {[]string{"reach", "prod/api", "shop/db", f}, "shop/api"},
		"no paths":                     {[]string{"reach", "shop/web", "shop/db"}, "at least one path"},
		"no endpoints":                 {[]string{"reach"}, "needs FROM and TO"},
		"bad port":                     {[]string{"reach", "--port", "http", "shop/web", "shop/db", f}, "not a port number"},
		"bad protocol":                 {[]string{"reach", "--port", "80/ICMP", "shop/web", "shop/db", f}, "unknown protocol"},
		"ip needs a port":              {[]string{"reach", "shop/web", "internet", f}, "give one with --port"},
		"bad format":                   {[]string{"reach", "--format", "xml", "shop/web", "shop/db", f}, "unknown format"},
		"namespace without matrix":     {[]string{"reach", "-n", "shop", "shop/web", "shop/db", f}, "only applies to --matrix"},
		"empty namespace":              {[]string{"reach", "--matrix", "-n", "payments", f}, "no workload in namespace payments"},
		"cluster flag without cluster": {[]string{"reach", "--context", "prod", "shop/web", "shop/db", f}, "add --cluster"},
		"cluster with paths":           {[]string{"reach", "--cluster", "shop/web", "shop/db", f}, "takes no paths"},
		"bad input":                    {[]string{"reach", "shop/web", "shop/db", writeFile(t, dir, "bad.yaml", "kind: [\n")}, "input error"},
	} {
		t.Run(name, func(t *testing.T) {
			stdout, stderr, code := runReach(t, tc.args...)
			if code != ExitUsage {
				t.Fatalf("exit %d, want 2; stdout %s stderr %s", code, stdout, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr lacks %q: %s", tc.want, stderr)
			}
		})
	}
}

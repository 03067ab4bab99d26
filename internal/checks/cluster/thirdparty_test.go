package cluster

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/util/version"

	"github.com/strata-sec/strata/internal/podspec"
)

func TestImageRepoTag(t *testing.T) {
	tests := []struct{ image, repo, tag string }{
		{"registry.k8s.io/ingress-nginx/controller:v1.11.2@sha256:d5f8217feeac4887cb1ed21f27c2674e58be06bd8f5184cacea2a69abaf78dce", "ingress-nginx/controller", "v1.11.2"},
		{"registry.k8s.io/ingress-nginx/controller@sha256:d5f8217feeac4887cb1ed21f27c2674e58be06bd8f5184cacea2a69abaf78dce", "ingress-nginx/controller", ""},
		{"grafana/grafana:8.3.0", "grafana/grafana", "8.3.0"},
		{"docker.io/library/nginx:1.27", "nginx", "1.27"},
		{"localhost:5000/helm/tiller:v2.16.12", "helm/tiller", "v2.16.12"},
		{"mirror.example.com:5000/Quay/ArgoProj/ArgoCD:v2.10.9", "quay/argoproj/argocd", "v2.10.9"},
		{"busybox", "busybox", ""},
	}
	for _, tt := range tests {
		repo, tag := imageRepoTag(tt.image)
		if repo != tt.repo || tag != tt.tag {
			t.Errorf("imageRepoTag(%q) = %q, %q; want %q, %q", tt.image, repo, tag, tt.repo, tt.tag)
		}
	}
}

func TestTagVersion(t *testing.T) {
	for tag, want := range map[string]string{
		"v1.11.2": "1.11.2", "1.11.3-debian-12-r0": "1.11.3", "8.0.0-beta1": "8.0.0-beta1", "8.3.0-ubuntu": "8.3.0",
		"v2.10.0-rc.2": "2.10.0-rc.2", "v1.11.2-rcfoo": "1.11.2", "8.3.1_security": "8.3.1",
		"latest": "", "8.3": "", "main": "", "sha-4f2c1e0": "", "": "", "v1": "",
	} {
		got := ""
		if v := tagVersion(tag); v != nil {
			got = v.String()
		}
		if got != want {
			t.Errorf("tagVersion(%q) = %q, want %q", tag, got, want)
		}
	}
}

// TestVersionRanges walks the edges of the dataset's ranges.
func TestVersionRanges(t *testing.T) {
	nightmare := func(fixed string) string {
		return "CVE-2025-1974>" + fixed + " CVE-2025-1097>" + fixed + " CVE-2025-1098>" + fixed + " CVE-2025-24514>" + fixed
	}
	tests := []struct {
		comp    *thirdPartyComponent
		version string
		want    string // CVE IDs, with the fixed version, in dataset order
	}{
		{&ingressNginx, "0.49.3", nightmare("1.11.5") + " CVE-2026-24512>1.13.7"},
		{&ingressNginx, "1.11.4", nightmare("1.11.5") + " CVE-2026-24512>1.13.7"},
		{&ingressNginx, "1.11.5", "CVE-2026-24512>1.13.7"},
		{&ingressNginx, "1.12.0-beta.0", nightmare("1.12.1") + " CVE-2026-24512>1.13.7"},
		{&ingressNginx, "1.12.0", nightmare("1.12.1") + " CVE-2026-24512>1.13.7"},
		{&ingressNginx, "1.12.1", "CVE-2026-24512>1.13.7"},
		{&ingressNginx, "1.13.7", ""},
		{&ingressNginx, "1.14.2", "CVE-2026-24512>1.14.3"},
		{&ingressNginx, "1.14.3", ""},
		{&grafanaComponent, "7.5.11", ""},
		{&grafanaComponent, "8.0.0-beta1", "CVE-2021-43798>8.0.7"},
		{&grafanaComponent, "8.0.6", "CVE-2021-43798>8.0.7"},
		{&grafanaComponent, "8.0.7", ""},
		{&grafanaComponent, "8.2.6", "CVE-2021-43798>8.2.7"},
		{&grafanaComponent, "8.3.0", "CVE-2021-43798>8.3.1"},
		{&grafanaComponent, "8.3.1", ""},
		{&kubernetesDashboard, "1.10.0", "CVE-2018-18264>1.10.1"},
		{&kubernetesDashboard, "1.10.1", ""},
		{&kubernetesDashboard, "2.7.0", ""},
		{&argoCD, "1.3.9", "CVE-2024-31989>2.8.19"},
		{&argoCD, "2.3.3", "CVE-2022-29165>2.3.4 CVE-2024-31989>2.8.19 CVE-2025-55190>2.13.9"},
		{&argoCD, "2.11.0", "CVE-2024-31989>2.11.1 CVE-2025-55190>2.13.9"},
		{&argoCD, "2.11.1", "CVE-2025-55190>2.13.9"},
		{&argoCD, "2.14.16", ""},
		{&argoCD, "3.1.1", "CVE-2025-55190>3.1.2"},
		{&argoCD, "3.2.0", ""},
	}
	for _, tt := range tests {
		hits, err := tt.comp.affects(version.MustParseSemantic(tt.version))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range hits {
			got = append(got, h.id+">"+h.fixed)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%s %s: %q, want %q", tt.comp.name, tt.version, strings.Join(got, " "), tt.want)
		}
	}
}

// TestDataset keeps the dataset well-formed: versions parse, ranges are non-empty and sorted,
// sources are HTTPS, and no image path belongs to two components.
func TestDataset(t *testing.T) {
	seen := map[string]string{}
	for _, c := range thirdPartyComponents {
		for _, img := range c.images {
			if prev, dup := seen[img]; dup {
				t.Errorf("image %s belongs to %s and %s", img, prev, c.name)
			}
			seen[img] = c.name
		}
		for _, v := range c.vulns {
			if !strings.HasPrefix(v.id, "CVE-") || !strings.HasPrefix(v.source, "https://") || v.summary == "" {
				t.Errorf("%s %s: id, summary or source missing", c.name, v.id)
			}
			switch v.severity {
			case "critical", "high", "medium", "low":
			default:
				t.Errorf("%s %s: severity %q", c.name, v.id, v.severity)
			}
			var prevFixed *version.Version
			for _, sp := range v.affected {
				fixed, err := version.ParseSemantic(sp.fixed)
				if err != nil {
					t.Errorf("%s %s: fixed %q: %v", c.name, v.id, sp.fixed, err)
					continue
				}
				if sp.introduced != "" {
					in, err := version.ParseSemantic(sp.introduced)
					if err != nil || !in.LessThan(fixed) {
						t.Errorf("%s %s: range [%s, %s) is empty or invalid (%v)", c.name, v.id, sp.introduced, sp.fixed, err)
					}
				}
				if prevFixed != nil && !prevFixed.LessThan(fixed) {
					t.Errorf("%s %s: ranges out of order at %s", c.name, v.id, sp.fixed)
				}
				prevFixed = fixed
			}
		}
	}
}

func testContainer(name, image string) podspec.Container {
	return podspec.Container{Kind: podspec.RegularContainer, Container: &corev1.Container{Name: name, Image: image},
		Path: field.NewPath("spec", "containers").Index(0)}
}

func TestRecognise(t *testing.T) {
	helmLabels := &metav1.ObjectMeta{Labels: map[string]string{"app": "helm", "name": "tiller"}}
	tests := []struct {
		meta    *metav1.ObjectMeta
		c       podspec.Container
		want    string
		version string
	}{
		{nil, testContainer("controller", "registry.k8s.io/ingress-nginx/controller:v1.11.2"), "ingress-nginx controller", "1.11.2"},
		{nil, testContainer("c", "docker.io/bitnami/nginx-ingress-controller:1.11.3-debian-12-r0"), "ingress-nginx controller", "1.11.3"},
		{nil, testContainer("c", "nginx/nginx-ingress:3.7.0"), "", ""}, // F5 NGINX Ingress Controller, another product
		{nil, testContainer("c", "grafana/grafana-image-renderer:3.10.0"), "", ""},
		{nil, testContainer("c", "quay.io/argoproj/argocd:v2.10.9"), "Argo CD", "2.10.9"},
		{nil, testContainer("c", "registry.k8s.io/metrics-server/metrics-server:v0.8.0"), "metrics-server", "0.8.0"},
		{nil, testContainer("c", "k8s.gcr.io/kubernetes-dashboard-amd64:v1.10.0"), "Kubernetes Dashboard", "1.10.0"},
		{helmLabels, testContainer("tiller", "registry.example.com/mirror/helm-server:v2.14.3"), "Tiller (Helm v2)", "2.14.3"},
		{helmLabels, testContainer("sidecar", "registry.example.com/proxy:v1.0.0"), "", ""},
		{&metav1.ObjectMeta{Labels: map[string]string{"app": "helm"}}, testContainer("tiller", "registry.example.com/x:v1.0.0"), "", ""},
		{nil, testContainer("c", "ghcr.io/helm/tiller:latest"), "Tiller (Helm v2)", ""},
	}
	for _, tt := range tests {
		r, ok := recognise(tt.meta, tt.c)
		got, ver := "", ""
		if ok {
			got = r.component.name
			if r.version != nil {
				ver = r.version.String()
			}
		}
		if got != tt.want || ver != tt.version {
			t.Errorf("recognise(%s) = %q %q, want %q %q", tt.c.Container.Image, got, ver, tt.want, tt.version)
		}
	}
}

func TestDashboardFlags(t *testing.T) {
	tests := []struct {
		command, args []string
		path, fix     string
	}{
		{nil, strs("--auto-generate-certificates", "--enable-skip-login=false", "--enable-insecure-login=0"), "", ""},
		{nil, strs("--enable-skip-login"), "args[0]", `remove /spec/containers/0/args/0`},
		{nil, strs("--enable-skip-login=TRUE"), "args[0]", `remove /spec/containers/0/args/0`},
		{nil, strs("--enable-skip-logins"), "", ""},
		{nil, strs("--authentication-mode=token"), "", ""},
		{nil, strs("--authentication-mode=basic"), "args[0]", `replace /spec/containers/0/args/0 --authentication-mode=token`},
		{nil, strs("--authentication-mode", "token,basic", "--x"), "args[0]", `replace /spec/containers/0/args/1 token`},
		{strs("/dashboard", "--enable-insecure-login"), strs("--enable-skip-login"), "command[1]",
			`remove /spec/containers/0/args/0, remove /spec/containers/0/command/1`},
		{nil, strs("--a", "--enable-skip-login", "--b", "--enable-insecure-login"), "args[1]",
			`remove /spec/containers/0/args/3, remove /spec/containers/0/args/1`},
	}
	for _, tt := range tests {
		c := testContainer("kubernetes-dashboard", "kubernetesui/dashboard:v2.7.0")
		c.Container.Command, c.Container.Args = tt.command, tt.args
		v, bad := dashboardFlags(c)
		var path string
		var fix []string
		if bad {
			path = strings.TrimPrefix(v.Path.String(), "spec.containers[0].")
			for _, op := range v.Fix {
				f := op.Op + " " + op.Path
				if op.Value != nil {
					f += " " + op.Value.(string)
				}
				fix = append(fix, f)
			}
		}
		if path != tt.path || strings.Join(fix, ", ") != tt.fix {
			t.Errorf("dashboardFlags(%q, %q) = %q [%s], want %q [%s]", tt.command, tt.args, path, strings.Join(fix, ", "), tt.path, tt.fix)
		}
	}
}

func TestControllerConfigMap(t *testing.T) {
	tests := []struct {
		args []string
		want [2]string
		ok   bool
	}{
		{strs("/nginx-ingress-controller", "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller"), [2]string{"edge", "ingress-nginx-controller"}, true},
		{strs("--configmap", "ingress/nginx-config"), [2]string{"ingress", "nginx-config"}, true},
		{strs("--configmap=nginx-config"), [2]string{}, false},
		{strs("--election-id=x"), [2]string{}, false},
	}
	for _, tt := range tests {
		got, ok := controllerConfigMap(&corev1.Container{Args: tt.args}, "edge")
		if got != tt.want || ok != tt.ok {
			t.Errorf("controllerConfigMap(%q) = %v %v, want %v %v", tt.args, got, ok, tt.want, tt.ok)
		}
	}
	for value, want := range map[string]bool{"true": true, " True ": true, "1": true, "false": false, "yes": false, "": false} {
		_, got := snippetsAllowed(&corev1.ConfigMap{Data: map[string]string{snippetKey: value}})
		if got != want {
			t.Errorf("snippetsAllowed(%q) = %v, want %v", value, got, want)
		}
	}
}

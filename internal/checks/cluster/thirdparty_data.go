package cluster

// The third-party component dataset: which images (and pod labels) identify a component, and
// the published vulnerabilities of the versions its image tags carry. It is small on purpose —
// components that run with cluster-wide power and whose known vulnerabilities hand that power
// over — and every entry names its source. It is not a vulnerability scanner for images; that
// is the container layer's job.
//
// Version ranges are half-open, [introduced, fixed), in semantic-version order (1.12.0-beta.0
// sorts before 1.12.0); an empty introduced means every earlier version. A release line that
// got no fix is covered by the next line's range.

// thirdPartyDatasetDate is when the dataset was last reviewed against its sources.
const thirdPartyDatasetDate = "2026-11-26"

// thirdPartyComponent is a third-party component strata recognises.
type thirdPartyComponent struct {
	name string
	// images are repository paths (without registry) that identify the component; a path
	// matches an image whose repository equals it or ends with "/" plus it, so mirrors match.
	images []string
	// hints recognise a mirrored image under another name: a pod labelled so, running a
	// container of that name, runs the component.
	hints []componentHint
	vulns []componentVuln
	// note is appended to every finding on the component.
	note string
}

type componentHint struct {
	labels    map[string]string
	container string
}

// componentVuln is one published vulnerability.
type componentVuln struct {
	id       string
	severity string
	summary  string
	affected []versionSpan
	source   string
}

// versionSpan is a half-open version range [introduced, fixed).
type versionSpan struct{ introduced, fixed string }

var (
	ingressNginx = thirdPartyComponent{
		name: "ingress-nginx controller",
		images: []string{"ingress-nginx/controller", "ingress-nginx/controller-chroot",
			"kubernetes-ingress-controller/nginx-ingress-controller", "bitnami/nginx-ingress-controller"},
		hints: []componentHint{{labels: map[string]string{"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"}, container: "controller"}},
		note:  "ingress-nginx was retired in March 2026 and gets no further security fixes; plan a move to a maintained controller",
		vulns: []componentVuln{
			{"CVE-2025-1974", "critical", "unauthenticated code execution through the admission webhook (IngressNightmare)",
				[]versionSpan{{"", "1.11.5"}, {"1.12.0-0", "1.12.1"}}, "https://github.com/kubernetes/kubernetes/issues/131009"},
			{"CVE-2025-1097", "high", "configuration injection through the auth-tls-match-cn annotation",
				[]versionSpan{{"", "1.11.5"}, {"1.12.0-0", "1.12.1"}}, "https://github.com/kubernetes/kubernetes/issues/131007"},
			{"CVE-2025-1098", "high", "configuration injection through the mirror-target and mirror-host annotations",
				[]versionSpan{{"", "1.11.5"}, {"1.12.0-0", "1.12.1"}}, "https://github.com/kubernetes/kubernetes/issues/131008"},
			{"CVE-2025-24514", "high", "configuration injection through the auth-url annotation",
				[]versionSpan{{"", "1.11.5"}, {"1.12.0-0", "1.12.1"}}, "https://github.com/kubernetes/kubernetes/issues/131006"},
			{"CVE-2026-24512", "high", "configuration injection through rules.http.paths.path",
				[]versionSpan{{"", "1.13.7"}, {"1.14.0-0", "1.14.3"}}, "https://github.com/kubernetes/kubernetes/issues/136678"},
		},
	}
	kubernetesDashboard = thirdPartyComponent{
		name: "Kubernetes Dashboard",
		images: []string{"kubernetesui/dashboard", "kubernetesui/dashboard-api", "kubernetesui/dashboard-web",
			"kubernetesui/dashboard-auth", "kubernetes-dashboard-amd64", "kubernetes-dashboard-arm64",
			"kubernetes-dashboard-arm", "kubernetes-dashboard-ppc64le", "kubernetes-dashboard-s390x"},
		hints: []componentHint{{labels: map[string]string{"k8s-app": "kubernetes-dashboard"}, container: "kubernetes-dashboard"}},
		note:  "the Dashboard project was archived in January 2026; Headlamp is the maintained successor",
		vulns: []componentVuln{
			{"CVE-2018-18264", "high", "authentication bypass that reads Secrets with the Dashboard's service account",
				[]versionSpan{{"", "1.10.1"}}, "https://github.com/kubernetes/dashboard/releases/tag/v1.10.1"},
		},
	}
	argoCD = thirdPartyComponent{
		name:   "Argo CD",
		images: []string{"argoproj/argocd"},
		vulns: []componentVuln{
			{"CVE-2022-29165", "critical", "forged JWTs impersonate any user when anonymous access is enabled",
				[]versionSpan{{"1.4.0-0", "2.1.15"}, {"2.2.0-0", "2.2.9"}, {"2.3.0-0", "2.3.4"}}, "https://github.com/argoproj/argo-cd/security/advisories/GHSA-r642-gv9p-2wjj"},
			{"CVE-2024-31989", "critical", "unauthenticated Redis cache reachable from any pod leads to cluster-controller privileges",
				[]versionSpan{{"", "2.8.19"}, {"2.9.0-0", "2.9.15"}, {"2.10.0-0", "2.10.10"}, {"2.11.0-0", "2.11.1"}}, "https://github.com/argoproj/argo-cd/security/advisories/GHSA-9766-5277-j5hr"},
			{"CVE-2025-55190", "critical", "project API tokens read repository credentials",
				[]versionSpan{{"2.2.0-0", "2.13.9"}, {"2.14.0-0", "2.14.16"}, {"3.0.0-0", "3.0.14"}, {"3.1.0-0", "3.1.2"}}, "https://github.com/argoproj/argo-cd/security/advisories/GHSA-786q-9hcg-v9ff"},
		},
	}
	grafanaComponent = thirdPartyComponent{
		name:   "Grafana",
		images: []string{"grafana/grafana", "grafana/grafana-oss", "grafana/grafana-enterprise"},
		vulns: []componentVuln{
			{"CVE-2021-43798", "high", "unauthenticated path traversal reads any file the Grafana process can read",
				[]versionSpan{{"8.0.0-beta1", "8.0.7"}, {"8.1.0-0", "8.1.8"}, {"8.2.0-0", "8.2.7"}, {"8.3.0-0", "8.3.1"}}, "https://github.com/grafana/grafana/security/advisories/GHSA-8pjx-jj86-j47p"},
		},
	}
	// tillerComponent is recognised for ST-0162, which flags it at any version.
	tillerComponent = thirdPartyComponent{
		name:   "Tiller (Helm v2)",
		images: []string{"kubernetes-helm/tiller", "helm/tiller"},
		hints:  []componentHint{{labels: map[string]string{"app": "helm", "name": "tiller"}, container: "tiller"}},
	}
	// metricsServer is recognised only: no vulnerability in its own code is in the dataset.
	metricsServer = thirdPartyComponent{
		name:   "metrics-server",
		images: []string{"metrics-server/metrics-server", "metrics-server-amd64", "metrics-server-arm64"},
	}
)

// thirdPartyComponents lists every recognised component.
var thirdPartyComponents = []*thirdPartyComponent{&ingressNginx, &kubernetesDashboard, &argoCD, &grafanaComponent, &tillerComponent, &metricsServer}

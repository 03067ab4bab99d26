package netpol

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/inventory"
)

func object(file, apiVersion, kind string, obj runtime.Object) *check.Object {
	m := obj.(metav1.ObjectMetaAccessor).GetObjectMeta()
	return &check.Object{
		Ref:    check.Ref{APIVersion: apiVersion, Kind: kind, Namespace: m.GetNamespace(), Name: m.GetName()},
		Obj:    obj,
		Meta:   m,
		Source: check.Location{File: file},
	}
}

func template(lbls map[string]string, hostNetwork bool, ports ...corev1.ContainerPort) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: lbls},
		Spec:       corev1.PodSpec{HostNetwork: hostNetwork, Containers: []corev1.Container{{Name: "main", Ports: ports}}},
	}
}

func TestFromInventoryManifests(t *testing.T) {
	const file = "app.yaml"
	objs := []*check.Object{
		object(file, "v1", "Namespace", &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: map[string]string{"team": "a"}}}),
		object(file, "apps/v1", "Deployment", &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "frontend", Namespace: "web"},
			Spec: appsv1.DeploymentSpec{Template: template(map[string]string{"app": "fe"}, false, corev1.ContainerPort{Name: "http", ContainerPort: 8080})}}),
		object(file, "apps/v1", "Deployment", &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "client"},
			Spec: appsv1.DeploymentSpec{Template: template(map[string]string{"app": "client"}, false)}}),
		object(file, "apps/v1", "DaemonSet", &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "agent", Namespace: "kube-system"},
			Spec: appsv1.DaemonSetSpec{Template: template(map[string]string{"app": "agent"}, true)}}),
		object(file, "v1", "Pod", &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "debug", Namespace: "api", Labels: map[string]string{"app": "debug"}}}),
		object(file, "networking.k8s.io/v1", "NetworkPolicy", &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "fe", Namespace: "web"},
			Spec: networkingv1.NetworkPolicySpec{
				PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "fe"}},
				Ingress: []networkingv1.NetworkPolicyIngressRule{{
					From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{
						MatchLabels: map[string]string{"kubernetes.io/metadata.name": "default"}}}},
				}},
			}}),
	}
	e, err := FromInventory(inventory.NewIndex(objs))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*Pod{}
	for _, p := range e.Pods() {
		byName[p.String()] = p
	}
	if len(byName) != 4 {
		t.Fatalf("pods %v, want web/frontend, default/client, kube-system/agent, api/debug", byName)
	}
	fe, client, agent, debug := byName["web/frontend"], byName["default/client"], byName["kube-system/agent"], byName["api/debug"]
	if fe == nil || client == nil || agent == nil || debug == nil {
		t.Fatalf("pods %v", byName)
	}
	if fe.Owner.Kind != "Deployment" || fe.Owner.Name != "frontend" || len(fe.Ports) != 1 || fe.Ports[0].Protocol != corev1.ProtocolTCP {
		t.Errorf("frontend pod %+v", fe)
	}
	if !agent.HostNetwork {
		t.Error("agent lost hostNetwork")
	}
	// The undeclared namespace "default" gets its name label, so the policy selects it by name.
	if !e.Allowed(PodEndpoint(client), PodEndpoint(fe), 8080, "").Allowed {
		t.Error("default/client cannot reach web/frontend")
	}
	if e.Allowed(PodEndpoint(debug), PodEndpoint(fe), 8080, "").Allowed {
		t.Error("api/debug reaches web/frontend")
	}
	if !e.Allowed(PodEndpoint(fe), PodEndpoint(debug), 80, "").Allowed {
		t.Error("web/frontend egress is not isolated but was denied")
	}
}

func TestFromInventoryLive(t *testing.T) {
	deploy := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "frontend", Namespace: "web", UID: "d1"},
		Spec: appsv1.DeploymentSpec{Template: template(map[string]string{"app": "fe"}, false)}}
	rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "frontend-5d9", Namespace: "web", UID: "r1",
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: "frontend", UID: "d1", Controller: ptr.To(true)}}},
		Spec: appsv1.ReplicaSetSpec{Template: template(map[string]string{"app": "fe"}, false)}}
	running := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "frontend-5d9-x", Namespace: "web", Labels: map[string]string{"app": "fe", "pod-template-hash": "5d9"},
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "frontend-5d9", UID: "r1", Controller: ptr.To(true)}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning}}
	done := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "job-x", Namespace: "web"}, Status: corev1.PodStatus{Phase: corev1.PodSucceeded}}
	objs := []*check.Object{
		object("", "apps/v1", "Deployment", deploy),
		object("", "apps/v1", "ReplicaSet", rs),
		object("", "v1", "Pod", running),
		object("", "v1", "Pod", done),
	}
	e, err := FromInventory(inventory.NewIndex(objs))
	if err != nil {
		t.Fatal(err)
	}
	pods := e.Pods()
	if len(pods) != 1 || pods[0].Name != "frontend-5d9-x" {
		t.Fatalf("live pods %v, want only the running pod", pods)
	}
	if got := pods[0].Owner; got.Kind != "Deployment" || got.Name != "frontend" {
		t.Errorf("owner %v, want the Deployment", got)
	}
}

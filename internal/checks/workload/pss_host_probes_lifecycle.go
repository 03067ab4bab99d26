package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/strata-sec/strata/internal/check"
	"github.com/strata-sec/strata/internal/pss"
)

// Why: the kubelet runs httpGet and tcpSocket probes and lifecycle hooks from the node, so a
// host field turns them into requests the node makes to any address the pod author picks: a
// server-side request forgery against node-local services, cloud metadata endpoints or other
// hosts, with the answers leaking through probe results and events. Upstream control:
// hostProbesAndHostLifecycle (baseline, from v1.34).
var pssHostProbesLifecycle = pss.NewCheck(check.Meta{
	ID:       "ST-0005",
	Slug:     "pss-host-probes-lifecycle",
	Title:    "Probe or lifecycle hook targets another host",
	Layer:    check.LayerWorkload,
	Severity: check.SeverityMedium,
	Description: "A liveness, readiness or startup probe, or a postStart or preStop hook, sets httpGet.host or " +
		"tcpSocket.host. The kubelet sends these requests from the node, so the pod can make the node connect " +
		"to arbitrary addresses, such as node-local services or the cloud metadata endpoint, and probe networks " +
		"the pod itself cannot reach.",
	Remediation: "Remove the host field from probes and lifecycle hooks so they target the pod's own IP address; use a Host header in httpHeaders if a virtual host is needed.",
	References: []string{
		"https://kubernetes.io/docs/concepts/security/pod-security-standards/",
		"https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
	},
}, locateHostProbesLifecycle)

// hostTarget is one probe or hook host field of a container, with a container that sets only it.
type hostTarget struct {
	path  []string
	alone corev1.Container
}

func locateHostProbesLifecycle(e *pss.Eval) []check.Violation {
	var vs []check.Violation
	for c := range e.Workload.Containers() {
		for _, t := range hostTargets(c.Container) {
			t.alone.Name = c.Container.Name
			msg, bad := e.Probe(nil, pss.WithContainers(e.Pod(nil), pss.Synthetic{Kind: c.Kind, Container: t.alone}))
			if !bad {
				continue
			}
			p := c.Path.Child(t.path[0], t.path[1:]...)
			vs = append(vs, check.Violation{Path: p, Message: msg, Fix: []check.PatchOp{pss.Remove(p)}})
		}
	}
	return vs
}

// hostTargets lists the probe and hook fields of c that set a host.
func hostTargets(c *corev1.Container) []hostTarget {
	var out []hostTarget
	probes := []struct {
		name  string
		probe *corev1.Probe
		set   func(*corev1.Container, *corev1.Probe)
	}{
		{"livenessProbe", c.LivenessProbe, func(x *corev1.Container, p *corev1.Probe) { x.LivenessProbe = p }},
		{"readinessProbe", c.ReadinessProbe, func(x *corev1.Container, p *corev1.Probe) { x.ReadinessProbe = p }},
		{"startupProbe", c.StartupProbe, func(x *corev1.Container, p *corev1.Probe) { x.StartupProbe = p }},
	}
	for _, pr := range probes {
		if pr.probe == nil {
			continue
		}
		for _, h := range handlerHosts(pr.probe.HTTPGet, pr.probe.TCPSocket) {
			t := hostTarget{path: []string{pr.name, h.field, "host"}}
			pr.set(&t.alone, &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: h.http, TCPSocket: h.tcp}})
			out = append(out, t)
		}
	}
	if c.Lifecycle == nil {
		return out
	}
	hooks := []struct {
		name    string
		handler *corev1.LifecycleHandler
	}{{"postStart", c.Lifecycle.PostStart}, {"preStop", c.Lifecycle.PreStop}}
	for _, hk := range hooks {
		if hk.handler == nil {
			continue
		}
		for _, h := range handlerHosts(hk.handler.HTTPGet, hk.handler.TCPSocket) {
			t := hostTarget{path: []string{"lifecycle", hk.name, h.field, "host"}}
			one := &corev1.LifecycleHandler{HTTPGet: h.http, TCPSocket: h.tcp}
			t.alone.Lifecycle = &corev1.Lifecycle{}
			if hk.name == "postStart" {
				t.alone.Lifecycle.PostStart = one
			} else {
				t.alone.Lifecycle.PreStop = one
			}
			out = append(out, t)
		}
	}
	return out
}

// handlerHost is one host-bearing action of a probe or hook, alone.
type handlerHost struct {
	field string
	http  *corev1.HTTPGetAction
	tcp   *corev1.TCPSocketAction
}

func handlerHosts(http *corev1.HTTPGetAction, tcp *corev1.TCPSocketAction) []handlerHost {
	var out []handlerHost
	if http != nil && http.Host != "" {
		out = append(out, handlerHost{field: "httpGet", http: &corev1.HTTPGetAction{Host: http.Host}})
	}
	if tcp != nil && tcp.Host != "" {
		out = append(out, handlerHost{field: "tcpSocket", tcp: &corev1.TCPSocketAction{Host: tcp.Host}})
	}
	return out
}

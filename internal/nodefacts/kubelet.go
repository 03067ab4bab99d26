package nodefacts

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// Standard KubeletConfiguration locations, tried in order when the kubelet has no --config
// (kubeadm, EKS, GKE-style layouts).
var kubeletConfigPaths = []string{
	"/var/lib/kubelet/config.yaml",
	"/etc/kubernetes/kubelet/kubelet-config.yaml",
	"/etc/kubernetes/kubelet/kubelet-config.json",
	"/etc/kubernetes/kubelet-config.yaml",
	"/home/kubernetes/kubelet-config.yaml",
}

const defaultKubeletKubeconfig = "/etc/kubernetes/kubelet.conf"

// kubelet finds the kubelet process, its flags, and its configuration file.
func (c *collector) kubelet(procs []process) {
	k := &c.f.Kubelet
	if p, ok := findProcess(procs, "kubelet"); ok {
		k.Found, k.PID, k.Args = true, p.pid, p.args
		k.Flags = ParseFlags(p.args[1:])
	}
	k.ConfigPath = k.Flags["config"]
	if k.ConfigPath == "" {
		for _, p := range kubeletConfigPaths {
			if c.exists(p) {
				k.ConfigPath = p
				break
			}
		}
	}
	if k.ConfigPath != "" {
		k.Config = c.decodeMap(k.ConfigPath)
	}
	k.KubeconfigPath = k.Flags["kubeconfig"]
	if k.KubeconfigPath == "" && c.exists(defaultKubeletKubeconfig) {
		k.KubeconfigPath = defaultKubeletKubeconfig
	}
}

// exists reports whether a node path exists (without following a final symlink).
func (c *collector) exists(p string) bool {
	_, err := c.fs.lstat(p)
	return err == nil
}

// decodeMap decodes a YAML or JSON file into a generic map; nil when absent or invalid (an
// invalid present file is an error).
func (c *collector) decodeMap(p string) map[string]any {
	b, ok, err := c.fs.read(p, maxConfigFile)
	if !ok || err != nil {
		c.fail(err)
		return nil
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		c.fail(fmt.Errorf("parse %s: %w", p, err))
		return nil
	}
	return m
}

// Static pod manifests of the control-plane components, by component.
var staticPods = []struct{ component, role string }{
	{APIServer, RoleAPIServerManifest},
	{ControllerManager, RoleControllerManagerManifest},
	{Scheduler, RoleSchedulerManifest},
	{Etcd, RoleEtcdManifest},
}

const manifestDir = "/etc/kubernetes/manifests"

// controlPlane records each component's static pod manifest and running process.
func (c *collector) controlPlane(procs []process) {
	comps := map[string]Component{}
	for _, sp := range staticPods {
		var comp Component
		found := false
		mp := manifestDir + "/" + sp.component + ".yaml"
		if cmd, args, ok := c.staticPod(mp); ok {
			comp.ManifestPath, comp.Command, comp.Args = mp, cmd, args
			comp.Flags = ParseFlags(append(append([]string{}, cmd...), args...))
			found = true
		}
		if p, ok := findProcess(procs, sp.component); ok {
			comp.ProcessArgs = p.args
			if comp.Flags == nil {
				comp.Flags = ParseFlags(p.args[1:])
			}
			found = true
		}
		if found {
			comps[sp.component] = comp
		}
	}
	if len(comps) > 0 {
		c.f.ControlPlane.Components = comps
	}
}

// staticPod reads a static pod manifest's first container command and args.
func (c *collector) staticPod(p string) (cmd, args []string, ok bool) {
	b, present, err := c.fs.read(p, maxConfigFile)
	if !present || err != nil {
		c.fail(err)
		return nil, nil, false
	}
	var pod corev1.Pod
	if err := yaml.Unmarshal(b, &pod); err != nil {
		c.fail(fmt.Errorf("parse %s: %w", p, err))
		return nil, nil, true
	}
	if len(pod.Spec.Containers) == 0 {
		c.fail(fmt.Errorf("parse %s: the static pod has no container", p))
		return nil, nil, true
	}
	ctr := pod.Spec.Containers[0]
	return ctr.Command, ctr.Args, true
}

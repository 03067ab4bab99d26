package workload

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

func TestHostDeviceKind(t *testing.T) {
	tests := []struct {
		path string
		typ  corev1.HostPathType
		want bool
	}{
		{"/dev/sda", corev1.HostPathBlockDev, true},
		{"/dev/sda", corev1.HostPathUnset, true},
		{"/dev/nvme0n1", corev1.HostPathUnset, true},
		{"/dev/kvm", corev1.HostPathCharDev, true},
		{"/opt/devices/kvm", corev1.HostPathCharDev, true},
		{"/opt/devices/sdb", corev1.HostPathBlockDev, true},
		{"/dev/shm", corev1.HostPathDirectory, true},
		{"/dev/mem", corev1.HostPathUnset, true},
		{"/dev/disk/by-uuid", corev1.HostPathDirectoryOrCreate, true},
		{"/dev", corev1.HostPathDirectory, false},
		{"/dev/log", corev1.HostPathUnset, false},
		{"/dev/custom.sock", corev1.HostPathSocket, false},
		{"/run/containerd/containerd.sock", corev1.HostPathSocket, false},
		{"/devices", corev1.HostPathUnset, false},
		{"/var/log", corev1.HostPathDirectory, false},
	}
	for _, tt := range tests {
		if what, got := hostDeviceKind(tt.path, tt.typ); got != tt.want || (got && what == "") {
			t.Errorf("hostDeviceKind(%q, %q) = %q, %v; want reported=%v", tt.path, tt.typ, what, got, tt.want)
		}
	}
}

func TestLimitsEvery(t *testing.T) {
	limited := corev1.Container{Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{
		corev1.ResourceMemory: resource.MustParse("128Mi")}}}
	bare := corev1.Container{}
	tests := []struct {
		name string
		spec corev1.PodSpec
		want bool
	}{
		{"no containers", corev1.PodSpec{}, false},
		{"every container", corev1.PodSpec{InitContainers: []corev1.Container{limited}, Containers: []corev1.Container{limited}}, true},
		{"init container unlimited", corev1.PodSpec{InitContainers: []corev1.Container{bare}, Containers: []corev1.Container{limited}}, false},
		{"one of two unlimited", corev1.PodSpec{Containers: []corev1.Container{limited, bare}}, false},
		{"pod-level limit", corev1.PodSpec{Containers: []corev1.Container{bare}, Resources: &corev1.ResourceRequirements{
			Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")}}}, true},
		{"pod-level limit on another resource", corev1.PodSpec{Containers: []corev1.Container{bare}, Resources: &corev1.ResourceRequirements{
			Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}}}, false},
	}
	for _, tt := range tests {
		if got := limitsEvery(&tt.spec, corev1.ResourceMemory); got != tt.want {
			t.Errorf("%s: limitsEvery = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestTokenLifetime(t *testing.T) {
	for s, want := range map[int64]string{604800: "7 days", 90000: "25 hours", 86401: "86401 seconds"} {
		if got := tokenLifetime(s); got != want {
			t.Errorf("tokenLifetime(%d) = %q, want %q", s, got, want)
		}
	}
}

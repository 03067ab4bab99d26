package workload

import (
	"fmt"

	"github.com/strata-sec/strata/internal/check"
)

// Why: the container runtime's socket is its API, and that API runs as root on the node. A pod
// that can reach docker.sock or containerd.sock asks the runtime to start a new privileged
// container with the host's root filesystem mounted, or to exec into any other container on the
// node — a full node takeover with one request, no kernel bug needed. readOnly: true does not
// help: connecting to a Unix socket works on a read-only mount. Mounting a directory that holds
// the socket (/var/run, /run/containerd) is the same exposure with a different spelling.
var runtimeSocketMounted = &check.WorkloadCheck{
	Meta: check.Meta{
		ID:       "ST-0021",
		Slug:     "container-runtime-socket-mounted",
		Title:    "Container runtime socket mounted into a pod",
		Layer:    check.LayerWorkload,
		Severity: check.SeverityCritical,
		Description: "A hostPath volume exposes a container runtime socket (Docker, containerd, CRI-O, " +
			"dockershim, Podman, cri-dockerd) or a host directory that holds one. Whoever controls a " +
			"container of the pod can drive the runtime as root: start privileged containers with the " +
			"host filesystem mounted, exec into other pods' containers and read their secrets. A " +
			"read-only mount does not prevent connecting to the socket.",
		Remediation: "Remove the hostPath volume. Build images with a daemonless builder (BuildKit rootless, " +
			"Kaniko, Buildah) instead of Docker-in-Docker, and read container metadata through the " +
			"Kubernetes API or the kubelet instead of the runtime; if an agent truly needs the socket, " +
			"isolate it on dedicated nodes and exempt it explicitly.",
		References: []string{
			"https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
			"https://docs.docker.com/engine/security/#docker-daemon-attack-surface",
			"https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html",
		},
	},
	Run: func(_ *check.Env, w *check.Workload) ([]check.Violation, error) {
		var out []check.Violation
		for _, v := range hostPathVolumes(w) {
			m, ok := runtimeSocketsAt(v.Clean)
			if !ok {
				continue
			}
			msg := fmt.Sprintf("volume %q exposes the %s runtime socket %s %s",
				v.Name, runtimeList(m.Runtimes), v.spelled(), v.exposedTo())
			if !m.Socket {
				sockets := "socket"
				if len(m.Runtimes) > 1 {
					sockets = "sockets"
				}
				msg = fmt.Sprintf("volume %q exposes host directory %s, which holds the %s runtime %s, %s",
					v.Name, v.spelled(), runtimeList(m.Runtimes), sockets, v.exposedTo())
			}
			out = append(out, check.Violation{Path: v.Path, Message: msg})
		}
		return out, nil
	},
}

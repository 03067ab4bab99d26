package node

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/strata-sec/strata/internal/nodefacts"
)

// loopback reports whether a listener's address is reachable only from the node itself.
func loopback(addr string) bool {
	ip, err := netip.ParseAddr(strings.Trim(addr, "[]"))
	return err == nil && ip.Unmap().IsLoopback()
}

// allInterfaces reports whether a listener is bound to every interface of the node.
func allInterfaces(addr string) bool {
	switch a := strings.Trim(addr, "[]"); a {
	case "", "*":
		return true
	default:
		ip, err := netip.ParseAddr(a)
		return err == nil && ip.Unmap().IsUnspecified()
	}
}

// tcp reports whether a listener is a TCP one.
func tcp(l nodefacts.Listener) bool { return strings.HasPrefix(l.Protocol, "tcp") }

// listenerText renders a listener as "kubelet (pid 812) on 0.0.0.0:10255/tcp".
func listenerText(l nodefacts.Listener) string {
	who := l.Process
	if who == "" {
		who = "an unknown process"
	}
	if l.PID != 0 {
		who += fmt.Sprintf(" (pid %d)", l.PID)
	}
	addr := l.Address
	if strings.Contains(addr, ":") && !strings.HasPrefix(addr, "[") {
		addr = "[" + addr + "]"
	}
	return fmt.Sprintf("%s on %s:%s/%s", who, addr, strconv.Itoa(l.Port), l.Protocol)
}

// listenerReferences are the references of the listener checks.
var listenerReferences = []string{
	"https://kubernetes.io/docs/reference/networking/ports-and-protocols/",
	"https://kubernetes.io/docs/concepts/security/security-checklist/",
}

package nodefacts

import (
	"encoding/hex"
	"net/netip"
	"path"
	"strconv"
	"strings"
)

const (
	tcpListen     = "0A"
	maxSocketRows = 65536 // rows read per /proc/net table
	maxFDsPerProc = 4096
)

// listeners reads the bound sockets from /proc/net and maps them to their processes.
func (c *collector) listeners(procs []process) {
	var ls []Listener
	for _, proto := range []string{"tcp", "tcp6", "udp", "udp6"} {
		b, _, err := c.fs.read("/proc/net/"+proto, 16<<20)
		c.fail(err)
		ls = append(ls, parseSockets(proto, string(b))...)
	}
	if len(ls) == 0 {
		return
	}
	owners := c.socketOwners(procs)
	for i := range ls {
		if p, ok := owners[ls[i].Inode]; ok {
			ls[i].PID = p.pid
			ls[i].Process = c.processName(p)
		}
	}
	c.f.Listeners = ls
}

// parseSockets parses a /proc/net/{tcp,tcp6,udp,udp6} table: listening TCP sockets and every
// bound UDP socket. Malformed rows are skipped.
func parseSockets(proto, table string) []Listener {
	var out []Listener
	lines := strings.Split(table, "\n")
	for i, line := range lines {
		if i == 0 || i > maxSocketRows {
			continue // header
		}
		f := strings.Fields(line)
		if len(f) < 10 {
			continue
		}
		if strings.HasPrefix(proto, "tcp") && f[3] != tcpListen {
			continue
		}
		addr, port, ok := parseHexAddr(f[1])
		if !ok {
			continue
		}
		inode, err := strconv.ParseUint(f[9], 10, 64)
		if err != nil {
			continue
		}
		out = append(out, Listener{Protocol: proto, Address: addr, Port: port, Inode: inode})
	}
	return out
}

// parseHexAddr decodes "0100007F:1F90": the address is in 32-bit words of host byte order
// (little-endian on every platform Kubernetes nodes run), the port big-endian hex.
func parseHexAddr(s string) (string, int, bool) {
	a, p, ok := strings.Cut(s, ":")
	if !ok {
		return "", 0, false
	}
	port, err := strconv.ParseUint(p, 16, 16)
	if err != nil {
		return "", 0, false
	}
	raw, err := hex.DecodeString(a)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return "", 0, false
	}
	for w := 0; w+4 <= len(raw); w += 4 {
		raw[w], raw[w+1], raw[w+2], raw[w+3] = raw[w+3], raw[w+2], raw[w+1], raw[w]
	}
	ip, _ := netip.AddrFromSlice(raw)
	return ip.Unmap().String(), int(port), true
}

// socketOwners maps socket inodes to the processes holding them, from /proc/<pid>/fd links.
// Unreadable fd directories (other users' processes without privilege) are skipped.
func (c *collector) socketOwners(procs []process) map[uint64]process {
	owners := map[uint64]process{}
	for _, p := range procs {
		dir := "/proc/" + strconv.Itoa(p.pid) + "/fd"
		entries, err := c.fs.readDir(dir)
		if err != nil {
			continue
		}
		for i, e := range entries {
			if i >= maxFDsPerProc {
				break
			}
			target, err := c.fs.readlink(dir + "/" + e.Name())
			if err != nil || !strings.HasPrefix(target, "socket:[") || !strings.HasSuffix(target, "]") {
				continue
			}
			inode, err := strconv.ParseUint(target[len("socket:["):len(target)-1], 10, 64)
			if err != nil {
				continue
			}
			if _, dup := owners[inode]; !dup {
				owners[inode] = p
			}
		}
	}
	return owners
}

// processName is /proc/<pid>/comm, else the base of argv[0].
func (c *collector) processName(p process) string {
	if comm, ok, err := c.fs.readTrim("/proc/" + strconv.Itoa(p.pid) + "/comm"); ok && err == nil && comm != "" {
		return comm
	}
	return path.Base(p.args[0])
}

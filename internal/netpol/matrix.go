package netpol

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// bitset is a set of engine pod indexes.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i int)      { b[i/64] |= 1 << (uint(i) % 64) }
func (b bitset) has(i int) bool { return b[i/64]&(1<<(uint(i)%64)) != 0 }

func (b bitset) or(o bitset) {
	for i := range b {
		b[i] |= o[i]
	}
}

// orAnd adds o ∩ m to b.
func (b bitset) orAnd(o, m bitset) {
	for i := range b {
		b[i] |= o[i] & m[i]
	}
}

// peerMembers returns the engine pods a selector peer matches, computing it once.
func (e *Engine) peerMembers(pe *peer) bitset {
	pe.once.Do(func() {
		pe.members = newBitset(len(e.pods))
		if pe.block != nil {
			return
		}
		for _, ns := range e.nsNames {
			if pe.nsSel == nil && ns != pe.namespace {
				continue
			}
			if pe.nsSel != nil && !pe.nsSel.Matches(e.nsLabels[ns]) {
				continue
			}
			for _, i := range e.podsByNS[ns] {
				if pe.podSel == nil || pe.podSel.Matches(labels.Set(e.pods[i].Labels)) {
					pe.members.set(i)
				}
			}
		}
	})
	return pe.members
}

// matrixQuery holds the per-port state of one Matrix call.
type matrixQuery struct {
	e     *Engine
	port  int32
	proto corev1.Protocol
	all   bitset
	named map[string]bitset
}

// namedPort returns the engine pods with a container port called name that is q.port/q.proto.
func (q *matrixQuery) namedPort(name string) bitset {
	if b, ok := q.named[name]; ok {
		return b
	}
	b := newBitset(len(q.e.pods))
	for i, p := range q.e.pods {
		if p.hasNamedPort(name, q.proto, q.port) {
			b.set(i)
		}
	}
	q.named[name] = b
	return b
}

// egressPorts returns the destinations the rule's ports let through, or nil for none.
func (q *matrixQuery) egressPorts(r *rule) bitset {
	if r.allPorts {
		return q.all
	}
	var out bitset
	for i := range r.ports {
		pm := &r.ports[i]
		if pm.name == "" {
			if pm.matches(q.port, q.proto, nil) {
				return q.all
			}
			continue
		}
		if pm.proto != q.proto {
			continue
		}
		if out == nil {
			out = newBitset(len(q.e.pods))
		}
		out.or(q.namedPort(pm.name))
	}
	return out
}

// peerSet returns the pods a rule's from/to matches.
func (q *matrixQuery) peerSet(r *rule) bitset {
	if r.allPeers {
		return q.all
	}
	if len(r.peers) == 1 {
		return q.e.peerMembers(r.peers[0])
	}
	out := newBitset(len(q.e.pods))
	for _, pe := range r.peers {
		out.or(q.e.peerMembers(pe))
	}
	return out
}

// egressAllowed returns the destinations pod i's egress policies allow, or nil when it is
// not egress-isolated.
func (q *matrixQuery) egressAllowed(i int) bitset {
	pols := q.e.sel[i].egress
	if len(pols) == 0 {
		return nil
	}
	out := newBitset(len(q.e.pods))
	for _, cp := range pols {
		for k := range cp.egressRules {
			r := &cp.egressRules[k]
			ports := q.egressPorts(r)
			if ports == nil {
				continue
			}
			out.orAnd(q.peerSet(r), ports)
		}
	}
	return out
}

// ingressAllowed returns the sources pod j's ingress policies allow, or nil when it is not
// ingress-isolated.
func (q *matrixQuery) ingressAllowed(j int) bitset {
	pols := q.e.sel[j].ingress
	if len(pols) == 0 {
		return nil
	}
	out := newBitset(len(q.e.pods))
	dst := q.e.pods[j]
	for _, cp := range pols {
		for k := range cp.ingressRules {
			r := &cp.ingressRules[k]
			if r.portsMatch(q.port, q.proto, dst) {
				out.or(q.peerSet(r))
			}
		}
	}
	return out
}

// Matrix returns m with m[i][j] true iff pods[i] may connect to pods[j] on port/proto, the
// same answer as Allowed(pods[i], pods[j]).Allowed. Pods from Pods() are answered from
// precomputed sets; other pods fall back to Allowed.
func (e *Engine) Matrix(pods []*Pod, port int32, proto corev1.Protocol) [][]bool {
	proto = protoOrTCP(proto)
	q := &matrixQuery{e: e, port: port, proto: proto, all: newBitset(len(e.pods)), named: map[string]bitset{}}
	for i := range e.pods {
		q.all.set(i)
	}
	idx := make([]int, len(pods))
	eg := make([]bitset, len(pods))
	in := make([]bitset, len(pods))
	for a, p := range pods {
		i, ok := e.index[p]
		if !ok {
			idx[a] = -1
			continue
		}
		idx[a], eg[a], in[a] = i, q.egressAllowed(i), q.ingressAllowed(i)
	}
	m := make([][]bool, len(pods))
	cells := make([]bool, len(pods)*len(pods))
	for a := range pods {
		row := cells[a*len(pods) : (a+1)*len(pods) : (a+1)*len(pods)]
		m[a] = row
		for b := range pods {
			i, j := idx[a], idx[b]
			if i < 0 || j < 0 {
				row[b] = e.Allowed(PodEndpoint(pods[a]), PodEndpoint(pods[b]), port, proto).Allowed
				continue
			}
			row[b] = (eg[a] == nil || eg[a].has(j)) && (in[b] == nil || in[b].has(i))
		}
	}
	return m
}

package synth

import "fmt"

// env writes the main container's environment: plain settings, downward-API fields and
// credentials, which hardened and most typical workloads take from Secrets and risky ones
// write inline.
func (g *gen) env(in int, w *workload) {
	g.d.key(in, "env")
	g.d.item(in, "name", "LOG_LEVEL")
	g.d.kv(in+2, "value", g.pick([]string{"info", "debug", "warn"}))
	if g.chance(0.5) {
		g.d.item(in, "name", "OTEL_SERVICE_NAME")
		g.d.kv(in+2, "value", str(w.app))
	}
	if g.chance(0.2) {
		g.d.item(in, "name", "POD_NAMESPACE")
		g.d.key(in+2, "valueFrom")
		g.d.key(in+4, "fieldRef")
		g.d.kv(in+6, "fieldPath", "metadata.namespace")
	}
	literal := 0.0
	switch w.prof {
	case typical:
		literal = 0.25
	case risky:
		literal = 0.7
	}
	if g.chance(literal) {
		g.literalCredential(in, w)
	} else if g.chance(0.5) {
		g.d.item(in, "name", "DB_PASSWORD")
		g.d.key(in+2, "valueFrom")
		g.d.key(in+4, "secretKeyRef")
		g.d.kv(in+6, "name", str(w.app+"-db"))
		g.d.kv(in+6, "key", "password")
	}
	if g.chance(0.2) {
		g.d.key(in, "envFrom")
		g.d.itemKey(in, "configMapRef")
		g.d.kv(in+4, "name", str(w.app+"-env"))
	}
}

// literalCredential writes one fake, random credential as a literal env value.
func (g *gen) literalCredential(in int, w *workload) {
	var name, value string
	switch g.r.IntN(5) {
	case 0:
		name, value = "DB_PASSWORD", g.token(alnum, 20)
	case 1:
		// AWS access key IDs are AKIA plus 16 base32 characters; EXAMPLE marks it as fake.
		name, value = "AWS_ACCESS_KEY_ID", "AKIA"+g.token(base32, 9)+"EXAMPLE"
		g.d.item(in, "name", "AWS_SECRET_ACCESS_KEY")
		g.d.kv(in+2, "value", str(g.token(alnum, 40)))
	case 2:
		name, value = "API_TOKEN", g.token(alnum, 32)
	case 3:
		name = "DATABASE_URL"
		value = fmt.Sprintf("postgres://%s:%s@%s-db.%s.svc:5432/%s", w.team, g.token(alnum, 16), w.team, w.ns, w.team)
	default:
		name, value = "REDIS_PASSWORD", g.token(alnum, 24)
	}
	g.d.item(in, "name", name)
	g.d.kv(in+2, "value", str(value))
}

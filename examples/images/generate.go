// Package images holds an OCI image layout with a small, crafted stand-in for every image the
// manifests of examples/vulnerable and examples/hardened name, so that
//
//	strata scan --images --image-layout examples/images examples/vulnerable
//
// analyses their images offline. The layout is generated: run `go generate ./examples/images`
// after changing gen/main.go. Generation is deterministic (fixed timestamps, owners and
// compression), so regenerating gives identical bytes; gen's test fails when the committed
// layout is stale.
package images

//go:generate go run ./gen .

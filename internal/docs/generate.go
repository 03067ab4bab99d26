package docs

// The generated reference lives at the repository root, two levels up from this package.
//go:generate go run ../../cmd/docgen -out ../../docs/checks -root ../..

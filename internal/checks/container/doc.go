// Package container holds the container-layer checks: how containers name, fetch and pin the
// images they run. Each check is one file; Checks lists them. image.go parses image references
// the way the kubelet and container runtimes read them.
package container

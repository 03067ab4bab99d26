// Package container holds the container-layer checks: how containers name, fetch and pin the
// images they run, and what the images themselves hold (their USER, shells, package managers,
// network tools, setuid files, baked-in credentials, vulnerable packages, registry and
// signature), read from Image facts objects. Each check is one file; Checks lists them.
// image.go parses image references the way the kubelet and container runtimes read them;
// facts.go holds what the checks over image facts share.
package container

// Package kernel holds the kernel-layer checks: what a pod exposes of the node's kernel, starting
// with the seccomp controls of the Pod Security Standards. Each check is one file; Checks lists
// them.
package kernel

// Package podspec is the only code in strata that knows where pod templates live in workload
// kinds. Everything else asks it for (metadata, *PodSpec, field path) and visits containers
// through its iterator.
package podspec

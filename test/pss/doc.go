// Package pss holds strata's Pod Security Standards conformance test: every fixture of
// k8s.io/pod-security-admission, at every level and policy version, evaluated by strata's PSS
// checks as a Pod, a Deployment and a CronJob, must get the verdict upstream expects.
package pss

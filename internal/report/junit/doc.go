// Package junit renders a report as JUnit XML for CI systems: one test suite per layer, one
// test case per check. A failing check lists its findings in its failure, a check that could
// not look at its input is skipped with the reason, and a check that failed internally is an
// error. Input errors form a suite of their own, so they fail the build's test view too.
package junit

// Package checks assembles the built-in checks of every layer into one validated registry.
package checks

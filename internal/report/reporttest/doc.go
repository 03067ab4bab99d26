// Package reporttest builds the hand-made posture every format's golden test renders, and a
// canary report with secret-looking values planted in every free-text field.
package reporttest

// Package sign verifies cosign-style image signatures with go-containerregistry and the Go
// standard library's cryptography, without a sigstore dependency.
//
// For an image of digest D in repository R, the signatures live in the manifest tagged
// R:sha256-<hex of D>.sig. Each of its layers is a "simple signing" payload (media type
// application/vnd.dev.cosign.simplesigning.v1+json) naming the digest it signs; the layer's
// annotation dev.cosignproject.cosign/signature holds the base64 signature of the payload
// bytes. An image is verified when one payload names D and its signature verifies against a
// trusted public key (ECDSA P-256/P-384, Ed25519 or RSA PKCS#1 v1.5/PSS).
//
// Keyless (Fulcio certificate) signatures and transparency-log checks are out of scope: only
// keys the user trusts explicitly count.
package sign

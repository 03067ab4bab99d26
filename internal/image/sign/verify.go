package sign

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/strata-sec/strata/internal/imagefacts"
)

// MaxSignatures bounds the signature layers read from one signature manifest.
const MaxSignatures = 32

// maxSignatureBytes bounds a decoded signature (an RSA-8192 signature is 1 KiB).
const maxSignatureBytes = 4 << 10

// Problems a failed verification reports; checks and people read them.
const (
	ProblemUnsigned  = "unsigned"
	ProblemUntrusted = "no signature verifies against a trusted key"
)

// Verifier checks image signatures against trusted keys. It is safe for concurrent use.
type Verifier struct {
	keys []Key
}

// NewVerifier returns a verifier trusting keys; at least one is needed.
func NewVerifier(keys ...Key) (*Verifier, error) {
	if len(keys) == 0 {
		return nil, errors.New("signature verification needs at least one trusted public key")
	}
	for _, k := range keys {
		if k.pub == nil {
			return nil, errors.New("key without a public key: build keys with NewKey, ParseKey or LoadKeys")
		}
	}
	return &Verifier{keys: append([]Key(nil), keys...)}, nil
}

// Tag is where the signatures of digest in ref's repository are stored.
func Tag(ref name.Reference, digest v1.Hash) name.Tag {
	return ref.Context().Tag(digest.Algorithm + "-" + digest.Hex + TagSuffix)
}

// Verify reads the signatures stored for digest in ref's repository and checks them. It never
// fails: every problem, a registry error included, is in the result's Problem.
func (v *Verifier) Verify(ctx context.Context, ref name.Reference, digest v1.Hash, opts ...remote.Option) *imagefacts.Signature {
	tag := Tag(ref, digest)
	opts = append(append([]remote.Option(nil), opts...), remote.WithContext(ctx))
	desc, err := remote.Get(tag, opts...)
	if err != nil {
		if notFound(err) {
			return &imagefacts.Signature{Problem: ProblemUnsigned}
		}
		return &imagefacts.Signature{Problem: fmt.Sprintf("registry error reading signatures %s: %v", tag, err)}
	}
	m, err := v1.ParseManifest(strings.NewReader(string(desc.Manifest)))
	if err != nil || desc.MediaType.IsIndex() {
		return &imagefacts.Signature{Problem: fmt.Sprintf("signature manifest %s is not an image manifest", tag)}
	}
	var sigs []v1.Descriptor
	for _, l := range m.Layers {
		if l.MediaType == types.MediaType(MediaType) {
			sigs = append(sigs, l)
		}
	}
	if len(sigs) == 0 {
		return &imagefacts.Signature{Problem: ProblemUnsigned}
	}
	res := &imagefacts.Signature{Signatures: len(sigs)}
	if len(sigs) > MaxSignatures {
		sigs = sigs[:MaxSignatures]
	}
	var otherDigest string
	var unreadable []string
	for _, l := range sigs {
		out := v.check(tag, l, digest, opts)
		switch {
		case out.err != nil:
			unreadable = append(unreadable, out.err.Error())
		case out.key != nil && out.signed == digest:
			res.Verified, res.Key = true, out.key.Name
			return res
		case out.key != nil:
			otherDigest = out.signed.String()
		}
	}
	switch {
	case otherDigest != "":
		res.Problem = "signature is for digest " + otherDigest
	case len(unreadable) > 0:
		res.Problem = ProblemUntrusted + " (" + unreadable[0] + ")"
	default:
		res.Problem = ProblemUntrusted
	}
	return res
}

// outcome is what one signature layer says: the key that verified it and the digest its
// payload names, or why it could not be read.
type outcome struct {
	key    *Key
	signed v1.Hash
	err    error
}

func (v *Verifier) check(tag name.Tag, l v1.Descriptor, digest v1.Hash, opts []remote.Option) outcome {
	sig, err := base64.StdEncoding.DecodeString(l.Annotations[SignatureAnnotation])
	if err != nil || len(sig) == 0 || len(sig) > maxSignatureBytes {
		return outcome{err: fmt.Errorf("signature %s: annotation %s is not a base64 signature", l.Digest, SignatureAnnotation)}
	}
	if l.Size > MaxPayloadBytes || l.Size < 0 {
		return outcome{err: fmt.Errorf("signature %s: payload of %d bytes is larger than %d", l.Digest, l.Size, MaxPayloadBytes)}
	}
	payload, err := fetchPayload(tag.Context().Digest(l.Digest.String()), opts)
	if err != nil {
		return outcome{err: fmt.Errorf("signature %s: %w", l.Digest, err)}
	}
	key := v.verifying(payload, sig)
	if key == nil {
		return outcome{}
	}
	// Only a payload whose signature verifies is parsed as meaningful: what an untrusted
	// party wrote says nothing about this image.
	_, signed, err := DecodePayload(payload)
	if err != nil {
		return outcome{err: fmt.Errorf("signature %s: %w", l.Digest, err)}
	}
	return outcome{key: key, signed: signed}
}

// fetchPayload reads a payload blob; the registry client checks the blob's digest, and the
// read is bounded whatever size the registry claims.
func fetchPayload(ref name.Digest, opts []remote.Option) ([]byte, error) {
	layer, err := remote.Layer(ref, opts...)
	if err != nil {
		return nil, err
	}
	rc, err := layer.Compressed()
	if err != nil {
		return nil, fmt.Errorf("fetch payload: %w", err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, MaxPayloadBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch payload: %w", err)
	}
	if len(data) > MaxPayloadBytes {
		return nil, fmt.Errorf("payload larger than %d bytes", MaxPayloadBytes)
	}
	return data, nil
}

// verifying returns the first trusted key under which sig is a signature of payload.
func (v *Verifier) verifying(payload, sig []byte) *Key {
	for i := range v.keys {
		if verifySignature(v.keys[i].pub, payload, sig) {
			return &v.keys[i]
		}
	}
	return nil
}

// verifySignature checks sig over payload the way cosign signs with each key type: ECDSA
// (ASN.1) over SHA-256, or SHA-384 on P-384; Ed25519 over the payload itself; RSA PKCS#1
// v1.5 or PSS over SHA-256.
func verifySignature(pub crypto.PublicKey, payload, sig []byte) bool {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P384() {
			sum := sha512.Sum384(payload)
			return ecdsa.VerifyASN1(k, sum[:], sig)
		}
		sum := sha256.Sum256(payload)
		return ecdsa.VerifyASN1(k, sum[:], sig)
	case ed25519.PublicKey:
		return ed25519.Verify(k, payload, sig)
	case *rsa.PublicKey:
		sum := sha256.Sum256(payload)
		if rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig) == nil {
			return true
		}
		return rsa.VerifyPSS(k, crypto.SHA256, sum[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}) == nil
	}
	return false
}

// notFound reports whether err says the signature tag does not exist.
func notFound(err error) bool {
	var te *transport.Error
	if !errors.As(err, &te) {
		return false
	}
	if te.StatusCode == http.StatusNotFound {
		return true
	}
	for _, d := range te.Errors {
		if d.Code == transport.ManifestUnknownErrorCode || d.Code == transport.NameUnknownErrorCode {
			return true
		}
	}
	return false
}

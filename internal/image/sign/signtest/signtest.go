// Package signtest signs images in tests the way cosign does, so the verifier and the CLI are
// tested against real signature manifests in a real (in-process) registry. It is for tests
// only: production code never signs.
package signtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/strata-sec/strata/internal/image/sign"
)

// Layer is one signature as stored: the payload bytes and the annotation value.
type Layer struct {
	Payload   []byte
	Signature string
}

// Sign signs digest in ref's repository with key and pushes the signature manifest.
func Sign(t testing.TB, ref name.Reference, digest v1.Hash, key crypto.Signer, opts ...remote.Option) {
	t.Helper()
	payload := Payload(t, ref, digest)
	Push(t, ref, digest, []Layer{{Payload: payload, Signature: base64.StdEncoding.EncodeToString(SignBytes(t, key, payload))}}, opts...)
}

// Payload is the JSON simple-signing payload for digest in ref's repository.
func Payload(t testing.TB, ref name.Reference, digest v1.Hash) []byte {
	t.Helper()
	b, err := json.Marshal(sign.NewPayload(ref.Context().Name(), digest))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// SignBytes signs data as cosign does for key's type.
func SignBytes(t testing.TB, key crypto.Signer, data []byte) []byte {
	t.Helper()
	var sig []byte
	var err error
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		if k.Curve == elliptic.P384() {
			sum := sha512.Sum384(data)
			sig, err = ecdsa.SignASN1(rand.Reader, k, sum[:])
		} else {
			sum := sha256.Sum256(data)
			sig, err = ecdsa.SignASN1(rand.Reader, k, sum[:])
		}
	case ed25519.PrivateKey:
		sig = ed25519.Sign(k, data)
	case *rsa.PrivateKey:
		sum := sha256.Sum256(data)
		sig, err = rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
	default:
		t.Fatalf("signtest: unsupported key type %T", key)
	}
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// Push writes a signature manifest holding layers for digest in ref's repository, replacing
// any already there.
func Push(t testing.TB, ref name.Reference, digest v1.Hash, layers []Layer, opts ...remote.Option) {
	t.Helper()
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	for _, l := range layers {
		var err error
		img, err = mutate.Append(img, mutate.Addendum{
			Layer:       static.NewLayer(l.Payload, sign.MediaType),
			Annotations: map[string]string{sign.SignatureAnnotation: l.Signature},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := remote.Write(sign.Tag(ref, digest), img, opts...); err != nil {
		t.Fatalf("signtest: push signature: %v", err)
	}
}

// ECDSAKey generates a P-256 key.
func ECDSAKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// WritePublicKey writes key's public half as a PEM "PUBLIC KEY" file in a temporary
// directory and returns its path.
func WritePublicKey(t testing.TB, key crypto.Signer, file string) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), file)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

package sign_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/strata-sec/strata/internal/image/sign"
	"github.com/strata-sec/strata/internal/image/sign/signtest"
)

// pushed is an image in an in-process registry.
type pushed struct {
	ref    name.Reference
	digest v1.Hash
}

func newRegistry(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	return srv
}

func pushImage(t *testing.T, srv *httptest.Server, repo string) pushed {
	t.Helper()
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := name.ParseReference(strings.TrimPrefix(srv.URL, "http://") + "/" + repo + ":1.0")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return pushed{ref: ref, digest: d}
}

func verifier(t *testing.T, keys ...crypto.Signer) *sign.Verifier {
	t.Helper()
	var ks []sign.Key
	for i, k := range keys {
		key, err := sign.NewKey("key"+string(rune('A'+i))+".pub", k.Public())
		if err != nil {
			t.Fatal(err)
		}
		ks = append(ks, key)
	}
	v, err := sign.NewVerifier(ks...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestVerify(t *testing.T) {
	srv := newRegistry(t)
	trusted, untrusted := signtest.ECDSAKey(t), signtest.ECDSAKey(t)
	v := verifier(t, trusted)
	ctx := context.Background()

	t.Run("signed by a trusted key", func(t *testing.T) {
		img := pushImage(t, srv, "shop/signed")
		signtest.Sign(t, img.ref, img.digest, trusted)
		got := v.Verify(ctx, img.ref, img.digest)
		if !got.Verified || got.Signatures != 1 || got.Key != "keyA.pub" || got.Problem != "" {
			t.Fatalf("got %+v, want verified by keyA.pub", got)
		}
	})
	t.Run("unsigned", func(t *testing.T) {
		img := pushImage(t, srv, "shop/unsigned")
		got := v.Verify(ctx, img.ref, img.digest)
		if got.Verified || got.Signatures != 0 || got.Problem != sign.ProblemUnsigned {
			t.Fatalf("got %+v, want unsigned", got)
		}
	})
	t.Run("signed by an untrusted key", func(t *testing.T) {
		img := pushImage(t, srv, "shop/untrusted")
		signtest.Sign(t, img.ref, img.digest, untrusted)
		got := v.Verify(ctx, img.ref, img.digest)
		if got.Verified || got.Signatures != 1 || got.Problem != sign.ProblemUntrusted {
			t.Fatalf("got %+v, want an untrusted signature", got)
		}
	})
	t.Run("tampered payload", func(t *testing.T) {
		img := pushImage(t, srv, "shop/tampered")
		payload := signtest.Payload(t, img.ref, img.digest)
		sig := base64.StdEncoding.EncodeToString(signtest.SignBytes(t, trusted, payload))
		tampered := []byte(strings.Replace(string(payload), "shop/tampered", "shop/tampereD", 1))
		signtest.Push(t, img.ref, img.digest, []signtest.Layer{{Payload: tampered, Signature: sig}})
		got := v.Verify(ctx, img.ref, img.digest)
		if got.Verified || got.Problem != sign.ProblemUntrusted {
			t.Fatalf("got %+v, want the tampered payload refused", got)
		}
	})
	t.Run("payload for another digest", func(t *testing.T) {
		img, other := pushImage(t, srv, "shop/other"), pushImage(t, srv, "shop/other-source")
		payload := signtest.Payload(t, img.ref, other.digest)
		sig := base64.StdEncoding.EncodeToString(signtest.SignBytes(t, trusted, payload))
		signtest.Push(t, img.ref, img.digest, []signtest.Layer{{Payload: payload, Signature: sig}})
		got := v.Verify(ctx, img.ref, img.digest)
		if got.Verified || got.Problem != "signature is for digest "+other.digest.String() {
			t.Fatalf("got %+v, want a signature for %s refused", got, other.digest)
		}
	})
	t.Run("garbage signature annotation", func(t *testing.T) {
		img := pushImage(t, srv, "shop/garbage")
		payload := signtest.Payload(t, img.ref, img.digest)
		signtest.Push(t, img.ref, img.digest, []signtest.Layer{{Payload: payload, Signature: "%%% not base64 %%%"}})
		got := v.Verify(ctx, img.ref, img.digest)
		if got.Verified || got.Signatures != 1 || !strings.HasPrefix(got.Problem, sign.ProblemUntrusted+" (") {
			t.Fatalf("got %+v, want the garbage annotation named", got)
		}
	})
	t.Run("one good signature among bad ones", func(t *testing.T) {
		img := pushImage(t, srv, "shop/mixed")
		payload := signtest.Payload(t, img.ref, img.digest)
		bad := base64.StdEncoding.EncodeToString(signtest.SignBytes(t, untrusted, payload))
		good := base64.StdEncoding.EncodeToString(signtest.SignBytes(t, trusted, payload))
		signtest.Push(t, img.ref, img.digest, []signtest.Layer{{Payload: payload, Signature: bad}, {Payload: payload, Signature: good}})
		got := v.Verify(ctx, img.ref, img.digest)
		if !got.Verified || got.Signatures != 2 {
			t.Fatalf("got %+v, want verified with 2 signatures", got)
		}
	})
	t.Run("payload not JSON but signed", func(t *testing.T) {
		img := pushImage(t, srv, "shop/notjson")
		payload := []byte("not a payload")
		sig := base64.StdEncoding.EncodeToString(signtest.SignBytes(t, trusted, payload))
		signtest.Push(t, img.ref, img.digest, []signtest.Layer{{Payload: payload, Signature: sig}})
		got := v.Verify(ctx, img.ref, img.digest)
		if got.Verified || !strings.Contains(got.Problem, "decode payload") {
			t.Fatalf("got %+v, want the undecodable payload named", got)
		}
	})
}

func TestVerifyKeyTypes(t *testing.T) {
	srv := newRegistry(t)
	ctx := context.Background()
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string]crypto.Signer{"p384": p384, "ed25519": ed, "rsa": rsaKey} {
		t.Run(name, func(t *testing.T) {
			img := pushImage(t, srv, "keys/"+name)
			signtest.Sign(t, img.ref, img.digest, key)
			if got := verifier(t, signtest.ECDSAKey(t), key).Verify(ctx, img.ref, img.digest); !got.Verified || got.Key != "keyB.pub" {
				t.Fatalf("got %+v, want verified by keyB.pub", got)
			}
			if got := verifier(t, signtest.ECDSAKey(t)).Verify(ctx, img.ref, img.digest); got.Verified {
				t.Fatalf("verified by a key that did not sign: %+v", got)
			}
		})
	}
	t.Run("rsa-pss", func(t *testing.T) {
		img := pushImage(t, srv, "keys/pss")
		payload := signtest.Payload(t, img.ref, img.digest)
		sum := sha256.Sum256(payload)
		sig, err := rsa.SignPSS(rand.Reader, rsaKey, crypto.SHA256, sum[:], nil)
		if err != nil {
			t.Fatal(err)
		}
		signtest.Push(t, img.ref, img.digest, []signtest.Layer{{Payload: payload, Signature: base64.StdEncoding.EncodeToString(sig)}})
		if got := verifier(t, rsaKey).Verify(ctx, img.ref, img.digest); !got.Verified {
			t.Fatalf("got %+v, want a PSS signature verified", got)
		}
	})
}

func TestVerifyRegistryError(t *testing.T) {
	srv := newRegistry(t)
	img := pushImage(t, srv, "shop/gone")
	srv.Close()
	got := verifier(t, signtest.ECDSAKey(t)).Verify(context.Background(), img.ref, img.digest,
		remote.WithRetryBackoff(remote.Backoff{Steps: 1}))
	if got.Verified || !strings.HasPrefix(got.Problem, "registry error reading signatures "+img.ref.Context().Name()+":sha256-") {
		t.Fatalf("got %+v, want a registry error", got)
	}
}

func TestLoadKeys(t *testing.T) {
	dir := t.TempDir()
	write := func(file string, data []byte) string {
		p := filepath.Join(dir, file)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := signtest.WritePublicKey(t, signtest.ECDSAKey(t), "cosign.pub")
	keys, err := sign.LoadKeys(good)
	if err != nil || len(keys) != 1 || keys[0].Name != "cosign.pub" || !strings.HasPrefix(keys[0].Fingerprint, "SHA256:") {
		t.Fatalf("LoadKeys(good) = %+v, %v", keys, err)
	}
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	smallDER, _ := x509.MarshalPKIXPublicKey(&small.PublicKey)
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	p224DER, _ := x509.MarshalPKIXPublicKey(&p224.PublicKey)
	privDER, _ := x509.MarshalPKCS8PrivateKey(signtest.ECDSAKey(t))
	bad := map[string][]byte{
		"empty":    nil,
		"garbage":  []byte("hello"),
		"rsa1024":  pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: smallDER}),
		"p224":     pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: p224DER}),
		"private":  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER}),
		"truncate": pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: smallDER[:20]}),
		"huge":     make([]byte, 1<<20),
	}
	for name, data := range bad {
		if _, err := sign.LoadKeys(good, write(name, data)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: LoadKeys error = %v, want one naming the file", name, err)
		}
	}
	if _, err := sign.LoadKeys(filepath.Join(dir, "missing.pub")); err == nil {
		t.Error("a missing key file loaded")
	}
	if _, err := sign.NewVerifier(); err == nil {
		t.Error("a verifier without keys was built")
	}
}

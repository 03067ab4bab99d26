package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// maxKeyFileBytes bounds a public key file: a PEM public key is well under 4 KiB.
const maxKeyFileBytes = 64 << 10

// minRSABits is the smallest RSA modulus accepted as a trusted key.
const minRSABits = 2048

// Key is a trusted public key with a name for reports.
type Key struct {
	// Name is where the key came from (its file name), or its fingerprint when it has none.
	Name string
	// Fingerprint is "SHA256:" and the unpadded base64 SHA-256 of the key's DER
	// SubjectPublicKeyInfo, as ssh-keygen and cosign print fingerprints.
	Fingerprint string
	pub         crypto.PublicKey
}

// Public returns the key.
func (k Key) Public() crypto.PublicKey { return k.pub }

// NewKey wraps a public key; name may be empty. Only ECDSA P-256/P-384, Ed25519 and RSA keys
// of at least 2048 bits are accepted.
func NewKey(name string, pub crypto.PublicKey) (Key, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() && k.Curve != elliptic.P384() {
			return Key{}, fmt.Errorf("ECDSA key on curve %s: only P-256 and P-384 are supported", k.Curve.Params().Name)
		}
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return Key{}, errors.New("Ed25519 key of the wrong size")
		}
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return Key{}, fmt.Errorf("RSA key of %d bits: at least %d are required", k.N.BitLen(), minRSABits)
		}
	default:
		return Key{}, fmt.Errorf("unsupported public key type %T", pub)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return Key{}, fmt.Errorf("encode public key: %w", err)
	}
	sum := sha256.Sum256(der)
	k := Key{Name: name, Fingerprint: "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:]), pub: pub}
	if k.Name == "" {
		k.Name = k.Fingerprint
	}
	return k, nil
}

// ParseKey reads one PEM "PUBLIC KEY" block (PKIX, as cosign.pub holds) or an "RSA PUBLIC
// KEY" block (PKCS#1).
func ParseKey(name string, data []byte) (Key, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return Key{}, errors.New("no PEM block found")
	}
	var pub crypto.PublicKey
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		return Key{}, fmt.Errorf("PEM block %q is not a public key", block.Type)
	}
	if err != nil {
		return Key{}, fmt.Errorf("parse public key: %w", err)
	}
	return NewKey(name, pub)
}

// LoadKeys reads PEM public keys from files; each key is named by its file name.
func LoadKeys(paths ...string) ([]Key, error) {
	keys := make([]Key, 0, len(paths))
	for _, p := range paths {
		k, err := loadKey(p)
		if err != nil {
			return nil, fmt.Errorf("key %s: %w", p, err)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func loadKey(path string) (Key, error) {
	f, err := os.Open(path)
	if err != nil {
		return Key{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileBytes+1))
	if err != nil {
		return Key{}, err
	}
	if len(data) > maxKeyFileBytes {
		return Key{}, fmt.Errorf("larger than %d bytes: not a public key file", maxKeyFileBytes)
	}
	return ParseKey(filepath.Base(path), data)
}

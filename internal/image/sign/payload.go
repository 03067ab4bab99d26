package sign

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Cosign's names for the parts of a signature.
const (
	// MediaType is the media type of a simple-signing payload layer.
	MediaType = "application/vnd.dev.cosign.simplesigning.v1+json"
	// SignatureAnnotation is the layer annotation holding the base64 signature.
	SignatureAnnotation = "dev.cosignproject.cosign/signature"
	// PayloadType is the critical.type of a container image signature payload.
	PayloadType = "cosign container image signature"
	// TagSuffix ends the tag under which an image's signatures are stored.
	TagSuffix = ".sig"
)

// MaxPayloadBytes bounds a payload: a real one is a few hundred bytes plus the optional
// annotations the signer chose.
const MaxPayloadBytes = 64 << 10

// Payload is a simple-signing payload.
type Payload struct {
	Critical Critical `json:"critical"`
	// Optional holds the signer's annotations; strata does not judge them.
	Optional map[string]any `json:"optional,omitempty"`
}

// Critical is the part of a payload a verifier must check.
type Critical struct {
	Identity Identity `json:"identity"`
	Image    Image    `json:"image"`
	Type     string   `json:"type"`
}

// Identity names the repository the signer meant.
type Identity struct {
	DockerReference string `json:"docker-reference"`
}

// Image names the manifest digest signed.
type Image struct {
	DockerManifestDigest string `json:"docker-manifest-digest"`
}

// NewPayload is the payload signing digest in repository ref (a repository name such as
// registry.example.com/shop/web).
func NewPayload(repository string, digest v1.Hash) Payload {
	return Payload{Critical: Critical{
		Identity: Identity{DockerReference: repository},
		Image:    Image{DockerManifestDigest: digest.String()},
		Type:     PayloadType,
	}}
}

// DecodePayload parses a payload and checks its shape: a known type, a well-formed digest and
// a docker reference. Unknown fields are ignored, as cosign ignores them; anything larger
// than MaxPayloadBytes is refused before parsing.
func DecodePayload(data []byte) (*Payload, v1.Hash, error) {
	if len(data) > MaxPayloadBytes {
		return nil, v1.Hash{}, fmt.Errorf("payload of %d bytes is larger than %d", len(data), MaxPayloadBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var p Payload
	if err := dec.Decode(&p); err != nil {
		return nil, v1.Hash{}, fmt.Errorf("decode payload: %w", err)
	}
	if dec.More() {
		return nil, v1.Hash{}, errors.New("decode payload: data after the JSON object")
	}
	if p.Critical.Type != PayloadType {
		return nil, v1.Hash{}, fmt.Errorf("payload type %q is not %q", p.Critical.Type, PayloadType)
	}
	if p.Critical.Identity.DockerReference == "" {
		return nil, v1.Hash{}, errors.New("payload names no docker-reference")
	}
	h, err := v1.NewHash(p.Critical.Image.DockerManifestDigest)
	if err != nil {
		return nil, v1.Hash{}, fmt.Errorf("payload digest: %w", err)
	}
	return &p, h, nil
}

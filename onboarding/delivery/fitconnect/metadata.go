package fitconnect

import (
	"bytes"
	"crypto/sha512"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// metadataSchemaJSON is a verbatim copy of the official FIT-Connect
// metadata schema 1.0.0 ($id
// https://schema.fitko.de/fit-connect/metadata/1.0.0/metadata.schema.json),
// taken from shared/reference/fit-connect/metadata.schema-1.0.0.json (whose
// source is FITKO's publication as mirrored in codedust/fitconnect-sdk-python,
// fitconnect/schema/metadata.schema.v1.0.0.json).
//
//go:embed metadata.schema-1.0.0.json
var metadataSchemaJSON []byte

// Metadata is the part of the metadata schema 1.0.0 the platform fills.
type Metadata struct {
	ContentStructure        ContentStructure         `json:"contentStructure"`
	PublicServiceType       *ServiceType             `json:"publicServiceType,omitempty"`
	AdditionalReferenceInfo *AdditionalReferenceInfo `json:"additionalReferenceInfo,omitempty"`
}

// ContentStructure describes data and attachments.
type ContentStructure struct {
	Data        *DataDescription        `json:"data,omitempty"`
	Attachments []AttachmentDescription `json:"attachments"`
}

// Hash is a SHA-512 digest in hex.
type Hash struct {
	Type    string `json:"type"`
	Content string `json:"content"`
}

// DataDescription describes the submission's data.
type DataDescription struct {
	Hash             Hash             `json:"hash"`
	SubmissionSchema SubmissionSchema `json:"submissionSchema"`
}

// AttachmentDescription describes one attachment.
type AttachmentDescription struct {
	Hash         Hash   `json:"hash"`
	Purpose      string `json:"purpose"`
	Filename     string `json:"filename,omitempty"`
	Description  string `json:"description,omitempty"`
	MimeType     string `json:"mimeType"`
	AttachmentID string `json:"attachmentId"`
}

// AdditionalReferenceInfo carries the sender's reference.
type AdditionalReferenceInfo struct {
	SenderReference string `json:"senderReference,omitempty"`
	ApplicationDate string `json:"applicationDate,omitempty"`
}

// SHA512 returns the hash object of data.
func SHA512(data []byte) Hash {
	sum := sha512.Sum512(data)
	return Hash{Type: "sha512", Content: hex.EncodeToString(sum[:])}
}

// metadataSchema is the compiled schema, built once; it is never changed.
var metadataSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(metadataSchemaJSON))
	if err != nil {
		return nil, fmt.Errorf("metadata schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(MetadataSchemaURI, doc); err != nil {
		return nil, fmt.Errorf("metadata schema: %w", err)
	}
	s, err := c.Compile(MetadataSchemaURI)
	if err != nil {
		return nil, fmt.Errorf("metadata schema: %w", err)
	}
	return s, nil
})

// ValidateMetadata checks a metadata document (JSON) against the official
// schema 1.0.0.
func ValidateMetadata(raw []byte) error {
	s, err := metadataSchema()
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("metadata is no JSON: %w", err)
	}
	if err := s.Validate(inst); err != nil {
		return fmt.Errorf("metadata violates schema 1.0.0: %w", err)
	}
	return nil
}

// MarshalMetadata encodes m and validates it against the schema.
func MarshalMetadata(m *Metadata) ([]byte, error) {
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode metadata: %w", err)
	}
	if err := ValidateMetadata(raw); err != nil {
		return nil, err
	}
	return raw, nil
}

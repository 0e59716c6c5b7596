package fitconnect

import "time"

// Event type URIs of the FIT-Connect event log.
const (
	EventCreateSubmission = "https://schema.fitko.de/fit-connect/events/create-submission"
	EventSubmitSubmission = "https://schema.fitko.de/fit-connect/events/submit-submission"
	EventAcceptSubmission = "https://schema.fitko.de/fit-connect/events/accept-submission"
	EventRejectSubmission = "https://schema.fitko.de/fit-connect/events/reject-submission"
)

// Callback types.
const (
	CallbackNewEvents      = "https://schema.fitko.de/fit-connect/submission-api/callbacks/new-events"
	CallbackNewSubmissions = "https://schema.fitko.de/fit-connect/submission-api/callbacks/new-submissions"
)

// Callback headers.
const (
	HeaderCallbackAuthentication = "Callback-Authentication"
	HeaderCallbackTimestamp      = "Callback-Timestamp"
)

// MetadataSchemaURI is the $id of the metadata schema this package writes.
const MetadataSchemaURI = "https://schema.fitko.de/fit-connect/metadata/1.0.0/metadata.schema.json"

// MetadataVersion is the metadata schema version this package writes.
const MetadataVersion = "1.0.0"

// Purposes of attachments in the metadata.
const (
	PurposeForm       = "form"
	PurposeAttachment = "attachment"
	PurposeReport     = "report"
)

// JWK is a public key as FIT-Connect publishes it (RFC 7517 with the
// fields the Submission API requires).
type JWK struct {
	Kty    string   `json:"kty"`
	KeyOps []string `json:"key_ops"`
	Alg    string   `json:"alg"`
	X5C    []string `json:"x5c"`
	Kid    string   `json:"kid"`
	N      string   `json:"n"`
	E      string   `json:"e"`
}

// JWKS is a JSON Web Key Set.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// ServiceType names a Verwaltungsleistung.
type ServiceType struct {
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Identifier  string `json:"identifier"`
}

// SubmissionSchema references the schema of a submission's data.
type SubmissionSchema struct {
	MimeType  string `json:"mimeType"`
	SchemaURI string `json:"schemaUri"`
}

// DestinationService is a service a destination offers.
type DestinationService struct {
	Identifier        string             `json:"identifier"`
	Regions           []string           `json:"regions"`
	SubmissionSchemas []SubmissionSchema `json:"submissionSchemas"`
}

// Destination is the public view of a destination (Zustellpunkt).
type Destination struct {
	DestinationID    string               `json:"destinationId"`
	Status           string               `json:"status"`
	EncryptionKid    string               `json:"encryptionKid"`
	MetadataVersions []string             `json:"metadataVersions"`
	Services         []DestinationService `json:"services"`
}

// CreateCallback configures a callback with its secret.
type CreateCallback struct {
	URL    string `json:"url"`
	Secret string `json:"secret"`
}

// CreateSubmission announces a submission.
type CreateSubmission struct {
	DestinationID        string          `json:"destinationId"`
	AnnouncedAttachments []string        `json:"announcedAttachments"`
	CaseID               string          `json:"caseId,omitempty"`
	ServiceType          ServiceType     `json:"serviceType"`
	Callback             *CreateCallback `json:"callback,omitempty"`
}

// SubmissionCreated answers CreateSubmission.
type SubmissionCreated struct {
	DestinationID string `json:"destinationId"`
	SubmissionID  string `json:"submissionId"`
	CaseID        string `json:"caseId"`
}

// SubmitSubmission completes a submission.
type SubmitSubmission struct {
	EncryptedMetadata string `json:"encryptedMetadata"`
	EncryptedData     string `json:"encryptedData,omitempty"`
}

// FetchedSubmission is what a subscriber fetches.
type FetchedSubmission struct {
	DestinationID     string      `json:"destinationId"`
	SubmissionID      string      `json:"submissionId"`
	CaseID            string      `json:"caseId"`
	Attachments       []string    `json:"attachments"`
	ServiceType       ServiceType `json:"serviceType"`
	EncryptedMetadata string      `json:"encryptedMetadata,omitempty"`
	EncryptedData     string      `json:"encryptedData,omitempty"`
}

// SubmissionRef names a submission in lists and callbacks.
type SubmissionRef struct {
	DestinationID string `json:"destinationId"`
	SubmissionID  string `json:"submissionId"`
	CaseID        string `json:"caseId"`
}

// SubmissionsForPickup lists the submissions ready for pickup.
type SubmissionsForPickup struct {
	Count       int             `json:"count"`
	Offset      int             `json:"offset"`
	TotalCount  int             `json:"totalCount"`
	Submissions []SubmissionRef `json:"submissions"`
}

// EventLog is a case's list of SETs, oldest first.
type EventLog struct {
	Count      int      `json:"count"`
	Offset     int      `json:"offset"`
	TotalCount int      `json:"totalCount"`
	EventLog   []string `json:"eventLog"`
}

// CallbackBody is the body of a callback.
type CallbackBody struct {
	Type        string          `json:"type"`
	Submissions []SubmissionRef `json:"submissions"`
}

// Problem is an RFC 7807 problem, as in error answers and in
// reject-submission events.
type Problem struct {
	Type     string `json:"type,omitempty"`
	Title    string `json:"title,omitempty"`
	Status   int    `json:"status,omitempty"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// AuthenticationTags are the JWE authentication tags of what was
// submitted; the receiver names them in accept-submission.
type AuthenticationTags struct {
	Metadata    string            `json:"metadata"`
	Data        string            `json:"data,omitempty"`
	Attachments map[string]string `json:"attachments,omitempty"`
}

// EventPayload is the content of one event in a SET.
type EventPayload struct {
	Problems           []Problem           `json:"problems,omitempty"`
	AuthenticationTags *AuthenticationTags `json:"authenticationTags,omitempty"`
}

// SETClaims are the claims of a Security Event Token.
type SETClaims struct {
	Issuer   string                  `json:"iss"`
	IssuedAt int64                   `json:"iat"`
	JTI      string                  `json:"jti"`
	Subject  string                  `json:"sub"`
	Txn      string                  `json:"txn"`
	Events   map[string]EventPayload `json:"events"`
}

// Event is a verified event of the log.
type Event struct {
	Type         string
	SubmissionID string
	CaseID       string
	Issuer       string
	IssuedAt     time.Time
	Payload      EventPayload
}

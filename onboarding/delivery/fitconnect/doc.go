// Package fitconnect speaks FIT-Connect Submission API 1.1.3 as a sending
// system (variant 3 of the Sozialplattform): OAuth 2 client credentials
// with a cached token, destination lookup and validation of the
// destination's encryption key (RSA ≥ 4096 bit, key_ops wrapKey,
// RSA-OAEP-256, x5c), JWE compact encryption (RSA-OAEP-256 + A256GCM, via
// go-jose v4) of metadata, data and attachments, SHA-512 hashes in the
// metadata, validation of the metadata against the official schema 1.0.0
// before sending, announce → upload attachments → submit, and following
// the event log: Security Event Tokens (typ secevent+jwt, PS512) are
// verified against the delivery service's JWKS or, for events the
// receiving system issued, against the destination's signing key.
// Callbacks are checked with HMAC-SHA512 over timestamp + "." + body,
// compared in constant time and refused when older than five minutes.
//
// The package also holds what the receiving side needs to talk the same
// protocol (decryption, SET signing, callback signing), so that the local
// server in fitserver is built from the same definitions.
//
// A Send keeps its progress in a State that the caller persists through
// Hooks.Checkpoint before anything is uploaded: a retry with the stored
// State resumes the same submission (checking the event log first) instead
// of creating a second one.
package fitconnect

// Package mailtest runs a real SMTP server on loopback for tests: it records
// every message it accepts, parsed into subject, text and HTML body, so that
// tests up to the end-to-end test of the whole server can assert on the
// mails the platform sends.
package mailtest

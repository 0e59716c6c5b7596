// Package citizen owns the citizens' accounts (Servicekonto): registration
// with e-mail and password (argon2id), confirmation by a single-use link,
// login with throttling, password reset – trust level "niedrig" – and login
// through an external identity provider with SAML 2.0 (BundID and the
// Länder accounts speak SAML), which carries the trust level (niedrig,
// substanziell, hoch) from the assertion into the session.
//
// A citizen is not a staff user: the account lives in its own table, and
// the login sits in the portal's session under keys of its own
// ("citizen", "trust"), never under the staff user key. The staff
// authorizer therefore never sees a citizen; requests of a citizen carry
// the audit actor "citizen:<id>", and the citizen-facing API operations
// check the citizen themselves.
package citizen

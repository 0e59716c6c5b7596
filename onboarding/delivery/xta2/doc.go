// Package xta2 speaks XTA 2 version 3 (XTA-WS 2.1.1, namespace
// http://xoev.de/transport/xta/211) over SOAP 1.2 with WS-Addressing
// headers, as the WSDL and schemas in shared/reference/xta2 define it: the
// management operations checkAccountActive, createMessageId and
// getTransportReport, sendMessage with its OSCI MessageMetaData header
// (Author and Reader identifiers, Service, BusinessScenario, MessageType)
// and a GenericContentContainer body, and the message box operations
// getStatusList → getMessage → close that a Fachverfahren uses to fetch.
//
// Documents are built and read with etree under fixed prefixes. XSD
// validation would need libxml2 (cgo); instead schema.go holds structural
// checks derived from the XSDs – element names, namespaces, order,
// cardinality and required attributes of every element this package sends
// or receives – and the tests compare the envelopes with golden files.
// Contents travel base64-encoded inline (the XSD's ContentContainer), not
// as MTOM parts and not OSCI end-to-end encrypted (xenc:EncryptedData);
// the connection is protected by TLS with client certificates.
package xta2

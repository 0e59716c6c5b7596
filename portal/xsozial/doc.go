// Package xsozial builds XSozial-basis 2.4.0 messages
// (vorgang.transportieren.1000001) with etree, in the structure of a real
// message as the Sozialplattform sends it (shared/reference), and checks a
// message against that shape: required elements, their order, namespaces
// (the head is unqualified, the body qualified with the xsb prefix) and the
// listURI/listVersionID of every code.
//
// The package knows nothing of forms: the caller maps answers into a
// Message.
package xsozial

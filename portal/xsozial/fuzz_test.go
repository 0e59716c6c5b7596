package xsozial

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzBuildReparses: whatever text a citizen typed into the fields that go
// into the message, a message the builder accepts always parses again and
// passes the structural check.
func FuzzBuildReparses(f *testing.F) {
	f.Add("Muster", "Mia", "Breiter Weg", "Halberstadt", "erika@example.org")
	f.Add("<&>\"'", "]]>", "\x00\x01", "Ünïcødé ضاد", "a\r\nb")
	f.Add(strings.Repeat("x", 300), "", " ", "\t", "--")
	b, err := NewBuilder()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, family, given, street, city, contact string) {
		m := sampleMessage()
		m.Persons[0].Familienname, m.Persons[0].Vorname = family, given
		m.Dritte[0].Anschrift.Strasse, m.Dritte[0].Anschrift.Ort = street, city
		m.Dritte[0].Kommunikation[0].Kennung = contact
		out, err := b.Marshal(m)
		if err != nil {
			return // refused input is fine; a broken message is not
		}
		doc, err := Parse(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("built message does not parse: %v\n%s", err, out)
		}
		if err := Check(doc, b.Lists()); err != nil {
			t.Fatalf("built message fails the structural check: %v", err)
		}
	})
}

// FuzzParse: inbound XML never panics, whatever arrives.
func FuzzParse(f *testing.F) {
	b, _ := NewBuilder()
	if out, err := b.Marshal(sampleMessage()); err == nil {
		f.Add(out)
	}
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>`))
	f.Add([]byte(strings.Repeat("<a>", 10000)))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(bytes.NewReader(data))
		if err == nil {
			_ = Check(doc, b.Lists())
		}
	})
}

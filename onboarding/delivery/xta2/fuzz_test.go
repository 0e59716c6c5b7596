package xta2

import (
	"os"
	"testing"
)

// FuzzParseEnvelope: whatever an intermediary or XTA server answers, the
// SOAP parser returns an error or an envelope, and never panics.
func FuzzParseEnvelope(f *testing.F) {
	for _, name := range []string{"testdata/sendMessage.xml", "testdata/fault.xml"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/></s:Envelope>`))
	f.Add([]byte(`<!DOCTYPE e [<!ENTITY x "y">]><e>&x;</e>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		env, err := ParseEnvelope(data)
		if err == nil && env == nil {
			t.Fatal("no error and no envelope")
		}
	})
}

package onboarding_test

import (
	"strings"
	"testing"

	"sozialplattform/onboarding"
)

func TestCheckDVDVKennung(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"sop:050000100099", true},
		{"psw:15085000", true},
		{"dvdv2:ABC-15.085_x", true},
		{"050000100099", false},       // no prefix
		{"SOP:050000100099", false},   // prefix in capitals
		{"sop:", false},               // no key
		{"sop::050000", false},        // double colon
		{"s:050000100099", false},     // prefix too short
		{"sop:05 00", false},          // space
		{"sop:050000100099\n", false}, // line break
		{"", false},
	} {
		if err := onboarding.CheckDVDVKennung(tt.in); (err == nil) != tt.ok {
			t.Errorf("CheckDVDVKennung(%q) = %v, want ok=%v", tt.in, err, tt.ok)
		}
	}
}

func TestCheckEndpointURL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in, wantErr string
	}{
		{"https://osci.dataport.example/osci-manager", ""},
		{"https://xta.example.de:8443/MB_XTA-WS/XTA210msgBoxPort.svc", ""},
		{"http://osci.example/", "https://"},
		{"osci.example/manager", "vollständige Adresse"},
		{"https://user:pw@osci.example/", "Zugangsdaten"},
		{"https://osci.example/#x", "Anker"},
		{"ftp://osci.example/", "https://"},
		{"https://", "vollständige Adresse"},
	} {
		err := onboarding.CheckEndpointURL(tt.in)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("CheckEndpointURL(%q) = %v, want ok", tt.in, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("CheckEndpointURL(%q) = %v, want an error about %q", tt.in, err, tt.wantErr)
		}
	}
}

func TestCheckDestinationID(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"7b0e3c1a-5d2f-4e8a-9c61-0f3b2a4d5e6f", true},
		{"7B0E3C1A-5D2F-4E8A-9C61-0F3B2A4D5E6F", true},
		{"7b0e3c1a5d2f4e8a9c610f3b2a4d5e6f", false},       // without dashes
		{"{7b0e3c1a-5d2f-4e8a-9c61-0f3b2a4d5e6f}", false}, // braces
		{"urn:uuid:7b0e3c1a-5d2f-4e8a-9c61-0f3b2a4d5e6f", false},
		{"7b0e3c1a-5d2f-4e8a-9c61-0f3b2a4d5e6", false},  // one short
		{"7b0e3c1a-5d2f-4e8a-9c61-0f3b2a4d5e6g", false}, // not hex
		{"", false},
	} {
		if err := onboarding.CheckDestinationID(tt.in); (err == nil) != tt.ok {
			t.Errorf("CheckDestinationID(%q) = %v, want ok=%v", tt.in, err, tt.ok)
		}
	}
}

func TestTransportValidateAndMissing(t *testing.T) {
	t.Parallel()
	now := seedNow
	tr := onboarding.Transport{DVDVKennung: " sop:050000100099 ", DestinationID: "kaputt",
		MailboxUsers: []string{"a@example.org", "A@example.org ", "kein-mail"}}
	errs := tr.Validate(now)
	for _, field := range []string{"transport.destinationId", "transport.mailboxUsers[1]", "transport.mailboxUsers[2]"} {
		if errs.For(field) == "" {
			t.Errorf("no error for %s: %v", field, errs)
		}
	}
	if errs.For("transport.dvdvKennung") != "" {
		t.Errorf("trimmed DVDV key refused: %v", errs)
	}
	for _, tt := range []struct {
		v    onboarding.Variant
		tr   onboarding.Transport
		want int
	}{
		{onboarding.VariantOSCIXTA2, onboarding.Transport{}, 1},
		{onboarding.VariantOSCIXTA2, onboarding.Transport{DVDVKennung: "sop:1234"}, 0},
		{onboarding.VariantOSCIClient, onboarding.Transport{}, 1},
		{onboarding.VariantOSCIClient, onboarding.Transport{MailboxUsers: []string{"a@example.org"}}, 0},
		{onboarding.VariantFITConnect, onboarding.Transport{}, 1},
		{onboarding.VariantFITConnect, onboarding.Transport{DestinationID: "7b0e3c1a-5d2f-4e8a-9c61-0f3b2a4d5e6f"}, 0},
	} {
		if got := tt.tr.Missing(tt.v); len(got) != tt.want {
			t.Errorf("Missing(%v) of %+v = %v, want %d entries", tt.v, tt.tr, got, tt.want)
		}
	}
}

func TestCheckFITConnectService(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want, err string }{
		{"urn:de:fim:leika:leistung:99010003001006", "urn:de:fim:leika:leistung:99010003001006", ""},
		{" 99010003001006 ", "urn:de:fim:leika:leistung:99010003001006", ""},
		{"urn:sozialplattform-st:antragsstrecke:hzl", "", "LeiKa-Schlüssel"},
		{"urn:de:fim:leika:leistung:9901000300100", "", "14 Ziffern"},
		{"9901000300100X", "", "14 Ziffern"},
	} {
		got, err := onboarding.CheckFITConnectService(tt.in)
		if tt.err == "" && (err != nil || got != tt.want) {
			t.Errorf("%q: %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%q: err %v, want one with %q", tt.in, err, tt.err)
		}
	}
}

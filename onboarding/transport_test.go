package onboarding_test

import (
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"sozialplattform/onboarding"
)

func TestCheckDVDVKennung(t *testing.T) {
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

func TestParseEncryptionKey(t *testing.T) {
	k := testKeys(t)
	now := seedNow
	year := now.AddDate(1, 0, 0)
	good := certFor(t, k.rsa4096, now.AddDate(0, 0, -1), year)
	expired := certFor(t, k.rsa4096, now.AddDate(-2, 0, 0), now.AddDate(0, 0, -1))
	future := certFor(t, k.rsa4096, now.AddDate(0, 1, 0), now.AddDate(2, 0, 0))
	short := certFor(t, k.rsa2048, now.AddDate(0, 0, -1), year)
	ec := certFor(t, k.ec, now.AddDate(0, 0, -1), year)
	pubDER, err := x509.MarshalPKIXPublicKey(&k.rsa4096.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	privPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("not really")}))

	for _, tt := range []struct {
		name, in, wantErr string
		bits              int
		format            string
	}{
		{"JWK with x5c", rsaJWK(&k.rsa4096.PublicKey, good, nil), "", 4096, "jwk"},
		{"JWK without use and alg", rsaJWK(&k.rsa4096.PublicKey, good, map[string]any{"use": nil, "alg": nil}), "", 4096, "jwk"},
		{"PEM certificate", certPEM(good), "", 4096, "pem"},
		{"PEM certificate with blanks around", "\n  " + certPEM(good) + "\n", "", 4096, "pem"},
		{"JWK without x5c", rsaJWK(&k.rsa4096.PublicKey, nil, nil), "x5c", 0, ""},
		{"JWK with expired certificate", rsaJWK(&k.rsa4096.PublicKey, expired, nil), "abgelaufen", 0, ""},
		{"PEM expired", certPEM(expired), "abgelaufen", 0, ""},
		{"PEM not yet valid", certPEM(future), "gilt erst ab", 0, ""},
		{"PEM 2048 bit", certPEM(short), "2048 Bit", 0, ""},
		{"JWK 2048 bit", rsaJWK(&k.rsa2048.PublicKey, short, nil), "2048 Bit", 0, ""},
		{"PEM EC certificate", certPEM(ec), "keinen RSA-Schlüssel", 0, ""},
		{"JWK EC key", `{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}`, "kein RSA-Schlüssel", 0, ""},
		{"JWK with private part", rsaJWK(&k.rsa4096.PublicKey, good, map[string]any{"d": "AQAB"}), "private Schlüsselteile", 0, ""},
		{"JWK x5c of another key", rsaJWK(&k.rsa4096.PublicKey, short, nil), "JWK ist ungültig", 0, ""},
		{"JWK for signing", rsaJWK(&k.rsa4096.PublicKey, good, map[string]any{"use": "sig"}), `"enc"`, 0, ""},
		{"JWK with RS256", rsaJWK(&k.rsa4096.PublicKey, good, map[string]any{"alg": "RS256"}), "RSA-OAEP-256", 0, ""},
		{"JWK not JSON", `{"kty": "RSA",`, "kein gültiges JSON", 0, ""},
		{"bare public key", pubPEM, "Zertifikat", 0, ""},
		{"private key", privPEM, "privater Schlüssel", 0, ""},
		{"PEM garbage", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n", "lässt sich nicht lesen", 0, ""},
		{"broken PEM", "-----BEGIN CERTIFICATE-----\n???", "PEM-Text", 0, ""},
		{"garbage", "hallo welt", "weder ein JWK", 0, ""},
		{"empty", "  ", "Bitte geben Sie", 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			info, err := onboarding.ParseEncryptionKey(tt.in, now)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if info.Bits != tt.bits || info.Format != tt.format || !info.NotAfter.Equal(year.Truncate(time.Second)) || len(info.Thumbprint) != 64 {
				t.Errorf("info = %+v", info)
			}
			if !strings.Contains(info.Subject, "Zustellpunkt Landkreis Test") {
				t.Errorf("subject = %q", info.Subject)
			}
		})
	}
}

func TestTransportValidateAndMissing(t *testing.T) {
	now := seedNow
	tr := onboarding.Transport{DVDVKennung: " sop:050000100099 ", IntermediaryURL: "http://osci.example", DestinationID: "kaputt",
		EncryptionKey: "hallo", MailboxUsers: []string{"a@example.org", "A@example.org ", "kein-mail"}}
	errs := tr.Validate(now)
	for _, field := range []string{"transport.intermediaryUrl", "transport.destinationId", "transport.encryptionKey",
		"transport.mailboxUsers[1]", "transport.mailboxUsers[2]"} {
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
		{onboarding.VariantOSCIXTA2, onboarding.Transport{}, 2},
		{onboarding.VariantOSCIXTA2, onboarding.Transport{DVDVKennung: "sop:1234"}, 1},
		{onboarding.VariantOSCIXTA2, onboarding.Transport{DVDVKennung: "sop:1234", IntermediaryURL: "https://x.example"}, 0},
		{onboarding.VariantOSCIClient, onboarding.Transport{}, 1},
		{onboarding.VariantOSCIClient, onboarding.Transport{MailboxUsers: []string{"a@example.org"}}, 0},
		{onboarding.VariantFITConnect, onboarding.Transport{DestinationID: "7b0e3c1a-5d2f-4e8a-9c61-0f3b2a4d5e6f"}, 1},
		{onboarding.VariantFITConnect, onboarding.Transport{DestinationID: "7b0e3c1a-5d2f-4e8a-9c61-0f3b2a4d5e6f", Key: &onboarding.KeyInfo{}}, 0},
	} {
		if got := tt.tr.Missing(tt.v); len(got) != tt.want {
			t.Errorf("Missing(%v) of %+v = %v, want %d entries", tt.v, tt.tr, got, tt.want)
		}
	}
}

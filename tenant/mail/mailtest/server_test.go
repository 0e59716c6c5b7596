package mailtest_test

import (
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sozialplattform/tenant/mail/mailtest"
)

func TestServerParsesWhatItReceives(t *testing.T) {
	s := mailtest.NewServer(t)
	host, port := s.Addr()
	raw := strings.Join([]string{
		"From: a@example.org",
		"To: b@example.org",
		"Subject: =?UTF-8?q?Gr=C3=BC=C3=9Fe?=",
		"MIME-Version: 1.0",
		`Content-Type: multipart/alternative; boundary="xyz"`,
		"",
		"--xyz",
		"Content-Type: text/plain; charset=UTF-8",
		"Content-Transfer-Encoding: quoted-printable",
		"",
		"Gr=C3=BC=C3=9Fe aus dem Te=",
		"st",
		"--xyz",
		"Content-Type: text/html; charset=UTF-8",
		"Content-Transfer-Encoding: base64",
		"",
		"PHA+R3LDvMOfZTwv",
		"cD4=",
		"--xyz--",
		"",
	}, "\r\n")
	err := smtp.SendMail(net.JoinHostPort(host, strconv.Itoa(port)), nil,
		"a@example.org", []string{"b@example.org", "c@example.org"}, []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	got := s.WaitFor(t, 1, 5*time.Second)[0]
	checks := []struct{ what, got, want string }{
		{"envelope from", got.From, "a@example.org"},
		{"envelope to", strings.Join(got.To, ","), "b@example.org,c@example.org"},
		{"subject", got.Subject, "Grüße"},
		{"text", got.TextBody, "Grüße aus dem Test"},
		{"html", got.HTMLBody, "<p>Grüße</p>"},
		{"header", got.Header.Get("To"), "b@example.org"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if string(got.Data) != raw {
		t.Error("raw data changed")
	}
}

func TestServerRequiresAuthWhenAsked(t *testing.T) {
	s := mailtest.NewServer(t, mailtest.WithAuth("u", "p"))
	host, port := s.Addr()
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	msg := []byte("Subject: x\r\n\r\nx\r\n")
	if err := smtp.SendMail(addr, nil, "a@example.org", []string{"b@example.org"}, msg); err == nil {
		t.Error("accepted mail without authentication")
	}
	if err := smtp.SendMail(addr, smtp.PlainAuth("", "u", "p", host), "a@example.org", []string{"b@example.org"}, msg); err != nil {
		t.Errorf("with authentication: %v", err)
	}
	if n := len(s.WaitFor(t, 1, 5*time.Second)); n != 1 {
		t.Errorf("%d messages", n)
	}
}

package mail

import (
	"fmt"
	"net"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// The TLS modes of SMTPConfig.
const (
	TLSStartTLS = "starttls" // plain connect, then STARTTLS, which the server must offer
	TLSImplicit = "tls"      // TLS from the first byte ("SMTPS", usually port 465)
	TLSNone     = "none"     // no encryption; for a relay on the same host and for tests
)

// SMTPConfig says how to reach the mail server.
type SMTPConfig struct {
	Host string
	// Port defaults to 587 for STARTTLS, 465 for TLS and 25 without.
	Port     int
	Username string
	Password string
	// TLS is "starttls" (the default), "tls" or "none".
	TLS string
	// From is the envelope sender (MAIL FROM) and the From header of messages
	// the outbox stored without one.
	From string
	// HeloName is the name given in EHLO; the host name when empty.
	HeloName string
}

// Enabled reports whether mail is to be sent at all.
func (c SMTPConfig) Enabled() bool { return c.Host != "" }

// Validate checks the configuration without connecting, so that a wrong
// setting stops the start instead of failing every mail later.
func (c SMTPConfig) Validate() error {
	if !c.Enabled() {
		return nil
	}
	if _, err := c.client(); err != nil {
		return err
	}
	if c.Port < 0 || c.Port > 65535 {
		return fmt.Errorf("SMTP port %d out of range", c.Port)
	}
	if c.Username != "" && strings.EqualFold(c.TLS, TLSNone) && !loopback(c.Host) {
		// go-mail refuses PLAIN and LOGIN without TLS to another host, so
		// every mail would fail; say so at the start.
		return fmt.Errorf("SMTP: user name and password would go unencrypted to %s; use TLS mode starttls or tls", c.Host)
	}
	if c.From != "" {
		if _, err := netmail.ParseAddress(c.From); err != nil {
			return fmt.Errorf("SMTP sender %q: %w", c.From, err)
		}
	}
	return nil
}

// loopback reports whether host is this machine.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// smtpTimeout bounds connecting and every SMTP command.
const smtpTimeout = 30 * time.Second

// client builds a go-mail client for the configuration; it does not connect.
func (c SMTPConfig) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithTimeout(smtpTimeout)}
	port := c.Port
	switch strings.ToLower(c.TLS) {
	case "", TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		if port == 0 {
			port = gomail.DefaultPortTLS
		}
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
		if port == 0 {
			port = gomail.DefaultPortSSL
		}
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
		if port == 0 {
			port = gomail.DefaultPort
		}
	default:
		return nil, fmt.Errorf("SMTP TLS mode %q: want starttls, tls or none", c.TLS)
	}
	opts = append(opts, gomail.WithPort(port))
	if c.HeloName != "" {
		opts = append(opts, gomail.WithHELO(c.HeloName))
	}
	if c.Username != "" {
		// PLAIN or LOGIN, whichever the server offers. Both refuse to send
		// the password unencrypted unless the server is on loopback.
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(c.Username),
			gomail.WithPassword(c.Password),
		)
	}
	cl, err := gomail.NewClient(c.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("SMTP client for %s:%d: %w", c.Host, port, err)
	}
	return cl, nil
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"sozialplattform/portal/counselling"
	"strconv"
	"strings"
	"time"

	"sozialplattform/onboarding"
	"sozialplattform/portal/xsozial"
	"sozialplattform/tenant/mail"

	"sozialplattform/migrations"
)

// config is everything the program can be told from outside.
type config struct {
	Addr string
	DB   string
	// DataDir keeps the instance's files besides the database (development
	// data key, demo transport keys, generated SAML key pair); empty: the
	// folder of the SQLite file, on PostgreSQL ./data.
	DataDir       string
	BaseURL       string
	Demo          bool
	LogLevel      string
	TrustProxy    bool
	MetricsToken  string // bearer token for /metrics; empty: loopback only
	InstanceID    string
	SMTP          mail.SMTPConfig
	MailFrom      string
	OrderMailbox  string // the ministry's copy of every marketplace order
	SessionIdle   time.Duration
	SessionMax    time.Duration
	PolicyRefresh time.Duration
	MailInterval  time.Duration
	Apps          applicationsConfig // online applications (issue 6)
	FITConnect    fitConnectConfig
	XTA           xtaConfig
	// Identity is the platform's own party in every message it sends:
	// the XTA Author, the XSozial-basis nachrichtenkopf.g2g/autor and the
	// connection test (issue 15: one identity, from configuration).
	Identity    platformIdentity
	Counselling counselling.Options // staleness of the Beratungsstellen (issue 8)
	// baseURLDerived is true when no base URL was given and it follows
	// the listening address.
	baseURLDerived bool
}

// fitConnectConfig reaches a FIT-Connect delivery service (variant 3).
type fitConnectConfig struct {
	BaseURL, TokenURL, ClientID, ClientSecret, Scope, CallbackSecret string
	// RootsFile holds the trust anchors of the destinations' certificate
	// chains (PEM), e.g. the Verwaltungs-PKI's root.
	RootsFile string
}

// xtaConfig is the platform's client certificate for XTA2 (variant 1).
type xtaConfig struct {
	CertFile, KeyFile string
}

// platformIdentity is the platform's DVDV identity.
type platformIdentity struct {
	Kennung, Name string
	// explicit is true when the Kennung was configured, not defaulted.
	explicit bool
}

// defaultPlatformKennung is the platform's identity while none is
// configured: a placeholder of the demo and of development. The real
// Behördenkennung is assigned by the DVDV maintainer (DVDV-Pflege); the
// platform refuses to start with an external transport but this one.
const defaultPlatformKennung = xsozial.PlaceholderKennung

// option is one setting: its flag, its environment variables and default.
type option struct {
	flag, env, def, help string
	alsoEnv              []string
	set                  func(c *config, v string) error
}

func parseBool(v string) (bool, error) { return strconv.ParseBool(v) }

// options is the table of settings, shared by every subcommand that
// touches them, in the manner of Miniflux's options table.
var options = []option{
	{flag: "addr", env: "SOZIALPLATTFORM_ADDR", def: "127.0.0.1:8080", help: "Adresse, auf der der Server lauscht",
		set: func(c *config, v string) error { c.Addr = v; return nil }},
	{flag: "db", env: "SOZIALPLATTFORM_DB", alsoEnv: []string{"DATABASE_URL"}, def: "data/sozialplattform.sqlite",
		help: "Datenbank: Dateipfad oder file:-DSN für SQLite, postgres://… für PostgreSQL",
		set:  func(c *config, v string) error { c.DB = v; return nil }},
	{flag: "base-url", env: "SOZIALPLATTFORM_BASE_URL", def: "",
		help: "öffentliche Adresse (z. B. https://sozialplattform.sachsen-anhalt.de); https schaltet Secure-Cookies ein; leer: http://<addr>",
		set:  func(c *config, v string) error { c.BaseURL = v; return nil }},
	{flag: "log-level", env: "SOZIALPLATTFORM_LOG_LEVEL", def: "info", help: "debug, info, warn oder error",
		set: func(c *config, v string) error { c.LogLevel = v; return nil }},
	{flag: "trust-proxy", env: "SOZIALPLATTFORM_TRUST_PROXY", def: "false", help: "X-Forwarded-For eines vorgeschalteten Proxys vertrauen",
		set: func(c *config, v string) (err error) { c.TrustProxy, err = parseBool(v); return }},
	{flag: "metrics-token", env: "SOZIALPLATTFORM_METRICS_TOKEN", def: "",
		help: "Token, mit dem /metrics abgefragt wird (Authorization: Bearer …; auch …_FILE); leer: nur vom eigenen Rechner (Loopback)",
		set:  func(c *config, v string) error { c.MetricsToken = v; return nil }},
	{flag: "instance-id", env: "SOZIALPLATTFORM_INSTANCE_ID", def: "", help: "Name dieser Instanz (Aufgaben-Sperren); leer: Rechnername und Prozessnummer",
		set: func(c *config, v string) error { c.InstanceID = v; return nil }},
	{flag: "smtp-host", env: "SOZIALPLATTFORM_SMTP_HOST", def: "", help: "SMTP-Server; leer: E-Mails bleiben im Postausgang der Konsole",
		set: func(c *config, v string) error { c.SMTP.Host = v; return nil }},
	{flag: "smtp-port", env: "SOZIALPLATTFORM_SMTP_PORT", def: "587", help: "SMTP-Port",
		set: func(c *config, v string) (err error) { c.SMTP.Port, err = strconv.Atoi(v); return }},
	{flag: "smtp-username", env: "SOZIALPLATTFORM_SMTP_USERNAME", def: "", help: "SMTP-Benutzer",
		set: func(c *config, v string) error { c.SMTP.Username = v; return nil }},
	{flag: "smtp-password", env: "SOZIALPLATTFORM_SMTP_PASSWORD", def: "", help: "SMTP-Passwort (oder SOZIALPLATTFORM_SMTP_PASSWORD_FILE)",
		set: func(c *config, v string) error { c.SMTP.Password = v; return nil }},
	{flag: "smtp-tls", env: "SOZIALPLATTFORM_SMTP_TLS", def: "starttls", help: "starttls, tls oder none",
		set: func(c *config, v string) error { c.SMTP.TLS = v; return nil }},
	{flag: "mail-from", env: "SOZIALPLATTFORM_MAIL_FROM", def: "Sozialplattform Sachsen-Anhalt <noreply@sozialplattform.example>", help: "Absender der E-Mails",
		set: func(c *config, v string) error { c.MailFrom = v; return nil }},
	{flag: "order-mailbox", env: "SOZIALPLATTFORM_ORDER_MAILBOX", def: "mid-55@mid.sachsen-anhalt.example",
		help: "Postfach des Ministeriums für Bestellbestätigungen des Marktplatzes (z. B. Referat MID-55); leer: keine",
		set:  func(c *config, v string) error { c.OrderMailbox = v; return nil }},
	{flag: "session-idle", env: "SOZIALPLATTFORM_SESSION_IDLE", def: "30m", help: "Sitzung endet nach so langer Untätigkeit",
		set: func(c *config, v string) (err error) { c.SessionIdle, err = time.ParseDuration(v); return }},
	{flag: "session-max", env: "SOZIALPLATTFORM_SESSION_MAX", def: "12h", help: "Sitzung endet spätestens nach dieser Zeit",
		set: func(c *config, v string) (err error) { c.SessionMax, err = time.ParseDuration(v); return }},
	{flag: "mail-interval", env: "SOZIALPLATTFORM_MAIL_INTERVAL", def: "15s", help: "wie oft der Postausgang versendet wird",
		set: func(c *config, v string) (err error) { c.MailInterval, err = time.ParseDuration(v); return }},
	{flag: "data-dir", env: "SOZIALPLATTFORM_DATA_DIR", def: "",
		help: "Ordner für die Dateien der Instanz neben der Datenbank (Entwicklungsschlüssel, Demo-Schlüssel, erzeugtes SAML-Schlüsselpaar); leer: Ordner der SQLite-Datei, auf PostgreSQL ./data",
		set:  func(c *config, v string) error { c.DataDir = v; return nil }},
	{flag: "data-key", env: "SOZIALPLATTFORM_DATA_KEY", def: "",
		help: "Schlüssel für Antragsdaten (AES-256, base64; mehrere mit Komma, der erste verschlüsselt, id:schlüssel benennt); leer: Entwicklungsschlüssel neben der SQLite-Datei – auf PostgreSQL Pflicht (außer --demo)",
		set:  func(c *config, v string) error { c.Apps.DataKey = v; return nil }},
	{flag: "draft-days", env: "SOZIALPLATTFORM_DRAFT_DAYS", def: "30", help: "Tage, die ein Antragsentwurf nach der letzten Änderung bleibt (Voreinstellung je Kommune)",
		set: func(c *config, v string) (err error) { c.Apps.DraftDays, err = parseDays(v); return }},
	{flag: "draft-reminder-days", env: "SOZIALPLATTFORM_DRAFT_REMINDER_DAYS", def: "7", help: "Tage vor dem Löschen eines Entwurfs, an denen erinnert wird",
		set: func(c *config, v string) (err error) { c.Apps.ReminderDays, err = parseDays(v); return }},
	{flag: "max-drafts", env: "SOZIALPLATTFORM_MAX_DRAFTS", def: "20", help: "offene Antragsentwürfe je Servicekonto höchstens (Schutz vor Missbrauch; für Lasttests höher)",
		set: func(c *config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000000 {
				return errors.New("1 bis 1000000 erwartet")
			}
			c.Apps.MaxDrafts = n
			return nil
		}},
	{flag: "retention-days", env: "SOZIALPLATTFORM_RETENTION_DAYS", def: "90", help: "Tage, die ein zugestellter Antrag auf der Plattform bleibt (Voreinstellung je Kommune)",
		set: func(c *config, v string) (err error) { c.Apps.RetentionDays, err = parseDays(v); return }},
	{flag: "saml-idp-metadata", env: "SOZIALPLATTFORM_SAML_IDP_METADATA", def: "", help: "SAML-Metadaten des Identitätsproviders (https-URL oder Datei; http wird abgelehnt); leer: keine Anmeldung per SAML",
		set: func(c *config, v string) error { c.Apps.SAMLMetadata = v; return nil }},
	{flag: "saml-key", env: "SOZIALPLATTFORM_SAML_KEY", def: "", help: "privater Schlüssel des SAML-Service-Providers (PEM-Datei); leer: im Datenordner erzeugt",
		set: func(c *config, v string) error { c.Apps.SAMLKey = v; return nil }},
	{flag: "saml-cert", env: "SOZIALPLATTFORM_SAML_CERT", def: "", help: "Zertifikat des SAML-Service-Providers (PEM-Datei)",
		set: func(c *config, v string) error { c.Apps.SAMLCert = v; return nil }},
	{flag: "saml-allow-unencrypted", env: "SOZIALPLATTFORM_SAML_ALLOW_UNENCRYPTED", def: "false",
		help: "nur für Test-Identitätsprovider: auch unverschlüsselte (nur signierte) SAML-Assertions annehmen",
		set:  func(c *config, v string) (err error) { c.Apps.SAMLAllowUnencrypted, err = parseBool(v); return }},
	{flag: "saml-name", env: "SOZIALPLATTFORM_SAML_NAME", def: "BundID", help: "Name des Identitätsproviders auf der Anmeldeschaltfläche",
		set: func(c *config, v string) error { c.Apps.SAMLName = v; return nil }},
	{flag: "fitconnect-url", env: "SOZIALPLATTFORM_FITCONNECT_URL", def: "", help: "FIT-Connect Submission API (leer: Variante 3 aus, außer im Demobetrieb)",
		set: func(c *config, v string) error { c.FITConnect.BaseURL = v; return nil }},
	{flag: "fitconnect-token-url", env: "SOZIALPLATTFORM_FITCONNECT_TOKEN_URL", def: "", help: "OAuth-2-Token-Endpunkt von FIT-Connect",
		set: func(c *config, v string) error { c.FITConnect.TokenURL = v; return nil }},
	{flag: "fitconnect-client-id", env: "SOZIALPLATTFORM_FITCONNECT_CLIENT_ID", def: "", help: "Client-ID des Senders",
		set: func(c *config, v string) error { c.FITConnect.ClientID = v; return nil }},
	{flag: "fitconnect-client-secret", env: "SOZIALPLATTFORM_FITCONNECT_CLIENT_SECRET", def: "", help: "Client-Secret des Senders (auch …_FILE)",
		set: func(c *config, v string) error { c.FITConnect.ClientSecret = v; return nil }},
	{flag: "fitconnect-scope", env: "SOZIALPLATTFORM_FITCONNECT_SCOPE", def: "", help: "angefragter Scope, z. B. send:region:DE15",
		set: func(c *config, v string) error { c.FITConnect.Scope = v; return nil }},
	{flag: "fitconnect-callback-secret", env: "SOZIALPLATTFORM_FITCONNECT_CALLBACK_SECRET", def: "", help: "Geheimnis der Callback-Signatur (HMAC-SHA512; auch …_FILE)",
		set: func(c *config, v string) error { c.FITConnect.CallbackSecret = v; return nil }},
	{flag: "platform-kennung", env: "SOZIALPLATTFORM_PLATFORM_KENNUNG", def: "", help: "DVDV-Behördenkennung der Plattform (Autor jeder Nachricht: XTA, XSozial-basis, Anbindungstest), von der DVDV-Pflege vergeben; leer: Platzhalter " + defaultPlatformKennung + " (nur ohne externe Zustellung)",
		set: func(c *config, v string) error {
			c.Identity.Kennung, c.Identity.explicit = v, v != ""
			if v == "" {
				c.Identity.Kennung = defaultPlatformKennung
			}
			return nil
		}},
	{flag: "platform-name", env: "SOZIALPLATTFORM_PLATFORM_NAME", def: "Sozialplattform Sachsen-Anhalt", help: "Name der Plattform als Autor der Nachrichten",
		set: func(c *config, v string) error { c.Identity.Name = v; return nil }},
	{flag: "fitconnect-roots", env: "SOZIALPLATTFORM_FITCONNECT_ROOTS", def: "", help: "PEM-Datei mit den Vertrauensankern der Zustellpunkt-Zertifikate (Verwaltungs-PKI); leer: Kette nur in sich geprüft (Testumgebung)",
		set: func(c *config, v string) error { c.FITConnect.RootsFile = v; return nil }},
	{flag: "xta-client-cert", env: "SOZIALPLATTFORM_XTA_CLIENT_CERT", def: "", help: "PEM-Datei des Client-Zertifikats für XTA2 (leer: Variante 1 aus, außer im Demobetrieb)",
		set: func(c *config, v string) error { c.XTA.CertFile = v; return nil }},
	{flag: "xta-client-key", env: "SOZIALPLATTFORM_XTA_CLIENT_KEY", def: "", help: "PEM-Datei des zugehörigen privaten Schlüssels",
		set: func(c *config, v string) error { c.XTA.KeyFile = v; return nil }},
	{flag: "policy-refresh", env: "SOZIALPLATTFORM_POLICY_REFRESH", def: "2s", help: "wie oft Rechteänderungen anderer Instanzen übernommen werden",
		set: func(c *config, v string) (err error) { c.PolicyRefresh, err = time.ParseDuration(v); return }},
	{flag: "counselling-remind-after", env: "SOZIALPLATTFORM_COUNSELLING_REMIND_AFTER", def: "183d", help: "Beratungsstellen erinnern, deren Eintrag so lange nicht bestätigt wurde (z. B. 6mo, 183d)",
		set: func(c *config, v string) (err error) {
			c.Counselling.RemindAfter, err = counselling.ParseAge(v)
			return
		}},
	{flag: "counselling-outdated-after", env: "SOZIALPLATTFORM_COUNSELLING_OUTDATED_AFTER", def: "365d", help: "Einträge so lange ohne Bestätigung als möglicherweise veraltet zeigen",
		set: func(c *config, v string) (err error) {
			c.Counselling.OutdatedAfter, err = counselling.ParseAge(v)
			return
		}},
}

// optionsHelp lists the options for the usage text.
func optionsHelp() string {
	var b strings.Builder
	for _, o := range options {
		fmt.Fprintf(&b, "  --%-16s %-32s %s (Standard: %q)\n", o.flag, o.env, o.help, o.def)
	}
	return b.String()
}

// parseConfig reads flags from args, falling back to the environment and
// then to the defaults. Secrets may also come from <ENV>_FILE.
func parseConfig(name string, args []string, getenv func(string) string, extra func(fs *flag.FlagSet)) (*config, []string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(new(strings.Builder))
	values := map[string]*string{}
	for _, o := range options {
		values[o.flag] = fs.String(o.flag, "", o.help)
	}
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	c := &config{}
	for _, o := range options {
		v, source := o.def, "default"
		if given[o.flag] {
			v, source = *values[o.flag], "--"+o.flag
		} else if ev, ok := lookupEnv(getenv, o.env, o.alsoEnv); ok {
			v, source = ev, o.env
		}
		if err := o.set(c, v); err != nil {
			return nil, nil, fmt.Errorf("%s: %s %q: %w", name, source, v, err)
		}
	}
	if err := c.finish(); err != nil {
		return nil, nil, err
	}
	return c, fs.Args(), nil
}

func lookupEnv(getenv func(string) string, env string, also []string) (string, bool) {
	for _, e := range append([]string{env}, also...) {
		if v := getenv(e); v != "" {
			return v, true
		}
		if path := getenv(e + "_FILE"); path != "" {
			b, err := os.ReadFile(path)
			if err == nil {
				return strings.TrimSpace(string(b)), true
			}
		}
	}
	return "", false
}

// finish derives what follows from the options and checks them.
func (c *config) finish() error {
	if c.DataDir == "" {
		c.DataDir = migrations.DataFolder(c.DB)
	}
	if c.BaseURL == "" {
		if err := c.deriveBaseURL(c.Addr); err != nil {
			return err
		}
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--base-url %q: must be an http or https URL", c.BaseURL)
	}
	c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	switch c.SMTP.TLS {
	case "starttls", "tls", "none":
	default:
		return fmt.Errorf("--smtp-tls %q: must be starttls, tls or none", c.SMTP.TLS)
	}
	c.SMTP.From = c.MailFrom
	if err := c.SMTP.Validate(); err != nil {
		return fmt.Errorf("SMTP settings: %w", err)
	}
	if f := c.FITConnect; f.BaseURL != "" && (f.TokenURL == "" || f.ClientID == "" || f.ClientSecret == "") {
		return fmt.Errorf("--fitconnect-url needs --fitconnect-token-url, --fitconnect-client-id and --fitconnect-client-secret")
	}
	if x := c.XTA; (x.CertFile != "") != (x.KeyFile != "") {
		return fmt.Errorf("XTA2 needs --xta-client-cert and --xta-client-key together")
	}
	if c.Identity.Kennung != defaultPlatformKennung || c.Identity.explicit {
		if err := onboarding.CheckDVDVKennung(c.Identity.Kennung); err != nil {
			return fmt.Errorf("--platform-kennung %q: %w", c.Identity.Kennung, err)
		}
	}
	if c.Counselling.RemindAfter >= c.Counselling.OutdatedAfter {
		return fmt.Errorf("--counselling-remind-after must be shorter than --counselling-outdated-after")
	}
	if c.InstanceID == "" {
		host, _ := os.Hostname()
		c.InstanceID = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	return nil
}

// deriveBaseURL sets the base URL from the address the server listens on.
func (c *config) deriveBaseURL(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", addr, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	c.BaseURL = "http://" + net.JoinHostPort(host, port)
	c.baseURLDerived = true
	return nil
}

// secure reports whether cookies must be Secure (base URL is https).
func (c *config) secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// checkServe refuses settings under which real peers would refuse what the
// platform sends (serve only):
//   - FIT-Connect's schema admits only https callbacks, so with a
//     FIT-Connect endpoint the public address must be https – except for
//     a local test server on loopback, which accepts http;
//   - a real transport (FIT-Connect outside loopback, XTA2) needs the
//     platform's real DVDV identity, not the placeholder.
func (c *config) checkServe() error {
	f := c.FITConnect
	external := (f.BaseURL != "" && !isLoopbackURL(f.BaseURL)) || c.XTA.CertFile != ""
	if f.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "https://") && !isLoopbackURL(f.BaseURL) {
		return fmt.Errorf("FIT-Connect (--fitconnect-url %s) verlangt eine öffentliche https-Adresse für die Callbacks; --base-url ist %s. "+
			"Bitte --base-url https://… setzen (nur ein lokaler Test-Zustelldienst auf 127.0.0.1 geht mit http)", f.BaseURL, c.BaseURL)
	}
	if external && !c.Identity.explicit {
		return fmt.Errorf("mit externer Zustellung (FIT-Connect oder XTA2) braucht die Plattform ihre eigene DVDV-Behördenkennung: " +
			"--platform-kennung (SOZIALPLATTFORM_PLATFORM_KENNUNG) setzen; sie vergibt die DVDV-Pflege")
	}
	return nil
}

// isLoopbackURL reports whether u points at this machine.
func isLoopbackURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	h := p.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

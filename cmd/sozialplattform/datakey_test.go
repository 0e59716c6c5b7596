package main

import (
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeOnPostgreSQLNeedsASharedDataKey: without --data-key, serve on
// PostgreSQL refuses to start – with a message that names the variable and
// how to make a key – instead of making a key file per host that the other
// instances cannot read. Only the demo starts without one. The check runs
// before the database is opened, so it holds on either test database.
func TestServeOnPostgreSQLNeedsASharedDataKey(t *testing.T) {
	t.Parallel()
	pg := "postgres://sozialplattform@127.0.0.1:1/sozialplattform?sslmode=disable"
	env := map[string]string{"SOZIALPLATTFORM_DB": pg, "SOZIALPLATTFORM_LOG_LEVEL": "error"}
	out, err := runCLI(t, env, "", "serve", "--addr", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "SOZIALPLATTFORM_DATA_KEY") || !strings.Contains(err.Error(), "openssl rand -base64 32") {
		t.Fatalf("serve on PostgreSQL without a key: %v\n%s", err, out)
	}
	if strings.Contains(out, "läuft") {
		t.Fatalf("the server started:\n%s", out)
	}

	key := "k1:" + strings.Repeat("QUJD", 10) + "QUI="
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string // "" when the check passes
	}{
		{"key from the environment", nil, map[string]string{"SOZIALPLATTFORM_DATA_KEY": key}, ""},
		{"key from a flag", []string{"--data-key", key}, nil, ""},
		{"demo", []string{"--demo"}, nil, ""},
		{"SAML without the SP key pair", []string{"--data-key", key, "--saml-idp-metadata", "idp.xml"}, nil, "--saml-key"},
		{"SAML with the SP key pair", []string{"--data-key", key, "--saml-idp-metadata", "idp.xml", "--saml-key", "sp.key", "--saml-cert", "sp.crt"}, nil, ""},
		{"SQLite", []string{"--db", filepath.Join(t.TempDir(), "x.sqlite")}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string {
				if v, ok := tt.env[k]; ok {
					return v
				}
				return env[k]
			}
			var demo bool
			cfg, _, err := parseConfig("serve", tt.args, getenv, func(fs *flag.FlagSet) { fs.BoolVar(&demo, "demo", false, "") })
			if err != nil {
				t.Fatal(err)
			}
			cfg.Demo = demo
			err = checkSharedSecrets(cfg)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want one naming %s", err, tt.want)
			}
		})
	}
}

// TestDevelopmentKeyLivesNextToTheSQLiteFile: on SQLite the development key
// is a file beside the database – not in a temporary folder whose cleaning
// would make every application unreadable – and a restart reads what the
// previous run sealed.
func TestDevelopmentKeyLivesNextToTheSQLiteFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"SOZIALPLATTFORM_DB": filepath.Join(dir, "daten.sqlite"), "SOZIALPLATTFORM_LOG_LEVEL": "error"}
	a, err := newApp(context.Background(), mustConfig(t, env), newLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := a.dataKeys.Seal([]byte("Antrag"), []byte("test"))
	a.close()
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "data-key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file next to the database: %v", err)
	}
	b, err := newApp(context.Background(), mustConfig(t, env), newLogger(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	if plain, err := b.dataKeys.Open(sealed, []byte("test")); err != nil || string(plain) != "Antrag" {
		t.Errorf("after a restart: %q, %v", plain, err)
	}
}

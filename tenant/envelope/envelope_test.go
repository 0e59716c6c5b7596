package envelope

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestSealOpenRotate(t *testing.T) {
	oldKey, newKey := NewKey(), NewKey()
	old, err := Parse("alt:" + oldKey)
	if err != nil {
		t.Fatal(err)
	}
	s, err := old.Seal([]byte("Erika Mustermann"), []byte("application:1"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(s.Data, []byte("Erika")) {
		t.Fatal("plaintext visible in ciphertext")
	}
	if got, err := old.Open(s, []byte("application:1")); err != nil || string(got) != "Erika Mustermann" {
		t.Fatalf("open: %q %v", got, err)
	}
	if _, err := old.Open(s, []byte("application:2")); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("moved record opened: %v", err)
	}
	tampered := s
	tampered.Data = append([]byte(nil), s.Data...)
	tampered.Data[len(tampered.Data)-1] ^= 1
	if _, err := old.Open(tampered, []byte("application:1")); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("tampered record opened: %v", err)
	}

	rotated, err := Parse("neu:" + newKey + ",alt:" + oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if rotated.PrimaryID() != "neu" || len(rotated.IDs()) != 2 {
		t.Fatalf("primary %s ids %v", rotated.PrimaryID(), rotated.IDs())
	}
	re, ok, err := rotated.Rewrap(s)
	if err != nil || !ok || re.KeyID != "neu" || !bytes.Equal(re.Data, s.Data) {
		t.Fatalf("rewrap: %v %v %+v", ok, err, re.KeyID)
	}
	if _, ok, _ := rotated.Rewrap(re); ok {
		t.Fatal("rewrap of a record on the primary key did something")
	}
	onlyNew, _ := Parse(newKey)
	re.KeyID = "neu"
	if _, err := onlyNew.Open(re, []byte("application:1")); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("key ID derived from the key must differ from the explicit one: %v", err)
	}
	named, _ := Parse("neu:" + newKey)
	if got, err := named.Open(re, []byte("application:1")); err != nil || string(got) != "Erika Mustermann" {
		t.Fatalf("open after rotation without the old key: %q %v", got, err)
	}
	if _, err := named.Open(s, []byte("application:1")); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("old record without old key: %v", err)
	}
}

func TestParseRejects(t *testing.T) {
	k := NewKey()
	for _, spec := range []string{"", "kurz", "a:" + k + ",a:" + k, "bad id!:" + k, "AAAA"} {
		if _, err := Parse(spec); err == nil {
			t.Errorf("Parse(%q) accepted", spec)
		}
	}
	kr, err := Parse(k + "\n")
	if err != nil || len(kr.PrimaryID()) != 8 {
		t.Fatalf("derived ID: %v %v", kr, err)
	}
}

func TestLoadOrCreateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "data-key")
	a, created, err := LoadOrCreateFile(path)
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", fi.Mode())
	}
	b, created, err := LoadOrCreateFile(path)
	if err != nil || created || b.PrimaryID() != a.PrimaryID() {
		t.Fatalf("reload: %v %v", created, err)
	}
}

func TestDeriveSeparatesPurposesAndKeys(t *testing.T) {
	kr, err := Parse(NewKey())
	if err != nil {
		t.Fatal(err)
	}
	other, err := Parse(NewKey())
	if err != nil {
		t.Fatal(err)
	}
	a, b := kr.Derive("portal cookie"), kr.Derive("portal cookie")
	if len(a) != KeySize || string(a) != string(b) {
		t.Fatalf("Derive is not a stable %d-byte key", KeySize)
	}
	if string(kr.Derive("other purpose")) == string(a) {
		t.Error("two purposes share a key")
	}
	if string(other.Derive("portal cookie")) == string(a) {
		t.Error("two primary keys derive the same key")
	}
}

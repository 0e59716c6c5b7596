package fault_test

import (
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"sozialplattform/tenant/fault"
)

func TestNotFound(t *testing.T) {
	boom := errors.New("connection reset")
	tests := []struct {
		name         string
		err          error
		wantNil      bool
		wantNotFound bool
		wantText     string
	}{
		{"no rows", sql.ErrNoRows, false, true, "tenant x: nicht gefunden"},
		{"wrapped no rows", fmt.Errorf("scan: %w", sql.ErrNoRows), false, true, "tenant x: nicht gefunden"},
		{"other error", boom, false, false, "tenant x: connection reset"},
		{"no error", nil, true, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fault.NotFound(tt.err, "tenant x")
			if (got == nil) != tt.wantNil {
				t.Fatalf("NotFound = %v", got)
			}
			if got == nil {
				return
			}
			if errors.Is(got, fault.ErrNotFound) != tt.wantNotFound || got.Error() != tt.wantText {
				t.Errorf("NotFound = %q (not found: %v), want %q (%v)", got, errors.Is(got, fault.ErrNotFound), tt.wantText, tt.wantNotFound)
			}
			if tt.err == boom && !errors.Is(got, boom) {
				t.Error("the cause is lost")
			}
		})
	}
}

func TestFieldErrors(t *testing.T) {
	var fe fault.FieldErrors
	if fe.Err() != nil {
		t.Fatal("no problems must be no error")
	}
	fe.Add("name", "Höchstens %d Zeichen.", 100)
	fe.AddCode("phone", "phone", nil, "Bitte geben Sie eine Telefonnummer an.")
	fe.AddCode("name", "second", nil, "Zweites Problem.")
	err := fmt.Errorf("create: %w", fe.Err())
	var got fault.FieldErrors
	if !errors.As(err, &got) {
		t.Fatalf("%v is no FieldErrors", err)
	}
	tests := []struct {
		field, message, code string
		ok                   bool
	}{
		{"name", "Höchstens 100 Zeichen.", "", true},
		{"phone", "Bitte geben Sie eine Telefonnummer an.", "phone", true},
		{"email", "", "", false},
	}
	for _, tt := range tests {
		e, ok := got.Get(tt.field)
		if ok != tt.ok || e.Code != tt.code || got.For(tt.field) != tt.message {
			t.Errorf("%s: %+v %v, want code %q message %q", tt.field, e, ok, tt.code, tt.message)
		}
	}
	if want := "name: Höchstens 100 Zeichen.; phone: Bitte geben Sie eine Telefonnummer an.; name: Zweites Problem."; got.Error() != want {
		t.Errorf("Error() = %q, want %q", got.Error(), want)
	}
	one := fault.FieldCode("contactPhone", "phone", map[string]any{"example": "0391 567-0"}, "Telefonnummer?")
	if errors.As(one, &got); len(got) != 1 || got[0].Params["example"] != "0391 567-0" {
		t.Errorf("FieldCode: %+v", got)
	}
}

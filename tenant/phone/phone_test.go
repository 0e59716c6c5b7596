package phone_test

import (
	"strings"
	"testing"

	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/i18n"
	"sozialplattform/tenant/phone"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		// how numbers are written in Germany
		{"0391 567-0", "0391 567-0", true},
		{"03491 479-0", "03491 479-0", true},
		{"(03941) 55 55-12", "(03941) 55 55-12", true},
		{"0391/5670", "0391/5670", true},
		{"+49 391 567-0", "+49 391 567-0", true},
		{"+49 (0)391 567-0", "+49 (0)391 567-0", true},
		{"0391.567.0", "0391.567.0", true},
		{"+4939156700", "+4939156700", true},
		{"  0391   567\t0 ", "0391 567 0", true},
		{"03941 5555-1234", "03941 5555-1234", true}, // with an extension
		// the limits
		{"12345", "12345", true},
		{"1234", "1234", false},
		{strings.Repeat("1", 20), strings.Repeat("1", 20), true},
		{strings.Repeat("1", 21), strings.Repeat("1", 21), false},
		{strings.Repeat("1 ", 20) + "1", strings.Repeat("1 ", 20) + "1", false}, // 41 characters
		// not a number
		{"", "", false},
		{"   ", "", false},
		{"0391 567-0 Durchwahl 12", "0391 567-0 Durchwahl 12", false},
		{"0391 CALL-NOW", "0391 CALL-NOW", false},
		{"49+391 5670", "49+391 5670", false},
		{"++49 391 5670", "++49 391 5670", false},
		{"-0391 5670", "-0391 5670", false},
		{"0391 5670-", "0391 5670-", false},
		{"(0391 5670", "(0391 5670", false},
		{"0391) 5670", "0391) 5670", false},
		{"((0391)) 5670", "((0391)) 5670", false},
		{"() 0391 5670", "() 0391 5670", false},
		{"=0391 5670", "=0391 5670", false},
		{"0391\n5670", "0391 5670", true}, // a line break is white space
		{"٠٣٩١ ٥٦٧٠", "٠٣٩١ ٥٦٧٠", false}, // only ASCII digits
	}
	for _, tt := range tests {
		got, ok := phone.Normalize(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Normalize(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
		if phone.Valid(tt.in) != tt.ok {
			t.Errorf("Valid(%q) = %v", tt.in, !tt.ok)
		}
	}
}

func TestCheck(t *testing.T) {
	// The German text is the catalogue's "field.phone", the same the
	// forms engine shows: one text in one place.
	german, ok := i18n.Default().German().Lookup(i18n.FieldPrefix + phone.Code)
	if !ok || !strings.Contains(german.Value, "0391 567-0") {
		t.Fatalf("field.phone = %q, %v; want the German text with an example number", german.Value, ok)
	}
	tests := []struct {
		in, want string
		problem  bool
	}{
		{"", "", false},
		{"  ", "", false},
		{" 0391  567-0 ", "0391 567-0", false},
		{"kein Anschluss", "kein Anschluss", true},
	}
	for _, tt := range tests {
		var errs fault.FieldErrors
		v := tt.in
		ok := phone.Check(&errs, "contactPhone", &v)
		if v != tt.want || ok == tt.problem || (len(errs) > 0) != tt.problem {
			t.Errorf("Check(%q) = %q, %v, %v", tt.in, v, ok, errs)
		}
		if e, found := errs.Get("contactPhone"); tt.problem && (!found || e.Code != phone.Code || e.Message != german.Value) {
			t.Errorf("Check(%q): problem %+v, want code %q and the catalogue's text %q", tt.in, e, phone.Code, german.Value)
		}
	}
}

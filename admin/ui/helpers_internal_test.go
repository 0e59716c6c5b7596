package ui

import "testing"

func TestSafeNextAcceptsOnlyConsolePaths(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "/admin/"},
		{"/admin/protokoll?objekt=tenant", "/admin/protokoll?objekt=tenant"},
		{"/admin/koerperschaften/abc", "/admin/koerperschaften/abc"},
		{"https://evil.example/admin/", "/admin/"},
		{"//evil.example/admin/", "/admin/"},
		{"/\\evil.example", "/admin/"},
		{"/admin/\\..\\x", "/admin/"},
		{"/api/v1/me", "/admin/"},
		{"/admin/../api/v1/me", "/admin/"},
		{"/admin/konto", "/admin/konto"},
		{"/admin/\r\nSet-Cookie: x", "/admin/"},
		{"javascript:alert(1)", "/admin/"},
	} {
		if got := SafeNext(tc.in); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSentence(t *testing.T) {
	if got := Sentence("zu viele fehlgeschlagene Anmeldeversuche; bitte später erneut versuchen"); got !=
		"Zu viele fehlgeschlagene Anmeldeversuche; bitte später erneut versuchen." {
		t.Errorf("sentence = %q", got)
	}
}

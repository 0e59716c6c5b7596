package forms

import (
	"regexp"
	"strings"
	"testing"

	"sozialplattform/portal/forms/uploadcheck"
)

// TestUploadProblemMessages: every reason uploadcheck can give has a
// message in German and English that uses the same placeholders; other
// languages, where present, use them too.
func TestUploadProblemMessages(t *testing.T) {
	t.Parallel()
	problems := []uploadcheck.Problem{uploadcheck.ProblemType, uploadcheck.ProblemEmptyFile, uploadcheck.ProblemDamaged,
		uploadcheck.ProblemNoPages, uploadcheck.ProblemPassword, uploadcheck.ProblemImage, uploadcheck.ProblemTooLarge}
	placeholders := regexp.MustCompile(`\{\d\}`)
	for _, p := range problems {
		key, ok := uploadProblems[p]
		if !ok {
			t.Errorf("no message for %s", p)
			continue
		}
		de, en := engineText(key)["de"], engineText(key)["en"]
		if de == "" || en == "" {
			t.Errorf("%s: German %q, English %q", key, de, en)
		}
		want := strings.Join(placeholders.FindAllString(de, -1), "")
		for lang, text := range engineText(key) {
			if got := strings.Join(placeholders.FindAllString(text, -1), ""); got != want {
				t.Errorf("%s/%s uses %q, German %q", key, lang, got, want)
			}
		}
	}
	if got := message("en", msgUploadPixels, 48, 40); got != "The image is too large (48 megapixels, at most 40). Please reduce it or take the photo at a lower resolution." {
		t.Errorf("pixels message: %q", got)
	}
	if got := message("fr", msgUploadNoPages); !strings.HasPrefix(got, "Diese PDF-Datei enthält keine Seite") {
		t.Errorf("a language without the message falls back to German: %q", got)
	}
}

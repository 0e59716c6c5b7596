package tenant

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// MinPasswordLen and MaxPasswordLen bound acceptable passwords; the upper
// bound keeps hashing cheap to refuse and matches what any manager produces.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 256
)

// minOwnChars is how many characters of a password must remain once the
// words of its context (the platform's name, the person's address and
// name) are taken out: "Sozialplattform2026" keeps four and is refused.
const minOwnChars = 8

// minDistinctChars: a password of fewer different characters
// ("aaaaaaaaaaaa", "121212121212") is refused whatever its length.
const minDistinctChars = 5

// ErrPasswordGuessable marks a password that is long enough but easy to
// guess: on the list of common passwords, repetitive, sequential or made
// of context words. Surfaces test for it with errors.Is to pick their
// own (translated) text.
var ErrPasswordGuessable = errors.New("password is easy to guess")

// passwordError carries the German explanation shown next to the field.
type passwordError struct {
	msg       string
	guessable bool
}

func (e *passwordError) Error() string { return e.msg }

func (e *passwordError) Is(target error) bool { return e.guessable && target == ErrPasswordGuessable }

// Explanations of a refused password.
const (
	msgPasswordCommon = "Dieses Passwort ist zu leicht zu erraten: Es steht (fast gleich) auf der Liste der am häufigsten " +
		"benutzten Passwörter. Ein Satz aus mehreren Wörtern ist leicht zu merken und schwer zu erraten."
	msgPasswordPattern = "Dieses Passwort ist zu leicht zu erraten: Es wiederholt wenige Zeichen oder folgt einer Reihe wie " +
		"„abcd…“, „1234…“ oder „qwertz…“."
	msgPasswordContext = "Dieses Passwort ist zu leicht zu erraten: Es besteht fast nur aus dem Namen der Plattform, " +
		"Ihrem Namen oder Ihrer E-Mail-Adresse."
)

// platformWords are context words of every password on this platform.
var platformWords = []string{"sozialplattform", "plattform", "sachsen-anhalt", "sachsenanhalt", "sachsen", "anhalt",
	"servicekonto", "konsole"}

// CheckPasswordStrength explains what is wrong with a new password
// (NIST SP 800-63B §5.1.1.2): too short or too long, only blanks, on the
// list of common and breached passwords (also with digits or punctuation
// around it, in l33t spelling or repeated), repetitive or sequential, or
// made mostly of its context – the platform's name and what context names:
// the person's e-mail address, name, the tenant's name. Every place that
// sets a password calls it with the context it knows.
func CheckPasswordStrength(pw string, context ...string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		return &passwordError{msg: fmt.Sprintf("Das Passwort muss mindestens %d Zeichen lang sein.", MinPasswordLen)}
	case n > MaxPasswordLen:
		return &passwordError{msg: fmt.Sprintf("Das Passwort darf höchstens %d Zeichen lang sein.", MaxPasswordLen)}
	case strings.TrimSpace(pw) == "":
		return &passwordError{msg: "Das Passwort darf nicht nur aus Leerzeichen bestehen."}
	}
	lower := strings.ToLower(pw)
	if isCommonPassword(lower) {
		return &passwordError{msg: msgPasswordCommon, guessable: true}
	}
	if isPatterned(lower) {
		return &passwordError{msg: msgPasswordPattern, guessable: true}
	}
	rest := withoutContext(lower, contextWords(context))
	if utf8.RuneCountInString(rest) < minOwnChars || isCommonPassword(rest) || isPatterned(rest) {
		return &passwordError{msg: msgPasswordContext, guessable: true}
	}
	return nil
}

//go:embed commonpasswords.txt
var commonPasswordsFile string

// commonPasswords is the parsed list, built on first use and never changed.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 600)
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsFile))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[strings.ToLower(line)] = struct{}{}
	}
	return set
})

// isCommonPassword looks up the normal forms of a lower-cased password.
func isCommonPassword(lower string) bool {
	list := commonPasswords()
	for _, f := range passwordForms(lower) {
		if _, ok := list[f]; ok {
			return true
		}
	}
	return false
}

// passwordForms are the spellings a guesser derives from one stem: the
// password itself, without separators, with digits and punctuation cut
// off at both ends ("2026passwort!!"), with l33t undone ("p@ssw0rt"), and
// a repeated part once ("passwortpasswort", "schalke04schalke04").
func passwordForms(lower string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, base := range []string{lower, unleet(lower, 'i'), unleet(lower, 'l')} {
		compact := alnumOnly(base)
		for _, s := range []string{base, compact, letterCore(base), alnumOnly(letterCore(base)),
			repeatUnit(compact), letterCore(repeatUnit(compact))} {
			add(s)
		}
	}
	for _, s := range []string{letterCore(lower), repeatUnit(alnumOnly(letterCore(lower)))} {
		add(unleet(s, 'i'))
		add(unleet(s, 'l'))
	}
	return out
}

// unleet undoes the usual digit and symbol swaps; one stands for i or l.
func unleet(s string, one rune) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '@', '4':
			return 'a'
		case '3':
			return 'e'
		case '1', '!', '|':
			return one
		case '0':
			return 'o'
		case '$', '5':
			return 's'
		case '7', '+':
			return 't'
		case '8':
			return 'b'
		}
		return r
	}, s)
}

// alnumOnly drops everything but letters and digits.
func alnumOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// letterCore cuts digits, punctuation and blanks off both ends.
func letterCore(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
}

// repeatUnit returns the shortest part that s repeats (at least twice), or
// s itself.
func repeatUnit(s string) string {
	rs := []rune(s)
	for size := 1; size <= len(rs)/2; size++ {
		if len(rs)%size != 0 {
			continue
		}
		if strings.Repeat(string(rs[:size]), len(rs)/size) == s {
			return string(rs[:size])
		}
	}
	return s
}

// keyboardRows are walks a guesser tries (German and English layouts).
var keyboardRows = []string{"1234567890ß", "qwertzuiopü", "asdfghjklöä", "yxcvbnm", "qwertyuiop", "asdfghjkl", "zxcvbnm"}

// isPatterned reports a password of few different characters, a run of
// one step through the alphabet or the digits ("abcdef…", "9876…",
// "123456789012"), or a walk along a keyboard row.
func isPatterned(lower string) bool {
	compact := []rune(alnumOnly(lower))
	distinct := map[rune]bool{}
	for _, r := range lower {
		distinct[r] = true
	}
	if len(distinct) < minDistinctChars {
		return true
	}
	if len(compact) < 4 {
		return false
	}
	step := func(a, b rune) int {
		if unicode.IsDigit(a) && unicode.IsDigit(b) {
			return (int(b-a) + 10) % 10 // 9 → 0 continues 1234567890
		}
		return int(b - a)
	}
	first := step(compact[0], compact[1])
	sequential := first == 1 || first == -1 || first == 9
	for i := 2; sequential && i < len(compact); i++ {
		sequential = step(compact[i-1], compact[i]) == first
	}
	if sequential {
		return true
	}
	s := string(compact)
	for _, row := range keyboardRows {
		rev := []rune(row)
		slices.Reverse(rev)
		if len(compact) >= 6 && (strings.Contains(row+row, s) || strings.Contains(string(rev)+string(rev), s)) {
			return true
		}
	}
	return false
}

// contextWords splits the context (addresses, names) into the words a
// person builds passwords from: "jana.mueller@kreis-harz.de" gives
// "jana.mueller", "janamueller", "jana", "mueller", "kreis-harz",
// "kreisharz", "kreis", "harz". Words under four letters are ignored.
func contextWords(context []string) []string {
	words := slices.Clone(platformWords)
	add := func(w string) {
		if utf8.RuneCountInString(w) >= 4 {
			words = append(words, w)
		}
	}
	for _, c := range context {
		c = strings.ToLower(strings.TrimSpace(c))
		local, domain, isMail := strings.Cut(c, "@")
		parts := []string{c}
		if isMail {
			parts = []string{local}
			labels := strings.Split(domain, ".")
			if len(labels) > 1 {
				labels = labels[:len(labels)-1] // not the top-level domain
			}
			parts = append(parts, labels...)
		}
		for _, p := range parts {
			add(p)
			add(alnumOnly(p))
			for _, w := range strings.FieldsFunc(p, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
				add(w)
			}
		}
	}
	// Longest first, so that "sachsen-anhalt" goes before "sachsen".
	slices.SortFunc(words, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	return slices.Compact(words)
}

// withoutContext removes every context word and then every character that
// is neither letter nor digit: what remains is the password's own part.
func withoutContext(lower string, words []string) string {
	for _, w := range words {
		lower = strings.ReplaceAll(lower, w, "")
	}
	return alnumOnly(lower)
}

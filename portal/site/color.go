package site

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// MinContrast is the contrast a primary colour needs against white: WCAG
// 2.1 AA for normal text (1.4.3), which KERN's colour rules follow, since
// the portal sets white text on it and uses it for links on white.
const MinContrast = 4.5

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// ParseColor checks a colour written as #rrggbb and returns it in lower
// case.
func ParseColor(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !hexColor.MatchString(s) {
		return "", fmt.Errorf("bitte als #rrggbb angeben, z. B. #00456e")
	}
	return strings.ToLower(s), nil
}

// ContrastWithWhite returns the WCAG contrast ratio of a #rrggbb colour
// against white (1 to 21).
func ContrastWithWhite(color string) float64 {
	l := luminance(color)
	return 1.05 / (l + 0.05)
}

// luminance is the WCAG relative luminance of a #rrggbb colour.
func luminance(color string) float64 {
	channel := func(hex string) float64 {
		v, _ := strconv.ParseUint(hex, 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	c := strings.TrimPrefix(color, "#")
	if len(c) != 6 {
		return 1
	}
	return 0.2126*channel(c[0:2]) + 0.7152*channel(c[2:4]) + 0.0722*channel(c[4:6])
}

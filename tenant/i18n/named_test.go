package i18n

import "testing"

// TestNamedPlaceholders: {name}s are replaced in one pass; a value is
// never read as a placeholder again.
func TestNamedPlaceholders(t *testing.T) {
	t.Parallel()
	c := &Catalogue{lang: Languages[0], msgs: map[string]string{
		"k": "Ihr Einkommen von {income} liegt über {limit}; {income} zählt.",
		"u": "Offen: {unknown} und {",
	}}
	tests := []struct {
		key    string
		values map[string]string
		want   string
	}{
		{"k", map[string]string{"income": "1.200 €", "limit": "563 €"}, "Ihr Einkommen von 1.200 € liegt über 563 €; 1.200 € zählt."},
		{"k", nil, "Ihr Einkommen von {income} liegt über {limit}; {income} zählt."},
		{"u", map[string]string{"income": "1 €"}, "Offen: {unknown} und {"},
		{"k", map[string]string{"income": "{limit}"}, "Ihr Einkommen von {limit} liegt über {limit}; {limit} zählt."},
	}
	for _, tt := range tests {
		if got := c.Named(tt.key, tt.values); got != tt.want {
			t.Errorf("Named(%s, %v) = %q, want %q", tt.key, tt.values, got, tt.want)
		}
	}
}

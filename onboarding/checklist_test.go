package onboarding_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
)

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.Black)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegBytes(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 2, 2)), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const pdf = "%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n"

func TestAttachmentsAreCheckedByContent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "user:1", Label: "harz@example.org"})
	c := f.open(t, f.harz.ID, "hzl")[0]
	other := f.open(t, f.witt.ID, "hzl")[0]
	items, err := f.store.Checklist(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	contract := items[0]
	if contract.TemplateID != "alle-vertrag" {
		t.Fatalf("first item %q", contract.Title)
	}
	big := bytes.Repeat([]byte("%PDF-1.4\n"), onboarding.DefaultMaxAttachmentBytes/9+1)
	for _, tt := range []struct {
		name, filename string
		data           []byte
		wantType       string
		wantName       string
		wantErr        string
	}{
		{"PDF", "Sub-Nachnutzungsvertrag unterschrieben.pdf", []byte(pdf), "application/pdf", "Sub-Nachnutzungsvertrag unterschrieben.pdf", ""},
		{"PNG named .pdf", "scan.pdf", pngBytes(t), "image/png", "scan.pdf.png", ""},
		{"JPEG", `C:\Scans\foto.JPEG`, jpegBytes(t), "image/jpeg", "foto.JPEG", ""},
		{"path and control characters", "../../etc/\x00vertrag.pdf", []byte(pdf), "application/pdf", "vertrag.pdf", ""},
		{"text with .pdf name", "vertrag.pdf", []byte("Das ist kein PDF."), "", "", "text/plain"},
		{"HTML", "x.pdf", []byte("<html><script>alert(1)</script></html>"), "", "", "text/html"},
		{"Windows program", "setup.pdf", append([]byte("MZ"), make([]byte, 100)...), "", "", "application/"},
		{"empty", "leer.pdf", nil, "", "", "leer"},
		{"too large", "gross.pdf", big, "", "", "größer als 5 MB."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, err := f.store.AddAttachment(ctx, c.ID, contract.ID, tt.filename, tt.data)
			if tt.wantErr != "" {
				var fe tenant.FieldErrors
				if !errors.As(err, &fe) || !strings.Contains(fe.For("file"), tt.wantErr) {
					t.Fatalf("err = %v, want a field error about %q", err, tt.wantErr)
				}
				if tt.name == "too large" && !errors.Is(err, onboarding.ErrAttachmentTooLarge) {
					t.Errorf("too large is not ErrAttachmentTooLarge: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.ContentType != tt.wantType || a.Filename != tt.wantName || a.UploadedBy != "harz@example.org" || len(a.SHA256) != 64 {
				t.Errorf("attachment %+v", a)
			}
			back, err := f.store.Attachment(ctx, c.ID, a.ID)
			if err != nil || !bytes.Equal(back.Data, tt.data) {
				t.Errorf("read back: %v", err)
			}
			// Another tenant's case never reaches it.
			if _, err := f.store.Attachment(ctx, other.ID, a.ID); !errors.Is(err, tenant.ErrNotFound) {
				t.Errorf("attachment through another case: %v", err)
			}
		})
	}
	// An item of another case cannot take attachments through this case.
	otherItems, _ := f.store.Checklist(ctx, other.ID)
	if _, err := f.store.AddAttachment(ctx, c.ID, otherItems[0].ID, "x.pdf", []byte(pdf)); !errors.Is(err, tenant.ErrNotFound) {
		t.Errorf("foreign item: %v", err)
	}
	items, _ = f.store.Checklist(ctx, c.ID)
	if len(items[0].Attachments) != 4 {
		t.Errorf("%d attachments listed", len(items[0].Attachments))
	}
	if err := f.store.DeleteAttachment(ctx, other.ID, items[0].Attachments[0].ID); !errors.Is(err, tenant.ErrNotFound) {
		t.Errorf("delete through another case: %v", err)
	}
	if err := f.store.DeleteAttachment(ctx, c.ID, items[0].Attachments[0].ID); err != nil {
		t.Fatal(err)
	}

	// Done and comment record who and when.
	done, comment := true, "Vertrag am 02.03. unterzeichnet."
	it, err := f.store.SetItem(ctx, c.ID, contract.ID, onboarding.ItemPatch{Done: &done, Comment: &comment})
	if err != nil {
		t.Fatal(err)
	}
	if !it.Done || it.DoneBy != "harz@example.org" || it.DoneAt == nil || it.Comment != comment || len(it.Attachments) != 3 {
		t.Errorf("item %+v", it)
	}
	if _, err := f.store.SetItem(ctx, c.ID, contract.ID, onboarding.ItemPatch{Comment: &comment, Version: 1}); !errors.Is(err, onboarding.ErrCaseChanged) {
		t.Errorf("stale item edit: %v", err)
	}
	if _, err := f.store.SetItem(ctx, other.ID, contract.ID, onboarding.ItemPatch{Done: &done}); !errors.Is(err, tenant.ErrNotFound) {
		t.Errorf("item through another case: %v", err)
	}
	long := strings.Repeat("x", onboarding.MaxCommentLen+1)
	if _, err := f.store.SetItem(ctx, c.ID, contract.ID, onboarding.ItemPatch{Comment: &long}); err == nil {
		t.Error("overlong comment accepted")
	}
}

func TestTemplatesFollowIntoOpenCases(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if err := f.store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	witt := f.caseOf(t, f.witt.ID, "hzl") // preparation running
	harz := f.caseOf(t, f.harz.ID, "hzl") // live
	count := func(caseID, templateID string) int {
		items, err := f.store.Checklist(ctx, caseID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, it := range items {
			if it.TemplateID == templateID {
				n++
			}
		}
		return n
	}
	in := onboarding.TemplateInput{Variant: onboarding.VariantNone, Phase: onboarding.PhasePreparation, Title: "Datenschutz-Folgenabschätzung geprüft", Position: 35, Active: true}
	if _, err := f.store.PutTemplate(ctx, "alle-dsfa", 0, in); err != nil {
		t.Fatal(err)
	}
	if count(witt.ID, "alle-dsfa") != 1 || count(harz.ID, "alle-dsfa") != 0 {
		t.Errorf("new template: Wittenberg %d, Harz (completed) %d", count(witt.ID, "alle-dsfa"), count(harz.ID, "alle-dsfa"))
	}
	// Renaming updates open items; deactivating removes untouched ones.
	in.Title = "DSFA geprüft"
	if _, err := f.store.PutTemplate(ctx, "alle-dsfa", 1, in); err != nil {
		t.Fatal(err)
	}
	items, _ := f.store.Checklist(ctx, witt.ID)
	found := false
	for _, it := range items {
		found = found || it.Title == "DSFA geprüft"
	}
	if !found {
		t.Error("renamed template did not reach the open item")
	}
	in.Active = false
	if _, err := f.store.PutTemplate(ctx, "alle-dsfa", 2, in); err != nil {
		t.Fatal(err)
	}
	if count(witt.ID, "alle-dsfa") != 0 {
		t.Error("deactivated template still on the open case")
	}
	if _, err := f.store.PutTemplate(ctx, "alle-dsfa", 2, in); !errors.Is(err, tenant.ErrStaleVersion) {
		t.Errorf("stale template: %v", err)
	}
	var fe tenant.FieldErrors
	if _, err := f.store.PutTemplate(ctx, "neu", 0, onboarding.TemplateInput{Variant: 7, Phase: "irgendwann"}); !errors.As(err, &fe) ||
		fe.For("variant") == "" || fe.For("phase") == "" || fe.For("title") == "" {
		t.Errorf("invalid template: %v", err)
	}
	all, _ := f.store.ListTemplates(ctx, true)
	active, _ := f.store.ListTemplates(ctx, false)
	if len(all) != len(active)+1 {
		t.Errorf("%d templates, %d active", len(all), len(active))
	}
}

// TestSizeText: limits read in one unit in the console's hint, the API's
// description and the refusal (finding m29: "bis 5,0 MB" beside "größer
// als 5 MiB").
func TestSizeText(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		n    int64
		want string
	}{
		{5 << 20, "5 MB"},
		{3 << 19, "1,5 MB"},
		{512 << 10, "512 KB"},
		{100, "100 Byte"},
	} {
		if got := onboarding.SizeText(tt.n); got != tt.want {
			t.Errorf("SizeText(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

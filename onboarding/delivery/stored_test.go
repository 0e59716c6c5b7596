package delivery_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"sozialplattform/onboarding/delivery"
)

// A payload kept by reference: the outbox stores the IDs and digests of the
// documents the applications side wrote, and the worker delivers exactly
// those bytes – or refuses, when they are gone or differ from what was
// enqueued.
func TestPayloadByReference(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// stored changes what the applications side returns (nil: as
		// enqueued); noReader leaves SetStored unset.
		stored    func(m map[string][]byte)
		noReader  bool
		wantInRow bool // the payload row holds the contents themselves
		status    string
		lastError string
	}{
		{name: "delivered from the stored documents", status: delivery.StatusSent},
		{name: "without a reader the payload is inline", noReader: true, wantInRow: true, status: delivery.StatusSent},
		{name: "a changed document is not delivered", stored: func(m map[string][]byte) { m["pdf-1"] = []byte("%PDF-1.4 anders") },
			status: delivery.StatusFailed, lastError: "weichen von den eingereichten ab"},
		{name: "a changed attachment is not delivered", stored: func(m map[string][]byte) { m["att-1"] = append(m["att-1"], ' ') },
			status: delivery.StatusFailed, lastError: "weichen von den eingereichten ab"},
		{name: "a purged document is not delivered", stored: func(m map[string][]byte) { delete(m, "xml-1") },
			status: delivery.StatusFailed, lastError: "nicht mehr gespeichert"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOptions{})
			d := doc(wittenbergID, streckeMailbox)
			d.XMLID, d.PDFID, d.Attachments[0].ID = "xml-1", "pdf-1", "att-1"
			d.PDF = append(d.PDF, bytes.Repeat([]byte(" "), 8<<10)...) // larger than any manifest
			kept := map[string][]byte{"xml-1": d.XML, "pdf-1": d.PDF, "att-1": d.Attachments[0].Data}
			var asked []string
			if !c.noReader {
				e.svc.SetStored(func(_ context.Context, ids []string) (map[string][]byte, error) {
					asked = append(asked, ids...)
					out := map[string][]byte{}
					for k, v := range kept {
						out[k] = bytes.Clone(v)
					}
					if c.stored != nil {
						c.stored(out)
					}
					return out, nil
				})
			}
			ids := e.enqueue(d)
			var size int
			if err := e.db.Read.NewRaw("SELECT length(data) FROM delivery_payloads WHERE delivery_id = ?", ids[0]).Scan(context.Background(), &size); err != nil {
				t.Fatal(err)
			}
			if inRow := size > len(d.PDF); inRow != c.wantInRow {
				t.Fatalf("payload of %d bytes for a PDF of %d bytes: contents in the row = %v, want %v", size, len(d.PDF), inRow, c.wantInRow)
			}
			e.run(e.svc)
			got := e.get(ids[0])
			if got.Status != c.status || !strings.Contains(got.LastError, c.lastError) {
				t.Fatalf("status %s (%q), want %s (%q)", got.Status, got.LastError, c.status, c.lastError)
			}
			if !c.noReader && strings.Join(asked, ",") != "xml-1,pdf-1,att-1" {
				t.Fatalf("asked for %v", asked)
			}
			if c.status != delivery.StatusSent {
				return
			}
			ctx := context.Background()
			msgs, err := e.svc.ListMailbox(ctx, wittenbergID, delivery.MailboxFilter{Status: "new"})
			if err != nil || len(msgs) != 1 {
				t.Fatalf("mailbox %+v, %v", msgs, err)
			}
			for _, f := range []struct {
				kind  string
				index int
				want  []byte
			}{{delivery.FileXML, 0, d.XML}, {delivery.FilePDF, 0, d.PDF}, {delivery.FileAttachment, 0, d.Attachments[0].Data}} {
				file, err := e.svc.MailboxFile(ctx, msgs[0].ID, f.kind, f.index, all)
				if err != nil || !bytes.Equal(file.Data, f.want) {
					t.Fatalf("%s differs from what was enqueued (%v)", f.kind, err)
				}
			}
		})
	}
}

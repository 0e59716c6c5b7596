package marketplace_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"sozialplattform/marketplace"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name; -update rewrites the file.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test ./marketplace -run %s -update after a deliberate change):\n%s", path, t.Name(), got)
	}
}

// TestOrdersCSVForExcel pins the export: BOM, semicolons, CRLF, German
// numbers, one line per product, formulas defused.
func TestOrdersCSVForExcel(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	if err := w.market.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	// A priced order of an authority with an awkward name.
	name := "=HYPERLINK(\"x\");Gemeinde \"Süd\""
	if _, err := w.tenants.UpdateTenant(ctx, w.wittenberg.ID, 0, tenantPatchName(name)); err != nil {
		t.Fatal(err)
	}
	p, err := w.market.CreateProduct(as("ministerium@test.example"), marketplace.ProductInput{Number: "SW30001", Name: "Fachverfahrens-Schnittstelle; XTA2",
		ServiceType: "AM4.0", Topic: "Arbeit und Ruhestand", Published: true,
		Prices: []marketplace.Price{{ValidFrom: "2025-01-01", AmountCents: 123456}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.market.SetCartItem(as("wittenberg@test.example"), w.wittenberg.ID, p.ID, 3); err != nil {
		t.Fatal(err)
	}
	o, err := w.market.PlaceOrder(as("wittenberg@test.example"), w.wittenberg.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.market.ChangeOrderState(as("ministerium@test.example"), o.ID, marketplace.OrderCancelled, "Test", 0); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := w.market.ExportOrdersCSV(ctx, &buf, marketplace.OrderFilter{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "orders.csv", buf.Bytes())

	buf.Reset()
	if err := w.market.ExportOrdersCSV(ctx, &buf, marketplace.OrderFilter{State: marketplace.OrderCompleted}); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(buf.Bytes(), []byte("\r\n")); n != 4 {
		t.Errorf("completed orders: %d lines, want header and Harz's three products:\n%s", n, buf.Bytes())
	}
}

package marketplace

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// csvHeader are the export's columns.
var csvHeader = []string{"Bestellnummer", "Datum", "Behörde", "AGS", "Produktnr.", "Beschreibung", "Menge", "Preis", "Summe", "Status"}

// WriteOrdersCSV writes orders as a CSV file for Excel: UTF-8 with byte
// order mark, semicolons, CRLF line ends, German decimal commas and one
// line per ordered product.
func (s *Store) WriteOrdersCSV(w io.Writer, orders []Order) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	for _, o := range orders {
		for _, it := range o.Items {
			rec := []string{
				strconv.FormatInt(o.Number, 10),
				o.OrderedAt.In(s.loc).Format("02.01.2006 15:04"),
				cell(o.AuthorityName),
				o.OfficialKey,
				cell(it.ProductNumber),
				cell(it.Name),
				strconv.Itoa(it.Quantity),
				it.UnitPriceCents.Number(),
				it.LineTotalCents.Number(),
				o.State.Label(),
			}
			if err := cw.Write(rec); err != nil {
				return fmt.Errorf("write CSV: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

// ExportOrdersCSV writes the orders the filter selects as CSV.
func (s *Store) ExportOrdersCSV(ctx context.Context, w io.Writer, f OrderFilter) error {
	if f.Limit == 0 {
		f.Limit = 5000
	}
	orders, err := s.ListOrders(ctx, f)
	if err != nil {
		return err
	}
	return s.WriteOrdersCSV(w, orders)
}

// cell keeps a text that a spreadsheet would take for a formula ("=…",
// "+…", "-…", "@…") as text.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

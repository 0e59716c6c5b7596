package marketplace

import (
	"context"
	"io"
	"strconv"

	"sozialplattform/tenant/csvexport"
)

// csvHeader are the export's columns.
var csvHeader = []string{"Bestellnummer", "Datum", "Behörde", "Amtlicher Schlüssel", "Produktnr.", "Beschreibung", "Menge", "Preis", "Summe", "Status"}

// WriteOrdersCSV writes orders as a CSV file for Excel (tenant/csvexport:
// byte order mark, semicolons, formula-safe cells) with German decimal
// commas and one line per ordered product.
func (s *Store) WriteOrdersCSV(w io.Writer, orders []Order) error {
	cw := csvexport.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, o := range orders {
		for _, it := range o.Items {
			rec := []string{
				strconv.FormatInt(o.Number, 10),
				o.OrderedAt.In(s.loc).Format("02.01.2006 15:04"),
				o.AuthorityName,
				o.OfficialKey,
				it.ProductNumber,
				it.Name,
				strconv.Itoa(it.Quantity),
				it.UnitPriceCents.Number(),
				it.LineTotalCents.Number(),
				o.State.Label(),
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	return cw.Close()
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

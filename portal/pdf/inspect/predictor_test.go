package inspect

import (
	"bytes"
	"testing"
)

// predict applies PNG filter typ to rows of width row (bpp 1), as an
// encoder would.
func predict(rows [][]byte, typ byte) []byte {
	var out []byte
	prev := make([]byte, len(rows[0]))
	for _, r := range rows {
		out = append(out, typ)
		for i, c := range r {
			var left, upLeft byte
			if i > 0 {
				left, upLeft = r[i-1], prev[i-1]
			}
			up := prev[i]
			switch typ {
			case 0:
				out = append(out, c)
			case 1:
				out = append(out, c-left)
			case 2:
				out = append(out, c-up)
			case 3:
				out = append(out, c-byte((int(left)+int(up))/2))
			case 4:
				out = append(out, c-paeth(left, up, upLeft))
			}
		}
		prev = r
	}
	return out
}

func TestUnpredict(t *testing.T) {
	rows := [][]byte{{1, 0, 0, 17, 0, 3}, {1, 0, 0, 200, 0, 4}, {2, 0, 7, 0, 255, 0}, {1, 0, 1, 0, 0, 1}}
	want := bytes.Join(rows, nil)
	for typ := byte(0); typ <= 4; typ++ {
		got, err := unpredict(predict(rows, typ), dict{name("Predictor"): int64(12), name("Columns"): int64(6)})
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("PNG filter %d: %v %v, want %v", typ, got, err, want)
		}
	}
	for name_, data := range map[string][]byte{"cut short": predict(rows, 2)[:10], "unknown filter": append([]byte{9}, make([]byte, 6)...)} {
		if _, err := unpredict(data, dict{name("Predictor"): int64(12), name("Columns"): int64(6)}); err == nil {
			t.Errorf("%s: no error", name_)
		}
	}
}

package pdf

import (
	"bytes"
	"encoding/binary"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestPDFAMarkers checks, structurally, what PDF/A-2b asks of the file:
// there is no validator here, so these are the rules written as tests.
func TestPDFAMarkers(t *testing.T) {
	t.Parallel()
	out := render(t, sample(60))
	p := readPDF(t, out)

	t.Run("header and binary comment", func(t *testing.T) {
		if !bytes.HasPrefix(out, []byte("%PDF-1.7\n%")) {
			t.Fatalf("header %q", out[:10])
		}
		for _, c := range out[10:14] {
			if c < 128 {
				t.Errorf("second line %q: four bytes above 127 expected", out[9:15])
			}
		}
	})
	t.Run("trailer has an ID and no encryption", func(t *testing.T) {
		if !regexp.MustCompile(`/ID \[<[0-9A-F]{32}> <[0-9A-F]{32}>\]`).MatchString(p.trailer) {
			t.Errorf("no /ID of two 16-byte strings in %q", p.trailer)
		}
		if bytes.Contains(out, []byte("/Encrypt")) {
			t.Error("encrypted")
		}
	})
	catalog := p.dict(ref(t, p.trailer, "/Root"))
	t.Run("catalog", func(t *testing.T) {
		for _, want := range []string{"/Type /Catalog", "/Lang (de-DE)", "/S /GTS_PDFA1", "/OutputConditionIdentifier (sRGB IEC61966-2.1)"} {
			if !strings.Contains(catalog, want) {
				t.Errorf("catalog lacks %s: %s", want, catalog)
			}
		}
	})
	t.Run("output intent with the ICC profile of the declared length", func(t *testing.T) {
		obj := ref(t, catalog, "/DestOutputProfile")
		if d := p.dict(obj); !strings.Contains(d, "/N 3") {
			t.Errorf("profile stream %s lacks /N 3", d)
		}
		icc := p.decoded(t, obj) // checks /Length against the stored bytes
		if size := binary.BigEndian.Uint32(icc); int(size) != len(icc) {
			t.Errorf("profile header says %d bytes, stream holds %d", size, len(icc))
		}
		if string(icc[36:40]) != "acsp" || string(icc[12:20]) != "mntrRGB " {
			t.Errorf("not an RGB display profile: %q", icc[12:40])
		}
	})
	t.Run("XMP identifies PDF/A-2b and repeats the Info dictionary", func(t *testing.T) {
		obj := ref(t, catalog, "/Metadata")
		if d := p.dict(obj); !strings.Contains(d, "/Type /Metadata /Subtype /XML") || strings.Contains(d, "/Filter") {
			t.Errorf("metadata stream dictionary %s", d)
		}
		xmp := string(p.stream(t, obj))
		info := p.dict(ref(t, p.trailer, "/Info"))
		for _, pair := range [][2]string{
			{"<pdfaid:part>2</pdfaid:part>", ""},
			{"<pdfaid:conformance>B</pdfaid:conformance>", ""},
			{`<rdf:li xml:lang="x-default">Antrag auf Hilfe zum Lebensunterhalt</rdf:li></rdf:Alt></dc:title>`, "/Title (Antrag auf Hilfe zum Lebensunterhalt)"},
			{"<dc:creator><rdf:Seq><rdf:li>Sozialplattform Sachsen-Anhalt</rdf:li>", "/Author (Sozialplattform Sachsen-Anhalt)"},
			{"<rdf:li xml:lang=\"x-default\">Landkreis Harz SP-2026-000123</rdf:li></rdf:Alt></dc:description>", "/Subject (Landkreis Harz SP-2026-000123)"},
			{"<xmp:CreatorTool>Sozialplattform Sachsen-Anhalt</xmp:CreatorTool>", "/Creator (Sozialplattform Sachsen-Anhalt)"},
			{"<pdf:Producer>" + producer + "</pdf:Producer>", "/Producer (" + producer + ")"},
			{"<xmp:CreateDate>2026-03-02T10:15:00+00:00</xmp:CreateDate>", "/CreationDate (D:20260302101500+00'00')"},
			{"<xmp:ModifyDate>2026-03-02T10:15:00+00:00</xmp:ModifyDate>", "/ModDate (D:20260302101500+00'00')"},
		} {
			if !strings.Contains(xmp, pair[0]) {
				t.Errorf("XMP lacks %s", pair[0])
			}
			if !strings.Contains(info, pair[1]) {
				t.Errorf("Info lacks %s: %s", pair[1], info)
			}
		}
		if !strings.HasPrefix(xmp, "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>") || !strings.HasSuffix(xmp, `<?xpacket end="w"?>`) {
			t.Errorf("XMP packet wrapper wrong:\n%s", xmp)
		}
	})
	t.Run("font embedded as a subset with widths and ToUnicode", func(t *testing.T) {
		font := p.dict(fontObj)
		cid := p.dict(ref(t, strings.Replace(font, "[", "[ ", 1), "/DescendantFonts \\["))
		desc := p.dict(ref(t, cid, "/FontDescriptor"))
		for _, c := range []struct{ dict, want string }{
			{font, "/Subtype /Type0"}, {font, "/Encoding /Identity-H"}, {font, "/ToUnicode"},
			{cid, "/Subtype /CIDFontType2"}, {cid, "/CIDToGIDMap /Identity"}, {cid, "/W ["},
			{cid, "/Registry (Adobe) /Ordering (Identity)"}, {desc, "/FontFile2"},
		} {
			if !strings.Contains(c.dict, c.want) {
				t.Errorf("%s lacks %s", c.dict, c.want)
			}
		}
		if !regexp.MustCompile(`/FontName /[A-Z]{6}\+DejaVuSans `).MatchString(desc) {
			t.Errorf("subset font name without tag: %s", desc)
		}
		file := ref(t, desc, "/FontFile2")
		ttf := p.decoded(t, file)
		if !strings.Contains(p.dict(file), "/Length1 "+itoa(len(ttf))+" ") {
			t.Errorf("/Length1 does not match %d bytes: %s", len(ttf), p.dict(file))
		}
		if _, err := parseFont(ttf); err != nil {
			t.Errorf("embedded font does not parse: %v", err)
		}
		cmap := string(p.decoded(t, ref(t, font, "/ToUnicode")))
		f := mustFont(t)
		for r, want := range map[rune]string{'ü': "00FC", 'Ю': "042E", 'ş': "015F", 0xFEE3: "FEE3", '€': "20AC"} {
			entry := "<" + hex16(f.glyph(r)) + "> <" + want + ">"
			if !strings.Contains(cmap, entry) {
				t.Errorf("ToUnicode lacks %s for %q", entry, r)
			}
			width := regexp.MustCompile(`(?:^|\s)` + itoa(int(f.glyph(r))) + ` \[(\d+)`).FindStringSubmatch(cid)
			if width != nil && width[1] != itoa(f.width[f.glyph(r)]) {
				t.Errorf("/W gives %q width %s, the font %d", r, width[1], f.width[f.glyph(r)])
			}
		}
	})
	t.Run("qpdf --check", func(t *testing.T) {
		if _, err := exec.LookPath("qpdf"); err != nil {
			t.Skip("qpdf not installed (CI installs it with .ci/poppler-install)")
		}
		path := t.TempDir() + "/a.pdf"
		writeFile(t, path, out)
		if msg, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
			t.Errorf("qpdf --check: %v\n%s", err, msg)
		}
	})
}

// TestMetadataDates: Info and XMP state the same instant with the same
// zone offset, which PDF/A requires.
func TestMetadataDates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		zone      *time.Location
		info, xmp string
	}{
		{time.UTC, "D:20260302101500+00'00'", "2026-03-02T10:15:00+00:00"},
		{time.FixedZone("CET", 3600), "D:20260302111500+01'00'", "2026-03-02T11:15:00+01:00"},
		{time.FixedZone("NST", -(3*3600 + 1800)), "D:20260302064500-03'30'", "2026-03-02T06:45:00-03:30"},
	} {
		at := time.Date(2026, 3, 2, 10, 15, 0, 0, time.UTC).In(tc.zone)
		if got := string(appendPDFDate(nil, at)); got != tc.info {
			t.Errorf("PDF date %s, want %s", got, tc.info)
		}
		if got := string(appendXMPDate(nil, at)); got != tc.xmp {
			t.Errorf("XMP date %s, want %s", got, tc.xmp)
		}
	}
}

func TestMetadataText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, info, xmp string }{
		{"Antrag (HzL)", `(Antrag \(HzL\))`, "Antrag (HzL)"},
		{`a\b`, `(a\\b)`, `a\b`},
		{"Größe & <Art>", "<FEFF0047007200F600DF0065002000260020003C004100720074003E>", "Größe &amp; &lt;Art&gt;"},
		{"Zeile\neins\x00", "(Zeile eins)", "Zeile eins"},
		{"😀", "<FEFFD83DDE00>", "😀"},
	} {
		s := clean(tc.in)
		if got := string(appendTextString(nil, s)); got != tc.info {
			t.Errorf("Info text of %q = %s, want %s", tc.in, got, tc.info)
		}
		if got := string(appendXMLText(nil, s)); got != tc.xmp {
			t.Errorf("XMP text of %q = %s, want %s", tc.in, got, tc.xmp)
		}
	}
}

// TestSRGBProfile reads the profile's header and tag table as an ICC
// reader would.
func TestSRGBProfile(t *testing.T) {
	t.Parallel()
	p := srgbProfile()
	be := binary.BigEndian
	if int(be.Uint32(p)) != len(p) || len(p) > 4096 {
		t.Fatalf("size field %d, profile %d bytes", be.Uint32(p), len(p))
	}
	if v := be.Uint32(p[8:]); v != 0x02100000 {
		t.Errorf("version %#x, want 2.1", v)
	}
	if string(p[12:24]) != "mntrRGB XYZ " || string(p[36:40]) != "acsp" {
		t.Errorf("header %q", p[12:40])
	}
	d50 := [3]uint32{0xF6D6, 0x10000, 0xD32D}
	for i, want := range d50 {
		if got := be.Uint32(p[68+4*i:]); got != want {
			t.Errorf("PCS illuminant[%d] = %#x, want %#x", i, got, want)
		}
	}
	tags := map[string][]byte{}
	n := int(be.Uint32(p[128:]))
	for i := range n {
		e := p[132+12*i:]
		off, size := be.Uint32(e[4:]), be.Uint32(e[8:])
		if off%4 != 0 || int(off+size) > len(p) {
			t.Errorf("tag %q at %d+%d", e[:4], off, size)
			continue
		}
		tags[string(e[:4])] = p[off : off+size]
	}
	types := map[string]string{"desc": "desc", "cprt": "text", "wtpt": "XYZ ", "rXYZ": "XYZ ", "gXYZ": "XYZ ", "bXYZ": "XYZ ", "rTRC": "curv", "gTRC": "curv", "bTRC": "curv"}
	for sig, typ := range types {
		if data := tags[sig]; len(data) < 12 || string(data[:4]) != typ {
			t.Errorf("tag %s missing or not of type %q", sig, typ)
		}
	}
	if !bytes.Contains(tags["desc"], []byte(iccDescription+"\x00")) {
		t.Error("description does not name sRGB")
	}
	// the colorants add up to the D50 white of the connection space
	for i := range 3 {
		sum := 0
		for _, c := range []string{"rXYZ", "gXYZ", "bXYZ"} {
			sum += int(int32(be.Uint32(tags[c][8+4*i:])))
		}
		if diff := sum - int(d50[i]); diff < -2 || diff > 2 {
			t.Errorf("colorants sum to %#x in component %d, D50 is %#x", sum, i, d50[i])
		}
	}
	curve := tags["rTRC"]
	points := int(be.Uint32(curve[8:]))
	prev := -1
	for i := range points {
		v := int(be.Uint16(curve[12+2*i:]))
		if v < prev {
			t.Fatalf("tone curve falls at point %d", i)
		}
		prev = v
	}
	if be.Uint16(curve[12:]) != 0 || prev != 65535 {
		t.Errorf("tone curve runs from %d to %d", be.Uint16(curve[12:]), prev)
	}
	// sRGB 50 % is 21.4 % linear light
	if mid := float64(be.Uint16(curve[12+2*(points/2):])) / 65535; mid < 0.21 || mid > 0.22 {
		t.Errorf("tone curve at 50 %% = %.3f, want 0.214", mid)
	}
}

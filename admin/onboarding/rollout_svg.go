package onboarding

import (
	"fmt"
	"strconv"

	"sozialplattform/onboarding"
)

// The dashboard's two graphics are SVG drawn on the server: no script,
// a <title> and <desc> for screen readers, every shape with its own
// <title>, colour always next to text, and the numbers again in a table
// beside each graphic. Colours are presentation attributes (the style
// sheet policy forbids inline styles); text is #131525 on light fills
// (contrast above 12:1).

// stageFill is the fill of a district by its furthest stage.
func stageFill(st onboarding.Stage) string {
	switch st {
	case onboarding.StageLive:
		return "#a7dbb0"
	case onboarding.StageTests, onboarding.StageProduction:
		return "#b9d3f2"
	case onboarding.StagePreparation, onboarding.StageOrdered:
		return "#fde7a9"
	}
	return "#f3f4f7"
}

// stageText is the word a tile shows for its colour.
func stageText(st onboarding.Stage) string {
	switch st {
	case onboarding.StageLive:
		return "live"
	case onboarding.StageTests, onboarding.StageProduction:
		return "in Tests"
	case onboarding.StagePreparation, onboarding.StageOrdered:
		return "in Vorbereitung"
	}
	return "keine Bestellung"
}

// legendEntry is a swatch of a legend.
type legendEntry struct{ Fill, Label string }

// mapLegend lists the tile colours with their words.
func mapLegend() []legendEntry {
	return []legendEntry{
		{stageFill(""), "keine Bestellung"},
		{stageFill(onboarding.StagePreparation), "bestellt, in Vorbereitung"},
		{stageFill(onboarding.StageTests), "in Anbindungstests oder Produktivtest"},
		{stageFill(onboarding.StageLive), "mindestens eine Antragsstrecke live"},
	}
}

// tilePlace is where a district sits in the grid, roughly as on the map of
// Sachsen-Anhalt (north at the top), with the name that fits on a tile.
type tilePlace struct {
	col, row int
	short    string
}

// districtPlaces maps the Kreisschlüssel to the grid.
func districtPlaces() map[string]tilePlace {
	return map[string]tilePlace{
		"15081": {0, 0, "Salzwedel"}, "15090": {1, 0, "Stendal"},
		"15083": {0, 1, "Börde"}, "15003": {1, 1, "Magdeburg"}, "15086": {2, 1, "Jerichower Land"},
		"15085": {0, 2, "Harz"}, "15089": {1, 2, "Salzlandkreis"}, "15001": {2, 2, "Dessau-Roßlau"}, "15091": {3, 2, "Wittenberg"},
		"15087": {0, 3, "Mansfeld-Südharz"}, "15088": {1, 3, "Saalekreis"}, "15082": {2, 3, "Anhalt-Bitterfeld"},
		"15084": {1, 4, "Burgenlandkreis"}, "15002": {2, 4, "Halle (Saale)"},
	}
}

// mapTile is a district drawn on the map.
type mapTile struct {
	onboarding.DistrictTile
	X, Y, W, H   int
	TextX, TextY int
	Short, Word  string
	Fill         string
	Title        string
	// Failed counts the applications whose delivery failed or was
	// rejected, in the district and its Gemeinden: a live district may
	// still not receive anything.
	Failed int
	// LiveFailing counts the live cases of the district and its Gemeinden
	// whose deliveries failed in the last 7 days (finding m16).
	LiveFailing int
}

// districtMap is the tile grid of the districts.
type districtMap struct {
	Width, Height int
	Tiles         []mapTile
	Legend        []legendSwatch
	Desc          string
}

// legendSwatch is a legend entry placed below the tiles.
type legendSwatch struct {
	legendEntry
	X, Y, TextX, TextY int
}

const (
	tileW, tileH, tileGap = 152, 78, 8
)

func newDistrictMap(ds []onboarding.DistrictTile) districtMap {
	places := districtPlaces()
	m := districtMap{}
	extraCol, extraRow := 0, 5
	counts := map[onboarding.Stage]int{}
	for _, d := range ds {
		p, ok := places[d.OfficialKey]
		if !ok { // a district outside the known layout: a row below
			p = tilePlace{col: extraCol, row: extraRow, short: d.Name}
			if extraCol++; extraCol == 4 {
				extraCol, extraRow = 0, extraRow+1
			}
		}
		t := mapTile{DistrictTile: d, X: tileGap + p.col*(tileW+tileGap), Y: tileGap + p.row*(tileH+tileGap), W: tileW, H: tileH,
			Short: p.short, Word: stageText(d.Stage), Fill: stageFill(d.Stage)}
		t.TextX, t.TextY = t.X+10, t.Y+22
		t.Title = fmt.Sprintf("%s: %s – %d bestellt, %d in Tests, %d live", d.Name, stageText(d.Stage), d.Counts.Ordered, d.Counts.InTests, d.Counts.Live)
		m.Tiles = append(m.Tiles, t)
		if t.X+t.W+tileGap > m.Width {
			m.Width = t.X + t.W + tileGap
		}
		if t.Y+t.H+tileGap > m.Height {
			m.Height = t.Y + t.H + tileGap
		}
		counts[d.Stage]++
	}
	y := m.Height + 4
	for i, e := range mapLegend() {
		sy := y + i*22
		m.Legend = append(m.Legend, legendSwatch{legendEntry: e, X: tileGap, Y: sy, TextX: tileGap + 24, TextY: sy + 13})
	}
	m.Height = y + len(m.Legend)*22 + 4
	m.Desc = fmt.Sprintf("%d Kreise und kreisfreie Städte: %d mit einer live geschalteten Antragsstrecke, %d in Tests, %d in Vorbereitung, %d ohne Bestellung. Die Tabelle daneben enthält dieselben Zahlen.",
		len(ds), counts[onboarding.StageLive], counts[onboarding.StageTests]+counts[onboarding.StageProduction],
		counts[onboarding.StagePreparation]+counts[onboarding.StageOrdered], counts[""])
	return m
}

// chartBar is a month of the go-live chart.
type chartBar struct {
	onboarding.MonthCount
	X, Y, W, H int
	Label      bool // the month is labelled on the axis
	LabelX     int
	Short      string
	Title      string
}

// goLiveChart is the bar chart of go-lives per month with the running
// total as a line.
type goLiveChart struct {
	Width, Height      int
	Left, Top, Bottom  int
	PlotW, PlotH       int
	Bars               []chartBar
	Line               string // polyline points of the running total
	MaxCount, MaxTotal int
	Ticks              []chartTick
	Desc               string
	Empty              bool
	BaseY, RightX      int
	TotalLabelY        int
	TotalLabelX        int
	CountLabel         string
	TotalLabel         string
}

// chartTick is a value on the left (count) axis.
type chartTick struct {
	Y     int
	Label string
}

func newGoLiveChart(months []onboarding.MonthCount) goLiveChart {
	c := goLiveChart{Width: 720, Height: 260, Left: 48, Top: 20, Bottom: 48, Empty: len(months) == 0,
		CountLabel: "Livegänge im Monat (Balken)", TotalLabel: "insgesamt (Linie)"}
	c.PlotW, c.PlotH = c.Width-c.Left-56, c.Height-c.Top-c.Bottom
	c.BaseY, c.RightX = c.Top+c.PlotH, c.Left+c.PlotW
	if c.Empty {
		c.Desc = "Noch keine Antragsstrecke ist live."
		return c
	}
	for _, m := range months {
		c.MaxCount = max(c.MaxCount, m.Count)
		c.MaxTotal = max(c.MaxTotal, m.Cumulative)
	}
	c.MaxCount = max(c.MaxCount, 1)
	c.MaxTotal = max(c.MaxTotal, 1)
	// Bars and line share one scale, the running total's (finding m17: a
	// hidden second scale drew a total of 3 at the height of 1.5), with
	// whole-number ticks.
	step := tickStep(c.MaxTotal)
	top := (c.MaxTotal + step - 1) / step * step
	slot := c.PlotW / len(months)
	barW := max(slot*2/3, 2)
	every := max(1, (len(months)+11)/12) // at most about 12 labels
	points := ""
	best := months[0]
	for i, m := range months {
		h := m.Count * c.PlotH / top
		b := chartBar{MonthCount: m, X: c.Left + i*slot + (slot-barW)/2, W: barW, H: h, Y: c.BaseY - h,
			Label: i%every == 0 || i == len(months)-1, LabelX: c.Left + i*slot + slot/2,
			Short: m.Month[5:7] + "/" + m.Month[2:4],
			Title: fmt.Sprintf("%s: %d Livegänge, insgesamt %d", m.Label, m.Count, m.Cumulative)}
		c.Bars = append(c.Bars, b)
		y := c.BaseY - m.Cumulative*c.PlotH/top
		points += strconv.Itoa(b.LabelX) + "," + strconv.Itoa(y) + " "
		if m.Count > best.Count {
			best = m
		}
	}
	c.Line = points
	for v := 0; v <= top; v += step {
		c.Ticks = append(c.Ticks, chartTick{Y: c.BaseY - v*c.PlotH/top, Label: strconv.Itoa(v)})
	}
	c.TotalLabelX, c.TotalLabelY = c.RightX+6, c.BaseY-months[len(months)-1].Cumulative*c.PlotH/top+4
	last := months[len(months)-1]
	c.Desc = fmt.Sprintf("Von %s bis %s gingen insgesamt %d Antragsstrecken live, die meisten im %s (%d).",
		months[0].Label, last.Label, last.Cumulative, best.Label, best.Count)
	return c
}

// tickStep is the distance of the axis ticks for values up to maxV: 1, 2,
// 5, 10, 20, 50 … so that there are at most five steps.
func tickStep(maxV int) int {
	for base := 1; ; base *= 10 {
		for _, f := range []int{1, 2, 5} {
			if maxV <= 5*f*base {
				return f * base
			}
		}
	}
}

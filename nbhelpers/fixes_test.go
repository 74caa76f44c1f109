package nbhelpers_test

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/nbhelpers"
)

// Regression tests for layout, window, axis-name and colour bugs reported by notebook authors.

// header is the part of an ECharts option that places the title block, the legend, the toolbox
// and the plot grids.
type header struct {
	Title struct {
		Text      string         `json:"text"`
		Subtext   string         `json:"subtext"`
		Top       string         `json:"top"`
		TextStyle map[string]any `json:"textStyle"`
		SubStyle  map[string]any `json:"subtextStyle"`
	} `json:"title"`
	Legend  map[string]any   `json:"legend"`
	Toolbox map[string]any   `json:"toolbox"`
	Grid    []map[string]any `json:"grid"`
}

// num reads a pixel value that go-echarts may have written as a string or a number.
func num(t *testing.T, what string, v any) float64 {
	t.Helper()
	switch x := v.(type) {
	case float64:
		return x
	case string:
		f, err := strconv.ParseFloat(x, 64)
		if err != nil {
			t.Fatalf("%s = %q is not a pixel value", what, x)
		}
		return f
	}
	t.Fatalf("%s = %v (%T) is not a pixel value", what, v, v)
	return 0
}

// headerBottom is where the title block ends (px from the top), from the option's own
// numbers: ECharts pads the title component by 5 px and puts 10 px (itemGap) between the
// title and the subtitle; each text takes lines × lineHeight. The option must declare both
// line heights, or the layout depends on the renderer's defaults.
func headerBottom(t *testing.T, h header) float64 {
	t.Helper()
	tl, ok1 := h.Title.TextStyle["lineHeight"].(float64)
	sl, ok2 := h.Title.SubStyle["lineHeight"].(float64)
	if !ok1 || !ok2 || tl <= 0 || sl <= 0 {
		t.Fatalf("title/subtitle line heights not declared: textStyle %v, subtextStyle %v", h.Title.TextStyle, h.Title.SubStyle)
	}
	if fs, ok := h.Title.TextStyle["fontSize"].(float64); !ok || fs > tl {
		t.Errorf("title font size %v exceeds its line height %v", h.Title.TextStyle["fontSize"], tl)
	}
	if fs, ok := h.Title.SubStyle["fontSize"].(float64); !ok || fs > sl {
		t.Errorf("subtitle font size %v exceeds its line height %v", h.Title.SubStyle["fontSize"], sl)
	}
	y := num(t, "title.top", h.Title.Top) + 5
	if h.Title.Text != "" {
		y += tl * float64(1+strings.Count(h.Title.Text, "\n"))
	}
	if h.Title.Subtext != "" {
		y += 10 + sl*float64(1+strings.Count(h.Title.Subtext, "\n"))
	}
	return y
}

// checkHeader asserts that title, subtitle, legend, toolbox and the first grid do not overlap,
// that the subtitle starts with the caller's lines, each on its own line, and that it holds
// every note.
func checkHeader(t *testing.T, c *nbhelpers.Chart, caller []string, notes ...string) {
	t.Helper()
	var h header
	if err := json.Unmarshal([]byte(c.Option), &h); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(h.Title.Subtext, "\n")
	for i, s := range caller {
		if i >= len(lines) || lines[i] != s {
			t.Errorf("%s: subtitle %q: line %d is not the caller's %q", c.Name, h.Title.Subtext, i, s)
		}
	}
	for _, s := range notes {
		if !strings.Contains(h.Title.Subtext, s) {
			t.Errorf("%s: subtitle %q lacks %q", c.Name, h.Title.Subtext, s)
		}
	}
	bottom := headerBottom(t, h)
	gridTop := num(t, "grid[0].top", h.Grid[0]["top"])
	if h.Legend["show"] == true {
		lt := num(t, "legend.top", h.Legend["top"])
		if lt < bottom {
			t.Errorf("%s: legend at %v px overlaps the title block ending at %v px", c.Name, lt, bottom)
		}
		// A one-row legend is 14 px of text plus 5 px padding above and below.
		if gridTop < lt+24 {
			t.Errorf("%s: grid at %v px overlaps the legend at %v px", c.Name, gridTop, lt)
		}
	} else if gridTop < bottom {
		t.Errorf("%s: grid at %v px overlaps the title block ending at %v px", c.Name, gridTop, bottom)
	}
	// The toolbox must not sit on the title's row, where long titles run under it.
	if h.Toolbox["show"] == true {
		if tt := num(t, "toolbox.top", h.Toolbox["top"]); tt < bottom {
			t.Errorf("%s: toolbox at %v px is inside the title block (ends at %v px)", c.Name, tt, bottom)
		}
	}
}

func TestSubtitleNotesDoNotOverlap(t *testing.T) {
	tr, spikes := lifTraces(2, 1000) // 10000 samples per trace: decimated
	callerLines := []string{"caller line one", "caller line two"}
	sub := strings.Join(callerLines, "\n")
	lay := nbhelpers.Layout{Title: "A title that is long enough to reach the toolbox on a narrow chart", Subtitle: sub}
	m, err := nbhelpers.MembraneChart("m", tr, nbhelpers.MembraneOptions{Layout: lay, SpikeTimesMS: spikes})
	if err != nil {
		t.Fatal(err)
	}
	checkHeader(t, m, callerLines, "min/max decimated", "spikes marked")
	l, err := nbhelpers.LinkedTracesChart("l", []nbhelpers.Panel{{YName: "V", Traces: tr}, {YName: "V again", Traces: tr}},
		nbhelpers.LinkedOptions{Layout: lay})
	if err != nil {
		t.Fatal(err)
	}
	checkHeader(t, l, callerLines, "min/max decimated")
	a, err := nbhelpers.AdaptationChart("a", nbhelpers.AdaptationData{TimeMS: tr.TimeMS, V: tr.Values, W: tr.Values, Labels: tr.Labels},
		nbhelpers.LinkedOptions{Layout: nbhelpers.Layout{Title: "two-line\ntitle"}})
	if err != nil {
		t.Fatal(err)
	}
	checkHeader(t, a, nil, "min/max decimated")
	mat, err := nbhelpers.MatrixFromEdges(3, 3, []int32{0, 1}, []int32{1, 2}, []float64{1, -1})
	if err != nil {
		t.Fatal(err)
	}
	hm, err := nbhelpers.ConnectivityChart("hm", mat, nbhelpers.HeatmapOptions{Layout: lay})
	if err != nil {
		t.Fatal(err)
	}
	checkHeader(t, hm, callerLines, "3×3 matrix")
	pops := poissonPops(50, 10, 5, 10, 500, 9)
	r, err := nbhelpers.RasterChart("r", pops, nbhelpers.RasterOptions{Layout: nbhelpers.Layout{Title: "raster"}})
	if err != nil {
		t.Fatal(err)
	}
	checkHeader(t, r, nil, "spikes from 60 neurons")
	fi, err := nbhelpers.FICurveChart("fi", []nbhelpers.FICurve{{CurrentPA: []float64{0, 1}, RateHz: []float64{0, 1}}}, nbhelpers.Layout{})
	if err != nil {
		t.Fatal(err)
	}
	checkHeader(t, fi, nil)
}

// TestLinkedPanelsFitTheirHeight: the last panel's x axis name sits between the panel and the
// zoom slider, whatever the number of panels or the caller's height.
func TestLinkedPanelsFitTheirHeight(t *testing.T) {
	tr, _ := lifTraces(1, 100)
	for _, tc := range []struct {
		panels int
		height string
	}{{1, ""}, {3, ""}, {4, ""}, {2, "500px"}, {4, "700px"}} {
		panels := make([]nbhelpers.Panel, tc.panels)
		for i := range panels {
			panels[i] = nbhelpers.Panel{YName: "V", Traces: tr}
		}
		c, err := nbhelpers.LinkedTracesChart("fit", panels, nbhelpers.LinkedOptions{Layout: nbhelpers.Layout{Height: tc.height}})
		if err != nil {
			t.Fatal(err)
		}
		var h header
		if err := json.Unmarshal([]byte(c.Option), &h); err != nil {
			t.Fatal(err)
		}
		height := num(t, "height", strings.TrimSuffix(c.Height, "px"))
		if tc.height != "" && c.Height != tc.height {
			t.Errorf("%d panels: height %q, want the caller's %q", tc.panels, c.Height, tc.height)
		}
		prevBottom := 0.0
		for i, g := range h.Grid {
			top, gh := num(t, "grid.top", g["top"]), num(t, "grid.height", g["height"])
			if gh < 40 {
				t.Errorf("%d panels in %s: panel %d is %v px high", tc.panels, c.Height, i, gh)
			}
			// Each panel's x tick labels take ~20 px under it.
			if i > 0 && top < prevBottom+20 {
				t.Errorf("%d panels: panel %d at %v px overlaps panel %d ending at %v px", tc.panels, i, top, i-1, prevBottom)
			}
			prevBottom = top + gh
		}
		// Below the last panel: tick labels (20 px) and the axis name (centred 26 px below the
		// axis, ~14 px high) must end above the slider, which occupies the last 26 px.
		if room := height - 26 - prevBottom; room < 26+7+4 {
			t.Errorf("%d panels in %s: %v px between the last panel and the slider", tc.panels, c.Height, room)
		}
	}
}

func TestPSTHDefaultWindowIsWholeBins(t *testing.T) {
	for _, tc := range []struct {
		name   string
		times  []float64
		o      nbhelpers.PSTHOptions
		starts float64 // first bin's left edge
		bins   int
	}{
		// The last spike 0.001 ms past a bin edge used to get a bin 0.001 ms wide: 10⁶ Hz.
		{"after edge", []float64{1, 2, 10.001}, nbhelpers.PSTHOptions{BinMS: 5}, 0, 3},
		{"on edge", []float64{1, 2, 10}, nbhelpers.PSTHOptions{BinMS: 5}, 0, 3},
		{"single spike at 0", []float64{0}, nbhelpers.PSTHOptions{BinMS: 5}, 0, 1},
		{"negative times", []float64{-7, 3}, nbhelpers.PSTHOptions{BinMS: 5}, -10, 3},
		{"start only", []float64{101, 102, 130.5}, nbhelpers.PSTHOptions{BinMS: 10, StartMS: 100}, 100, 4},
	} {
		s := nbhelpers.Spikes{N: 2, TimesMS: tc.times, IDs: make([]int32, len(tc.times))}
		c, err := nbhelpers.PSTHChart("psth", []nbhelpers.Spikes{s}, tc.o)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		o := decode(t, c)
		pts := points(t, o.Series[0].Data)
		if len(pts) != tc.bins {
			t.Errorf("%s: %d bins, want %d: %v", tc.name, len(pts), tc.bins, pts)
			continue
		}
		sum := 0.0
		for b, p := range pts {
			if want := tc.starts + (float64(b)+0.5)*tc.o.BinMS; math.Abs(p[0]-want) > 1e-9 {
				t.Errorf("%s: bin %d centred at %v, want %v (full-width bins)", tc.name, b, p[0], want)
			}
			// At most every spike in one bin: len/(N·bin) Hz.
			if limit := float64(len(tc.times)) / (2 * tc.o.BinMS / 1000); p[1] > limit+1e-9 {
				t.Errorf("%s: bin %d rate %v Hz > %v Hz (all spikes in one full bin)", tc.name, b, p[1], limit)
			}
			sum += p[1] * 2 * tc.o.BinMS / 1000 // rate · N · width = count
		}
		if math.Abs(sum-float64(len(tc.times))) > 1e-9 {
			t.Errorf("%s: rates sum back to %v spikes, want %d", tc.name, sum, len(tc.times))
		}
	}
}

func TestPopulationRateBinCountIsRobustToRounding(t *testing.T) {
	s := nbhelpers.Spikes{N: 1, TimesMS: []float64{0.05, 0.15, 0.25}, IDs: []int32{0, 0, 0}}
	// At run time 0.1+0.2 = 0.30000000000000004 and 0.30000000000000004/0.1 =
	// 3.0000000000000004: three bins, not a fourth of width 0 (rate 0/0).
	a, b := 0.1, 0.2
	c, r, err := nbhelpers.PopulationRate(s, 0, a+b, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(c) != 3 {
		t.Fatalf("%d bins, want 3: centres %v, rates %v", len(c), c, r)
	}
	for b, v := range r {
		if math.Abs(v-1e4) > 1e-6 { // one spike per 0.1 ms bin, N = 1: 10⁴ Hz
			t.Errorf("bin %d: %v Hz, want 10⁴", b, v)
		}
	}
}

func TestLinkedColoursRunOverAllSeries(t *testing.T) {
	one := func(label string) nbhelpers.Traces {
		return nbhelpers.Traces{TimeMS: []float64{0, 1, 2}, Values: [][]float64{{0, 1, 0}}, Labels: []string{label}}
	}
	c, err := nbhelpers.LinkedTracesChart("rates", []nbhelpers.Panel{
		{YName: "SR (Hz)", Traces: one("SR")}, {YName: "SI (Hz)", Traces: one("SI")},
		{YName: "AI (Hz)", Traces: one("AI")}, {YName: "SI slow (Hz)", Traces: one("SI slow")},
	}, nbhelpers.LinkedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, s := range seriesColours(t, c) {
		if prev, ok := seen[s[1]]; ok {
			t.Errorf("series %q and %q share colour %s", prev, s[0], s[1])
		}
		seen[s[1]] = s[0]
	}
	// The same label in several panels (one neuron's V, w and θ) keeps one colour, so its one
	// legend entry shows the right colour.
	tr, _ := lifTraces(2, 50)
	a, err := nbhelpers.AdaptationChart("a", nbhelpers.AdaptationData{TimeMS: tr.TimeMS, V: tr.Values, W: tr.Values, Theta: tr.Values, Labels: tr.Labels}, nbhelpers.LinkedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	byLabel := map[string]string{}
	for _, s := range seriesColours(t, a) {
		if prev, ok := byLabel[s[0]]; ok && prev != s[1] {
			t.Errorf("%q drawn in %s and %s", s[0], prev, s[1])
		}
		byLabel[s[0]] = s[1]
	}
	if len(byLabel) != 2 || byLabel[tr.Labels[0]] == byLabel[tr.Labels[1]] {
		t.Errorf("two neurons, colours %v", byLabel)
	}
}

// seriesColours returns [name, colour] of every series.
func seriesColours(t *testing.T, c *nbhelpers.Chart) [][2]string {
	t.Helper()
	var o struct {
		Series []struct {
			Name  string `json:"name"`
			Color string `json:"color"`
		} `json:"series"`
	}
	if err := json.Unmarshal([]byte(c.Option), &o); err != nil {
		t.Fatal(err)
	}
	out := make([][2]string, len(o.Series))
	for i, s := range o.Series {
		if s.Color == "" {
			t.Errorf("series %q has no colour", s.Name)
		}
		out[i] = [2]string{s.Name, s.Color}
	}
	return out
}

// TestLinkedXAxesShareOneWindow: panels with different time ranges still line up (one time is
// at one horizontal position in every panel), because the zoom is linked by percentage.
func TestLinkedXAxesShareOneWindow(t *testing.T) {
	a := nbhelpers.Traces{TimeMS: []float64{0, 500, 1000}, Values: [][]float64{{0, 1, 0}}}
	b := nbhelpers.Traces{TimeMS: []float64{200, 700, 2200}, Values: [][]float64{{0, 1, 0}}}
	c, err := nbhelpers.LinkedTracesChart("win", []nbhelpers.Panel{{Traces: a}, {Traces: b}}, nbhelpers.LinkedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	o := decode(t, c)
	lo, hi := o.XAxis[0]["min"], o.XAxis[0]["max"]
	if lo == nil || hi == nil {
		t.Fatalf("x axis 0 has no fixed window: min %v max %v", lo, hi)
	}
	for i, ax := range o.XAxis {
		if ax["min"] != lo || ax["max"] != hi {
			t.Errorf("x axis %d spans [%v, %v], axis 0 [%v, %v]", i, ax["min"], ax["max"], lo, hi)
		}
	}
	if l, h := lo.(float64), hi.(float64); l > 0 || h < 2200 || h > 2500 {
		t.Errorf("window [%v, %v] does not cover [0, 2200] tightly", l, h)
	}
}

func TestFICurveAxisNames(t *testing.T) {
	curves := []nbhelpers.FICurve{{Label: "pyramidal", CurrentPA: []float64{0, 1, 2}, RateHz: []float64{0, 0, 12}}}
	for _, tc := range []struct {
		lay          nbhelpers.Layout
		wantX, wantY string
	}{
		{nbhelpers.Layout{}, "I (pA)", "rate (Hz)"}, // defaults unchanged
		{nbhelpers.Layout{XName: "I / rheobase"}, "I / rheobase", "rate (Hz)"},
		{nbhelpers.Layout{XName: "I (nA)", YName: "rate (spikes/s)"}, "I (nA)", "rate (spikes/s)"},
	} {
		c, err := nbhelpers.FICurveChart("fi", curves, tc.lay)
		if err != nil {
			t.Fatal(err)
		}
		o := decode(t, c)
		if o.XAxis[0]["name"] != tc.wantX || o.YAxis[0]["name"] != tc.wantY {
			t.Errorf("Layout %+v: axes %q / %q, want %q / %q", tc.lay, o.XAxis[0]["name"], o.YAxis[0]["name"], tc.wantX, tc.wantY)
		}
	}
}

// TestLayoutAxisNamesReachEveryBuilder: Layout.XName/YName rename the axes of every builder;
// a builder's own XName/YName option wins over them.
func TestLayoutAxisNamesReachEveryBuilder(t *testing.T) {
	tr, spikes := lifTraces(2, 50)
	pops := poissonPops(20, 5, 20, 20, 500, 2)
	m, err := nbhelpers.MatrixFromEdges(3, 3, []int32{0}, []int32{1}, []float64{1})
	if err != nil {
		t.Fatal(err)
	}
	lay := nbhelpers.Layout{XName: "X!", YName: "Y!"}
	win := nbhelpers.STDPWindow{DeltaTMS: []float64{-10, 10}, DeltaW: []float64{-1, 1}}
	builders := map[string]func(nbhelpers.Layout) (*nbhelpers.Chart, error){
		"membrane": func(l nbhelpers.Layout) (*nbhelpers.Chart, error) {
			return nbhelpers.MembraneChart("x", tr, nbhelpers.MembraneOptions{Layout: l, SpikeTimesMS: spikes})
		},
		"traces": func(l nbhelpers.Layout) (*nbhelpers.Chart, error) {
			return nbhelpers.TracesChart("x", tr, nbhelpers.TraceOptions{Layout: l})
		},
		"weights": func(l nbhelpers.Layout) (*nbhelpers.Chart, error) {
			return nbhelpers.WeightEvolutionChart("x", tr, nbhelpers.TraceOptions{Layout: l})
		},
		"raster": func(l nbhelpers.Layout) (*nbhelpers.Chart, error) {
			return nbhelpers.RasterChart("x", pops, nbhelpers.RasterOptions{Layout: l})
		},
		"psth": func(l nbhelpers.Layout) (*nbhelpers.Chart, error) {
			return nbhelpers.PSTHChart("x", pops, nbhelpers.PSTHOptions{Layout: l})
		},
		"counts": func(l nbhelpers.Layout) (*nbhelpers.Chart, error) {
			return nbhelpers.SpikeCountChart("x", pops, nbhelpers.CountOptions{Layout: l})
		},
		"isi": func(l nbhelpers.Layout) (*nbhelpers.Chart, error) {
			return nbhelpers.ISIChart("x", pops, nbhelpers.HistogramOptions{Layout: l})
		},
		"weight-hist": func(l nbhelpers.Layout) (*nbhelpers.Chart, error) {
			return nbhelpers.WeightHistogramChart("x", []float64{0.1, 0.2}, nil, nbhelpers.HistogramOptions{Layout: l})
		},
		"histogram": func(l nbhelpers.Layout) (*nbhelpers.Chart, error) {
			return nbhelpers.HistogramChart("x", []nbhelpers.Sample{{Values: []float64{1, 2}}}, nbhelpers.HistogramOptions{Layout: l})
		},
		"stdp": func(l nbhelpers.Layout) (*nbhelpers.Chart, error) {
			return nbhelpers.STDPWindowChart("x", win, nbhelpers.STDPOptions{Layout: l})
		},
		"fi": func(l nbhelpers.Layout) (*nbhelpers.Chart, error) {
			return nbhelpers.FICurveChart("x", []nbhelpers.FICurve{{CurrentPA: []float64{0, 1}, RateHz: []float64{0, 1}}}, l)
		},
		"connectivity": func(l nbhelpers.Layout) (*nbhelpers.Chart, error) {
			return nbhelpers.ConnectivityChart("x", m, nbhelpers.HeatmapOptions{Layout: l})
		},
	}
	for name, b := range builders {
		def, err := b(nbhelpers.Layout{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c, err := b(lay)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		od, o := decode(t, def), decode(t, c)
		if xn, yn := od.XAxis[0]["name"], od.YAxis[0]["name"]; xn == nil || xn == "" || yn == nil || yn == "" {
			t.Errorf("%s: default axis names %q / %q", name, od.XAxis[0]["name"], od.YAxis[0]["name"])
		}
		if o.XAxis[0]["name"] != "X!" || o.YAxis[0]["name"] != "Y!" {
			t.Errorf("%s: Layout names ignored: axes %q / %q", name, o.XAxis[0]["name"], o.YAxis[0]["name"])
		}
	}
	// The builder's own fields win.
	c, err := nbhelpers.TracesChart("x", tr, nbhelpers.TraceOptions{Layout: lay, XName: "own x", YName: "own y"})
	if err != nil {
		t.Fatal(err)
	}
	if o := decode(t, c); o.XAxis[0]["name"] != "own x" || o.YAxis[0]["name"] != "own y" {
		t.Errorf("own names lost: %q / %q", o.XAxis[0]["name"], o.YAxis[0]["name"])
	}
	// Stacked panels: Layout.XName names the shared time axis, Layout.YName panels without one.
	l, err := nbhelpers.LinkedTracesChart("x", []nbhelpers.Panel{{Traces: tr}, {YName: "w (pA)", Traces: tr}}, nbhelpers.LinkedOptions{Layout: nbhelpers.Layout{XName: "time (s)", YName: "V (mV)"}})
	if err != nil {
		t.Fatal(err)
	}
	o := decode(t, l)
	if o.XAxis[1]["name"] != "time (s)" || o.YAxis[0]["name"] != "V (mV)" || o.YAxis[1]["name"] != "w (pA)" {
		t.Errorf("linked names: x %q, y %q %q", o.XAxis[1]["name"], o.YAxis[0]["name"], o.YAxis[1]["name"])
	}
}

func TestLayoutColorsAreUsed(t *testing.T) {
	tr, _ := lifTraces(3, 50)
	cols := []string{"#111111", "", "#333333"}
	m, err := nbhelpers.MembraneChart("x", tr, nbhelpers.MembraneOptions{Layout: nbhelpers.Layout{Colors: cols}})
	if err != nil {
		t.Fatal(err)
	}
	got := seriesColours(t, m)
	if got[0][1] != "#111111" || got[1][1] != "#91cc75" || got[2][1] != "#333333" {
		t.Errorf("membrane colours %v, want #111111, the default second colour, #333333", got)
	}
	// Stacked panels: colours run over distinct labels across panels.
	one := func(label string) nbhelpers.Traces {
		return nbhelpers.Traces{TimeMS: []float64{0, 1}, Values: [][]float64{{0, 1}}, Labels: []string{label}}
	}
	l, err := nbhelpers.LinkedTracesChart("x", []nbhelpers.Panel{{Traces: one("a")}, {Traces: one("b")}, {Traces: one("a")}},
		nbhelpers.LinkedOptions{Layout: nbhelpers.Layout{Colors: []string{"red", "blue"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := seriesColours(t, l); got[0][1] != "red" || got[1][1] != "blue" || got[2][1] != "red" {
		t.Errorf("linked colours %v, want red, blue, red", got)
	}
	// Panel.Colors sets single traces, even ones sharing a label with other panels.
	l, err = nbhelpers.LinkedTracesChart("x", []nbhelpers.Panel{{Traces: one("V (mV)")}, {Traces: one("V (mV)"), Colors: []string{"#abcdef"}}, {Traces: one("V (mV)")}},
		nbhelpers.LinkedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := seriesColours(t, l); got[0][1] != "#5470c6" || got[1][1] != "#abcdef" || got[2][1] != "#5470c6" {
		t.Errorf("linked colours %v, want #5470c6, #abcdef, #5470c6", got)
	}
	pops := poissonPops(10, 5, 20, 20, 200, 2)
	r, err := nbhelpers.RasterChart("x", pops, nbhelpers.RasterOptions{Layout: nbhelpers.Layout{Colors: []string{"black", "grey"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := seriesColours(t, r); got[0][1] != "black" || got[1][1] != "grey" {
		t.Errorf("raster colours %v", got)
	}
}

// TestMembraneSpikeStrokes: brain (like NEST) records V at the end of each step, so the spike's
// step already holds the reset value; strokes from the last sample before each spike up to
// the peak show the spikes without altering the samples.
func TestMembraneSpikeStrokes(t *testing.T) {
	// V ramps up 1 mV per 0.1 ms step from −60 mV; spikes at 0.45 ms and 1.0 ms reset to −70.
	tm := []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1}
	v := []float64{-60, -59, -58, -57, -56, -70, -69, -68, -67, -66, -65, -70}
	spikes := []float64{0.45, 1.0}
	tr := nbhelpers.Traces{TimeMS: tm, Values: [][]float64{v}, Labels: []string{"cell"}}
	c, err := nbhelpers.MembraneChart("strokes", tr, nbhelpers.MembraneOptions{
		SpikeTimesMS: [][]float64{spikes}, SpikeStrokes: true, SpikePeakMV: 20})
	if err != nil {
		t.Fatal(err)
	}
	o := decode(t, c)
	if len(o.Series) != 2 || o.Series[1].Name != "cell spikes" || o.Series[1].Type != "line" {
		t.Fatalf("series: %+v", o.Series)
	}
	if string(o.Series[0].Data[5]) != "[0.5,-70]" {
		t.Errorf("the trace's samples must be drawn unchanged: %s", o.Series[0].Data[5])
	}
	want := []string{"[0.45,-56]", "[0.45,20]", "[0.45,null]", "[1,-65]", "[1,20]", "[1,null]"}
	if len(o.Series[1].Data) != len(want) {
		t.Fatalf("stroke data %s, want %v", o.Series[1].Data, want)
	}
	for i, w := range want {
		if string(o.Series[1].Data[i]) != w {
			t.Errorf("stroke point %d = %s, want %s", i, o.Series[1].Data[i], w)
		}
	}
	cols := seriesColours(t, c)
	if cols[0][1] != cols[1][1] {
		t.Errorf("strokes %s, trace %s: want the trace's colour", cols[1][1], cols[0][1])
	}
	if !strings.Contains(o.Title.Subtext, "2 spikes drawn as strokes to 20") {
		t.Errorf("subtitle %q", o.Title.Subtext)
	}
	// Triangles stay the default.
	d, err := nbhelpers.MembraneChart("marks", tr, nbhelpers.MembraneOptions{SpikeTimesMS: [][]float64{spikes}})
	if err != nil {
		t.Fatal(err)
	}
	if od := decode(t, d); od.Series[1].Type != "scatter" {
		t.Errorf("default spike marks are %s, want scatter", od.Series[1].Type)
	}
	// Stacked panels and the adaptation chart draw the same strokes on V.
	a, err := nbhelpers.AdaptationChart("adapt", nbhelpers.AdaptationData{TimeMS: tm, V: [][]float64{v}, W: [][]float64{v},
		Labels: []string{"cell"}, SpikeTimesMS: [][]float64{spikes}, SpikePeakMV: 20}, nbhelpers.LinkedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	oa := decode(t, a)
	if len(oa.Series) != 3 || oa.Series[1].Name != "cell spikes" || oa.Series[1].YAxisIdx != 0 || string(oa.Series[1].Data[1]) != "[0.45,20]" {
		t.Errorf("adaptation strokes: %+v", oa.Series)
	}
	if _, err := nbhelpers.AdaptationChart("bad", nbhelpers.AdaptationData{TimeMS: tm, W: [][]float64{v},
		SpikeTimesMS: [][]float64{spikes}}, nbhelpers.LinkedOptions{}); err == nil {
		t.Error("spikes without V accepted")
	}
	if _, err := nbhelpers.MembraneChart("bad", tr, nbhelpers.MembraneOptions{SpikeTimesMS: [][]float64{spikes}, SpikeStrokes: true, SpikePeakMV: math.NaN()}); err == nil {
		t.Error("NaN peak accepted")
	}
	// A spike before the first sample starts at the first sample.
	x, y, err := nbhelpers.SpikeStrokePoints(tm, v, []float64{-1}, 0)
	if err != nil || x[0] != -1 || y[0] != -60 || y[1] != 0 || !math.IsNaN(y[2]) {
		t.Errorf("SpikeStrokePoints before the trace: %v %v %v", x, y, err)
	}
}

func TestRasterWindow(t *testing.T) {
	pops := poissonPops(10, 5, 20, 20, 200, 2)
	c, err := nbhelpers.RasterChart("w", pops, nbhelpers.RasterOptions{StartMS: 0, StopMS: 1000})
	if err != nil {
		t.Fatal(err)
	}
	o := decode(t, c)
	if o.XAxis[0]["min"] != 0.0 || o.XAxis[0]["max"] != 1000.0 {
		t.Errorf("x axis [%v, %v], want [0, 1000]", o.XAxis[0]["min"], o.XAxis[0]["max"])
	}
	if _, err := nbhelpers.RasterChart("w", pops, nbhelpers.RasterOptions{StartMS: 10, StopMS: 5}); err == nil {
		t.Error("empty window accepted")
	}
}

// TestPSTHAxisIsTheWindow: the time axis spans the PSTH window, so that a raster drawn with
// the same RasterOptions window lines up with it.
func TestPSTHAxisIsTheWindow(t *testing.T) {
	s := nbhelpers.Spikes{N: 1, TimesMS: []float64{3, 7, 42}, IDs: []int32{0, 0, 0}}
	for _, tc := range []struct {
		o      nbhelpers.PSTHOptions
		lo, hi float64
	}{
		{nbhelpers.PSTHOptions{BinMS: 10}, 0, 50},
		{nbhelpers.PSTHOptions{BinMS: 10, StopMS: 100}, 0, 100},
		{nbhelpers.PSTHOptions{BinMS: 10, StopMS: 95}, 0, 95},
	} {
		c, err := nbhelpers.PSTHChart("w", []nbhelpers.Spikes{s}, tc.o)
		if err != nil {
			t.Fatal(err)
		}
		o := decode(t, c)
		if o.XAxis[0]["min"] != tc.lo || o.XAxis[0]["max"] != tc.hi {
			t.Errorf("%+v: x axis [%v, %v], want [%v, %v]", tc.o, o.XAxis[0]["min"], o.XAxis[0]["max"], tc.lo, tc.hi)
		}
		// A caller's window that is not whole bins ends in a partial bin, and says so.
		partial := strings.Contains(o.Title.Subtext, "last bin 5 ms wide")
		if partial != (tc.hi == 95) {
			t.Errorf("%+v: subtitle %q", tc.o, o.Title.Subtext)
		}
	}
}

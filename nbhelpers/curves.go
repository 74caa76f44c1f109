package nbhelpers

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// ---- STDP window ----------------------------------------------------------------------------

// STDPWindow holds measured weight changes against spike-timing differences, and optionally a
// reference curve (e.g. the exponential window A+·exp(−Δt/τ+) for Δt > 0 and
// −A−·exp(Δt/τ−) for Δt < 0 of Bi & Poo 1998 as fitted by Song, Miller & Abbott 2000).
type STDPWindow struct {
	// DeltaTMS is t_post − t_pre in ms, one entry per pairing.
	DeltaTMS []float64
	// DeltaW is the weight change of each pairing.
	DeltaW []float64
	// TheoryDeltaTMS and TheoryDeltaW are an optional reference curve, sorted by Δt.
	TheoryDeltaTMS, TheoryDeltaW []float64
}

// STDPOptions configures [STDPWindowChart].
type STDPOptions struct {
	Layout
	// YName is the y axis name; default Layout.YName, then "Δw". (Layout.XName renames the
	// x axis, "Δt = t_post − t_pre (ms)".)
	YName string
}

// STDPWindowChart draws the STDP window: measured (Δt, Δw) points and the reference curve,
// with the Δt = 0 and Δw = 0 lines.
func STDPWindowChart(name string, w STDPWindow, o STDPOptions) (*Chart, error) {
	if len(w.DeltaTMS) == 0 && len(w.TheoryDeltaTMS) == 0 {
		return nil, errf(ErrEmpty, "STDPWindowChart: no measured points and no theory curve")
	}
	if len(w.DeltaTMS) != len(w.DeltaW) {
		return nil, errf(ErrLength, "DeltaTMS has %d entries, DeltaW has %d", len(w.DeltaTMS), len(w.DeltaW))
	}
	if len(w.TheoryDeltaTMS) != len(w.TheoryDeltaW) {
		return nil, errf(ErrLength, "TheoryDeltaTMS has %d entries, TheoryDeltaW has %d", len(w.TheoryDeltaTMS), len(w.TheoryDeltaW))
	}
	for f, xs := range map[string][]float64{"DeltaTMS": w.DeltaTMS, "DeltaW": w.DeltaW, "TheoryDeltaW": w.TheoryDeltaW} {
		if err := checkFinite(f, xs); err != nil {
			return nil, err
		}
	}
	if len(w.TheoryDeltaTMS) > 0 {
		if err := checkAxis("TheoryDeltaTMS", w.TheoryDeltaTMS); err != nil {
			return nil, err
		}
	}
	lay := o.Layout.withDefaults("STDP window", "380px")
	summary := fmt.Sprintf("%d pairings", len(w.DeltaTMS))
	c := charts.NewScatter()
	c.SetGlobalOptions(rectOpts(lay, lay.header(true, summary), "item", true)...)
	c.SetGlobalOptions(
		charts.WithXAxisOpts(valueXAxis(pickName(lay.XName, "Δt = t_post − t_pre (ms)"), 0)),
		charts.WithYAxisOpts(valueYAxis(pickName(o.YName, lay.YName, "Δw"), 0, false)),
	)
	zeroLines := &opts.MarkLines{MarkLineStyle: opts.MarkLineStyle{
		Symbol:    []string{"none", "none"},
		LineStyle: &opts.LineStyle{Type: "dashed", Color: "#aaa", Width: 1},
		Label:     &opts.Label{Show: opts.Bool(false)},
	}, Data: []interface{}{opts.MarkLineNameXAxisItem{XAxis: 0}, opts.MarkLineNameYAxisItem{YAxis: 0}}}
	if len(w.DeltaTMS) > 0 {
		c.MultiSeries = append(c.MultiSeries, charts.SingleSeries{
			Name: "measured", Type: "scatter", Data: xyData{w.DeltaTMS, w.DeltaW},
			SymbolSize: 6, Color: lay.color(0), Animation: opts.Bool(false), MarkLines: zeroLines,
		})
	}
	if len(w.TheoryDeltaTMS) > 0 {
		s := lineSeries("theory", xyData{w.TheoryDeltaTMS, w.TheoryDeltaW}, lay.color(3), 0, 0)
		if len(w.DeltaTMS) == 0 {
			s.MarkLines = zeroLines
		}
		c.MultiSeries = append(c.MultiSeries, s)
	}
	return finish("stdp", name, lay, c, summary, map[string]any{"dataZoom": xZoom()})
}

// DisplaySTDPWindow builds an [STDPWindowChart] and displays it.
func DisplaySTDPWindow(name string, w STDPWindow, o STDPOptions) error {
	return display(STDPWindowChart(name, w, o))
}

// ---- f–I curves ------------------------------------------------------------------------------

// FICurve is the firing rate of one neuron type against injected current.
type FICurve struct {
	Label string
	// CurrentPA is the injected current in pA, non-decreasing.
	CurrentPA []float64
	// RateHz is the firing rate in Hz at each current.
	RateHz []float64
}

// FICurveChart draws f–I curves (rate against injected current), one line with markers per
// curve. The axes are "I (pA)" and "rate (Hz)" unless o.XName and o.YName say otherwise (for
// example "I / rheobase" for curves normalised by their rheobase; CurrentPA then holds those
// x values).
func FICurveChart(name string, curves []FICurve, o Layout) (*Chart, error) {
	if len(curves) == 0 {
		return nil, errf(ErrEmpty, "FICurveChart: no curves")
	}
	for i, cv := range curves {
		f := fmt.Sprintf("curves[%d] (%s)", i, cv.Label)
		if err := checkAxis(f+".CurrentPA", cv.CurrentPA); err != nil {
			return nil, err
		}
		if len(cv.RateHz) != len(cv.CurrentPA) {
			return nil, errf(ErrLength, "%s: %d currents, %d rates", f, len(cv.CurrentPA), len(cv.RateHz))
		}
		if err := checkFinite(f+".RateHz", cv.RateHz); err != nil {
			return nil, err
		}
	}
	lay := o.withDefaults("f–I curve", "380px")
	c := charts.NewLine()
	c.SetGlobalOptions(rectOpts(lay, lay.header(true), "axis", true)...)
	c.SetGlobalOptions(
		charts.WithXAxisOpts(valueXAxis(pickName(lay.XName, "I (pA)"), 0)),
		charts.WithYAxisOpts(valueYAxis(pickName(lay.YName, "rate (Hz)"), 0, false)),
	)
	for i, cv := range curves {
		label := cv.Label
		if label == "" {
			label = fmt.Sprintf("curve %d", i)
		}
		s := lineSeries(label, xyData{cv.CurrentPA, cv.RateHz}, lay.color(i), 0, 0)
		s.ShowSymbol, s.Symbol, s.SymbolSize = opts.Bool(true), "circle", 5
		c.MultiSeries = append(c.MultiSeries, s)
	}
	return finish("fi", name, lay, c, "", map[string]any{"dataZoom": xZoom()})
}

// DisplayFICurves builds an [FICurveChart] and displays it.
func DisplayFICurves(name string, curves []FICurve, o Layout) error {
	return display(FICurveChart(name, curves, o))
}

// ---- connectivity heatmap --------------------------------------------------------------------

// Matrix is a dense row-major matrix: entry (i, j) is Data[i*Cols+j]. For connectivity, row i
// is the target (postsynaptic) neuron and column j the source (presynaptic) neuron.
type Matrix struct {
	Rows, Cols int
	Data       []float64
}

func (m Matrix) validate() error {
	if m.Rows <= 0 || m.Cols <= 0 {
		return errf(ErrEmpty, "matrix is %d×%d", m.Rows, m.Cols)
	}
	if len(m.Data) != m.Rows*m.Cols {
		return errf(ErrLength, "matrix %d×%d has %d entries", m.Rows, m.Cols, len(m.Data))
	}
	return checkFinite("Matrix.Data", m.Data)
}

// MatrixFromEdges builds a rows×cols matrix from edge lists (row[k], col[k], w[k]); weights of
// repeated edges add up.
func MatrixFromEdges(rows, cols int, row, col []int32, w []float64) (Matrix, error) {
	if rows <= 0 || cols <= 0 {
		return Matrix{}, errf(ErrEmpty, "matrix is %d×%d", rows, cols)
	}
	if rows*cols > 1<<26 {
		return Matrix{}, errf(ErrRange, "matrix %d×%d is too large for a dense heatmap (> 2^26 cells)", rows, cols)
	}
	if len(row) != len(col) || len(row) != len(w) {
		return Matrix{}, errf(ErrLength, "edges: %d rows, %d cols, %d weights", len(row), len(col), len(w))
	}
	if err := checkFinite("w", w); err != nil {
		return Matrix{}, err
	}
	m := Matrix{Rows: rows, Cols: cols, Data: make([]float64, rows*cols)}
	for k := range row {
		if row[k] < 0 || int(row[k]) >= rows || col[k] < 0 || int(col[k]) >= cols {
			return Matrix{}, errf(ErrRange, "edge %d = (%d, %d) outside %d×%d", k, row[k], col[k], rows, cols)
		}
		m.Data[int(row[k])*cols+int(col[k])] += w[k]
	}
	return m, nil
}

// HeatmapOptions configures [ConnectivityChart].
type HeatmapOptions struct {
	Layout
	// RowName and ColName name the y (rows) and x (columns) axes; defaults Layout.YName and
	// Layout.XName, then "target (post)" and "source (pre)".
	RowName, ColName string
	// ValueName names the colour scale; default "weight".
	ValueName string
	// MaxCells bounds the cells per side; default 150. Larger matrices are shown as means
	// over blocks of neurons.
	MaxCells int
}

// ConnectivityChart draws a connectivity (weight) matrix as a heatmap. Zero entries are left
// blank; a colour scale with negative values (inhibition) is diverging around 0.
func ConnectivityChart(name string, m Matrix, o HeatmapOptions) (*Chart, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	if o.MaxCells <= 0 {
		o.MaxCells = 150
	}
	o.RowName = pickName(o.RowName, o.Layout.YName, "target (post)")
	o.ColName = pickName(o.ColName, o.Layout.XName, "source (pre)")
	if o.ValueName == "" {
		o.ValueName = "weight"
	}
	br := (m.Rows + o.MaxCells - 1) / o.MaxCells
	bc := (m.Cols + o.MaxCells - 1) / o.MaxCells
	nr, nc := (m.Rows+br-1)/br, (m.Cols+bc-1)/bc
	nonzero := 0
	for _, v := range m.Data {
		if v != 0 {
			nonzero++
		}
	}
	var xs, ys, zs []float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := 0; i < nr; i++ {
		for j := 0; j < nc; j++ {
			sum, n := 0.0, 0
			for r := i * br; r < min((i+1)*br, m.Rows); r++ {
				for c := j * bc; c < min((j+1)*bc, m.Cols); c++ {
					sum += m.Data[r*m.Cols+c]
					n++
				}
			}
			if sum == 0 {
				continue
			}
			v := sum / float64(n)
			xs, ys, zs = append(xs, float64(j)), append(ys, float64(i)), append(zs, v)
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if len(zs) == 0 {
		lo, hi = 0, 1
	}
	summary := fmt.Sprintf("%d×%d matrix, %d nonzero (%.3g%%)", m.Rows, m.Cols, nonzero, 100*float64(nonzero)/float64(len(m.Data)))
	if br > 1 || bc > 1 {
		summary += fmt.Sprintf("; shown as %d×%d means over %d×%d blocks", nr, nc, br, bc)
	}
	lay := o.Layout.withDefaults("Connectivity", "520px")
	label := func(n, b int) []string {
		out := make([]string, n)
		for k := range out {
			out[k] = strconv.Itoa(k * b) // first neuron of the block
		}
		return out
	}
	hd := lay.header(false, summary)
	c := charts.NewHeatMap()
	c.SetGlobalOptions(rectOpts(lay, hd, "item", false)...)
	ya := opts.YAxis{Type: "category", Name: o.RowName, NameLocation: "middle", NameGap: 40,
		Data: label(nr, br), AxisLabel: &opts.AxisLabel{Show: opts.Bool(true)}}
	c.SetGlobalOptions(
		charts.WithXAxisOpts(categoryXAxis(o.ColName, label(nc, bc), 0)),
		charts.WithYAxisOpts(ya),
	)
	c.MultiSeries = append(c.MultiSeries, charts.SingleSeries{
		Name: o.ValueName, Type: "heatmap", Data: xyzData{xs, ys, zs}, Animation: opts.Bool(false),
	})
	colors := []string{"#f7fbff", "#6baed6", "#08306b"}
	if lo < 0 {
		a := math.Max(-lo, hi)
		lo, hi = -a, a
		colors = []string{"#2166ac", "#f7f7f7", "#b2182b"}
	}
	if lo == hi {
		hi = lo + 1
	}
	patch := map[string]any{
		"dataZoom": []map[string]any{
			insideZoom("xAxisIndex", 0),
			insideZoom("yAxisIndex", 0),
		},
		"visualMap": []map[string]any{{
			"type": "continuous", "min": lo, "max": hi, "calculable": true, "orient": "vertical",
			"right": 5, "top": hd.gridTop + 60, "text": []string{o.ValueName, ""},
			"inRange": map[string]any{"color": colors},
		}},
		"grid": []map[string]any{{"top": hd.gridTop, "bottom": 60, "left": 80, "right": scaleMargin(o.ValueName), "containLabel": true}},
	}
	return finish("connectivity", name, lay, c, summary, patch)
}

// scaleMargin is the grid's right margin (px) that keeps a vertical colour scale, placed at
// right: 5 with its name written above it, clear of the plot: the name is centred on the bar, so
// a long name widens the scale to the left (about 7.5 px per character at the default 12 px font).
func scaleMargin(valueName string) int {
	return max(90, 25+int(7.5*float64(utf8.RuneCountInString(valueName))))
}

// DisplayConnectivity builds a [ConnectivityChart] and displays it.
func DisplayConnectivity(name string, m Matrix, o HeatmapOptions) error {
	return display(ConnectivityChart(name, m, o))
}

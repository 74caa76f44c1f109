package nbhelpers

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// ---- receptive fields --------------------------------------------------------------------------

// FieldsOptions configures [ReceptiveFieldsPNG].
type FieldsOptions struct {
	// Side is the width and height of one field in pixels; default 28 (MNIST). Each field
	// holds Side·Side values, row-major.
	Side int
	// Cols is the number of fields per row of the grid; default ⌈√n⌉.
	Cols int
	// Scale magnifies each pixel to Scale×Scale screen pixels; default 3.
	Scale int
	// Max is the value drawn in the darkest colour; default the largest value of all fields.
	// Values are clipped to [0, Max].
	Max float64
	// MaxFields bounds the fields drawn (the first MaxFields); default 400.
	MaxFields int
}

// ReceptiveFieldsPNG draws fields (for example the input weights of each cell of a layer
// trained on images) as a grid of small heat maps, white at 0 to dark blue at Max, separated
// by a Scale-pixel gap, and returns the PNG.
func ReceptiveFieldsPNG(fields [][]float64, o FieldsOptions) ([]byte, error) {
	if len(fields) == 0 {
		return nil, errf(ErrEmpty, "ReceptiveFieldsPNG: no fields")
	}
	if o.Side == 0 {
		o.Side = 28
	}
	if o.Scale == 0 {
		o.Scale = 3
	}
	if o.MaxFields == 0 {
		o.MaxFields = 400
	}
	if o.Side < 0 || o.Scale < 0 || o.Cols < 0 || o.MaxFields < 0 || o.Scale > 32 {
		return nil, errf(ErrRange, "ReceptiveFieldsPNG: Side %d, Cols %d, Scale %d, MaxFields %d", o.Side, o.Cols, o.Scale, o.MaxFields)
	}
	if len(fields) > o.MaxFields {
		fields = fields[:o.MaxFields]
	}
	hi := 0.0
	for k, f := range fields {
		if len(f) != o.Side*o.Side {
			return nil, errf(ErrLength, "ReceptiveFieldsPNG: field %d has %d values, want %d×%d", k, len(f), o.Side, o.Side)
		}
		if err := checkFinite(fmt.Sprintf("fields[%d]", k), f); err != nil {
			return nil, err
		}
		for _, v := range f {
			hi = math.Max(hi, v)
		}
	}
	if o.Max < 0 || !isFinite(o.Max) {
		return nil, errf(ErrRange, "ReceptiveFieldsPNG: Max = %g", o.Max)
	}
	if o.Max > 0 {
		hi = o.Max
	}
	if hi == 0 {
		hi = 1
	}
	n := len(fields)
	if o.Cols == 0 {
		o.Cols = int(math.Ceil(math.Sqrt(float64(n))))
	}
	rows := (n + o.Cols - 1) / o.Cols
	cell := (o.Side + 1) * o.Scale // one field plus the gap
	img := image.NewRGBA(image.Rect(0, 0, o.Cols*cell+o.Scale, rows*cell+o.Scale))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{R: 120, G: 120, B: 120, A: 255}), image.Point{}, draw.Src)
	for k, f := range fields {
		x0 := (k%o.Cols)*cell + o.Scale
		y0 := (k/o.Cols)*cell + o.Scale
		for p, v := range f {
			c := fieldColor(math.Min(math.Max(v/hi, 0), 1))
			px, py := x0+(p%o.Side)*o.Scale, y0+(p/o.Side)*o.Scale
			for dy := 0; dy < o.Scale; dy++ {
				for dx := 0; dx < o.Scale; dx++ {
					img.SetRGBA(px+dx, py+dy, c)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, errf(ErrRender, "ReceptiveFieldsPNG: %v", err)
	}
	return buf.Bytes(), nil
}

// fieldColor maps t in [0, 1] from white through light blue to dark blue.
func fieldColor(t float64) color.RGBA {
	stops := [3][3]float64{{255, 255, 255}, {107, 174, 214}, {8, 48, 107}}
	s, u := 0, t*2
	if u > 1 {
		s, u = 1, u-1
	}
	mix := func(a, b float64) uint8 { return uint8(math.Round(a + (b-a)*u)) }
	return color.RGBA{mix(stops[s][0], stops[s+1][0]), mix(stops[s][1], stops[s+1][1]), mix(stops[s][2], stops[s+1][2]), 255}
}

// DisplayReceptiveFields draws [ReceptiveFieldsPNG] inline. Outside a notebook it only
// renders (so errors still surface).
func DisplayReceptiveFields(fields [][]float64, o FieldsOptions) error {
	b, err := ReceptiveFieldsPNG(fields, o)
	if err != nil {
		return err
	}
	return displayPNGBytes(b)
}

// ---- confusion matrix --------------------------------------------------------------------------

// ConfusionChart draws a confusion matrix, counts[true class][predicted class], as a heat
// map of the percentage of each true class given each prediction (rows sum to 100 %). The
// axes default to "true class" and "predicted class" and the title to "Confusion matrix".
func ConfusionChart(name string, counts [][]int, o HeatmapOptions) (*Chart, error) {
	n := len(counts)
	if n == 0 {
		return nil, errf(ErrEmpty, "ConfusionChart: no classes")
	}
	m := Matrix{Rows: n, Cols: n, Data: make([]float64, n*n)}
	total := 0
	for i, row := range counts {
		if len(row) != n {
			return nil, errf(ErrLength, "ConfusionChart: row %d has %d entries, want %d", i, len(row), n)
		}
		sum := 0
		for j, c := range row {
			if c < 0 {
				return nil, errf(ErrRange, "ConfusionChart: counts[%d][%d] = %d", i, j, c)
			}
			sum += c
		}
		total += sum
		for j, c := range row {
			if sum > 0 {
				m.Data[i*n+j] = 100 * float64(c) / float64(sum)
			}
		}
	}
	if total == 0 {
		return nil, errf(ErrEmpty, "ConfusionChart: all counts are zero")
	}
	o.RowName = pickName(o.RowName, o.Layout.YName, "true class")
	o.ColName = pickName(o.ColName, o.Layout.XName, "predicted class")
	o.ValueName = pickName(o.ValueName, "% of true class")
	o.Layout.Title = pickName(o.Layout.Title, "Confusion matrix")
	o.Layout.Subtitle = pickName(o.Layout.Subtitle, fmt.Sprintf("%d samples; rows sum to 100 %%", total))
	ch, err := ConnectivityChart(name, m, o)
	if err != nil {
		return nil, err
	}
	ch.Kind = "confusion"
	return ch, nil
}

// DisplayConfusion builds a [ConfusionChart] and displays it.
func DisplayConfusion(name string, counts [][]int, o HeatmapOptions) error {
	return display(ConfusionChart(name, counts, o))
}

// ---- learning curves ---------------------------------------------------------------------------

// LearningCurve is a performance measure against training progress.
type LearningCurve struct {
	Label string
	// Seen is the amount of training at each point (images seen, epochs, ...), increasing.
	Seen []float64
	// Value is the measure at each point (accuracy in %, error, ...).
	Value []float64
}

// LearningCurveChart draws learning curves, one line with markers per curve. The axes are
// "images seen" and "accuracy (%)" unless o.XName and o.YName say otherwise.
func LearningCurveChart(name string, curves []LearningCurve, o Layout) (*Chart, error) {
	if len(curves) == 0 {
		return nil, errf(ErrEmpty, "LearningCurveChart: no curves")
	}
	for i, cv := range curves {
		f := fmt.Sprintf("curves[%d] (%s)", i, cv.Label)
		if len(cv.Seen) == 0 {
			return nil, errf(ErrEmpty, "%s: no points", f)
		}
		if err := checkAxis(f+".Seen", cv.Seen); err != nil {
			return nil, err
		}
		if len(cv.Value) != len(cv.Seen) {
			return nil, errf(ErrLength, "%s: %d x values, %d y values", f, len(cv.Seen), len(cv.Value))
		}
		if err := checkFinite(f+".Value", cv.Value); err != nil {
			return nil, err
		}
	}
	lay := o.withDefaults("Learning curve", "380px")
	c := charts.NewLine()
	c.SetGlobalOptions(rectOpts(lay, lay.header(true), "axis", true)...)
	c.SetGlobalOptions(
		charts.WithXAxisOpts(valueXAxis(pickName(lay.XName, "images seen"), 0)),
		charts.WithYAxisOpts(valueYAxis(pickName(lay.YName, "accuracy (%)"), 0, true)),
	)
	for i, cv := range curves {
		label := cv.Label
		if label == "" {
			label = fmt.Sprintf("curve %d", i)
		}
		s := lineSeries(label, xyData{cv.Seen, cv.Value}, lay.color(i), 0, 0)
		s.ShowSymbol, s.Symbol, s.SymbolSize = opts.Bool(true), "circle", 5
		c.MultiSeries = append(c.MultiSeries, s)
	}
	return finish("learning", name, lay, c, "", map[string]any{"dataZoom": xZoom()})
}

// DisplayLearningCurves builds a [LearningCurveChart] and displays it.
func DisplayLearningCurves(name string, curves []LearningCurve, o Layout) error {
	return display(LearningCurveChart(name, curves, o))
}

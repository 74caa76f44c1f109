package nbhelpers

import (
	"bytes"
	"fmt"
	"image/color"
	"strconv"

	"github.com/janpfeifer/gonb/gonbui"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Static figures with gonum/plot, for the same data as the interactive charts: for papers,
// for reports that must not run scripts, or for a quick look outside a browser. Build a
// *plot.Plot with one of the *Plot functions, then render it with PNG or SVG, or show it with
// DisplayPNG or DisplaySVG.

// PlotOptions configures the static figures. Empty labels get defaults per figure.
type PlotOptions struct {
	Title, XLabel, YLabel string
}

// Default figure size: 16 cm × 8 cm.
const (
	DefaultPlotWidth  = 16 * vg.Centimeter
	DefaultPlotHeight = 8 * vg.Centimeter
)

func newPlot(o PlotOptions, title, xl, yl string) *plot.Plot {
	p := plot.New()
	p.Title.Text = pick(o.Title, title)
	p.X.Label.Text = pick(o.XLabel, xl)
	p.Y.Label.Text = pick(o.YLabel, yl)
	p.Legend.Top = true
	return p
}

func pick(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

func rgb(i int) color.Color {
	h := colorOf(i) // "#rrggbb"
	v, _ := strconv.ParseUint(h[1:], 16, 32)
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 255}
}

func xys(x, y []float64) plotter.XYs {
	out := make(plotter.XYs, len(x))
	for i := range x {
		out[i].X, out[i].Y = x[i], y[i]
	}
	return out
}

// TracesPlot draws traces as lines (min/max decimated to 4000 samples per trace).
func TracesPlot(tr Traces, o PlotOptions) (*plot.Plot, error) {
	if err := tr.validate("Traces"); err != nil {
		return nil, err
	}
	p := newPlot(o, "", "time (ms)", "")
	for i, row := range tr.Values {
		t, v, err := MinMaxDecimate(tr.TimeMS, row, 4000)
		if err != nil {
			return nil, err
		}
		l, err := plotter.NewLine(xys(t, v))
		if err != nil {
			return nil, fmt.Errorf("nbhelpers: trace %d: %w", i, err)
		}
		l.Color = rgb(i)
		l.Width = vg.Points(0.8)
		p.Add(l)
		p.Legend.Add(tr.label(i), l)
	}
	return p, nil
}

// RasterPlot draws a spike raster (one row per neuron, populations stacked and coloured),
// thinned by ThinRaster to maxMarks marks (<= 0: 20000). The title states the exact count.
// Prefer PNG for rasters: every mark is an element in SVG.
func RasterPlot(pops []Spikes, maxMarks int, o PlotOptions) (*plot.Plot, error) {
	if maxMarks <= 0 {
		maxMarks = 20000
	}
	r, err := ThinRaster(pops, maxMarks)
	if err != nil {
		return nil, err
	}
	p := newPlot(o, fmt.Sprintf("%d spikes, %d neurons", r.Spikes, r.Neurons), "time (ms)", "neuron")
	p.Y.Min, p.Y.Max = 0, float64(r.Neurons)
	for i := range pops {
		if len(r.T[i]) == 0 {
			continue
		}
		s, err := plotter.NewScatter(xys(r.T[i], r.Row[i]))
		if err != nil {
			return nil, fmt.Errorf("nbhelpers: population %d: %w", i, err)
		}
		s.GlyphStyle = draw.GlyphStyle{Color: rgb(i), Radius: vg.Points(0.5), Shape: draw.BoxGlyph{}}
		p.Add(s)
		p.Legend.Add(pops[i].label(i), swatch{rgb(i)})
	}
	return p, nil
}

// swatch is a legend thumbnail filled with one colour (raster marks are too small to see in
// the legend).
type swatch struct{ color color.Color }

func (s swatch) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Min.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Min.Y}}
	c.FillPolygon(s.color, c.ClipPolygonY(pts))
}

// HistogramPlot draws the samples' histograms on shared bins over [lo, hi] (lo = hi = 0: the
// data range) as step outlines.
func HistogramPlot(samples []Sample, bins int, lo, hi float64, o PlotOptions) (*plot.Plot, error) {
	if len(samples) == 0 {
		return nil, errf(ErrEmpty, "HistogramPlot: no samples")
	}
	if lo == 0 && hi == 0 {
		first := true
		for _, s := range samples {
			for _, v := range s.Values {
				if first {
					lo, hi, first = v, v, false
				}
				lo, hi = min(lo, v), max(hi, v)
			}
		}
		if first {
			return nil, errf(ErrEmpty, "HistogramPlot: all samples are empty")
		}
		if hi == lo {
			lo, hi = lo-0.5, hi+0.5
		}
	}
	p := newPlot(o, "", "", "count")
	for i, s := range samples {
		counts, edges, _, err := Histogram(s.Values, lo, hi, bins)
		if err != nil {
			return nil, fmt.Errorf("samples[%d]: %w", i, err)
		}
		pts := make(plotter.XYs, 0, 2*len(counts))
		for b, c := range counts {
			pts = append(pts, plotter.XY{X: edges[b], Y: c}, plotter.XY{X: edges[b+1], Y: c})
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		l.Color = rgb(i)
		l.Width = vg.Points(1.2)
		p.Add(l)
		p.Legend.Add(sampleLabel(s, i), l)
	}
	return p, nil
}

// Curve is one labelled line for [CurvesPlot] (f–I curves, rates, STDP windows).
type Curve struct {
	Label string
	X, Y  []float64
}

// CurvesPlot draws curves as lines with point markers.
func CurvesPlot(curves []Curve, o PlotOptions) (*plot.Plot, error) {
	if len(curves) == 0 {
		return nil, errf(ErrEmpty, "CurvesPlot: no curves")
	}
	p := newPlot(o, "", "", "")
	for i, c := range curves {
		if len(c.X) == 0 {
			return nil, errf(ErrEmpty, "curves[%d] (%s) has no points", i, c.Label)
		}
		if len(c.X) != len(c.Y) {
			return nil, errf(ErrLength, "curves[%d] (%s): %d x, %d y", i, c.Label, len(c.X), len(c.Y))
		}
		if err := checkFinite(fmt.Sprintf("curves[%d].X", i), c.X); err != nil {
			return nil, err
		}
		if err := checkFinite(fmt.Sprintf("curves[%d].Y", i), c.Y); err != nil {
			return nil, err
		}
		l, s, err := plotter.NewLinePoints(xys(c.X, c.Y))
		if err != nil {
			return nil, err
		}
		l.Color, s.Color = rgb(i), rgb(i)
		s.Radius = vg.Points(1.5)
		p.Add(l, s)
		p.Legend.Add(pick(c.Label, fmt.Sprintf("curve %d", i)), l, s)
	}
	return p, nil
}

func plotSize(w, h vg.Length) (vg.Length, vg.Length, error) {
	if w == 0 {
		w = DefaultPlotWidth
	}
	if h == 0 {
		h = DefaultPlotHeight
	}
	if w < 0 || h < 0 || w > 200*vg.Centimeter || h > 200*vg.Centimeter {
		return 0, 0, errf(ErrRange, "figure size %v × %v", w, h)
	}
	return w, h, nil
}

// PNG renders p at 110 dpi (w, h = 0: the default size). gonum/plot panics are returned as
// errors wrapping ErrRender.
func PNG(p *plot.Plot, w, h vg.Length) (out []byte, err error) {
	if p == nil {
		return nil, errf(ErrEmpty, "PNG: nil plot")
	}
	if w, h, err = plotSize(w, h); err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, errf(ErrRender, "PNG: gonum/plot panicked: %v", r)
		}
	}()
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(110))
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, errf(ErrRender, "PNG: %v", err)
	}
	return buf.Bytes(), nil
}

// SVG renders p as an SVG document (w, h = 0: the default size).
func SVG(p *plot.Plot, w, h vg.Length) (out string, err error) {
	if p == nil {
		return "", errf(ErrEmpty, "SVG: nil plot")
	}
	if w, h, err = plotSize(w, h); err != nil {
		return "", err
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = "", errf(ErrRender, "SVG: gonum/plot panicked: %v", r)
		}
	}()
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", errf(ErrRender, "SVG: %v", err)
	}
	return buf.String(), nil
}

// DisplayPNG renders p as PNG and shows it inline (an <img> with a data: URI in exported
// reports). Outside a notebook it only renders (so errors still surface).
func DisplayPNG(p *plot.Plot, w, h vg.Length) error {
	b, err := PNG(p, w, h)
	if err != nil {
		return err
	}
	return displayPNGBytes(b)
}

// displayPNGBytes shows an encoded PNG inline in GoNB; outside a notebook
// it does nothing.
func displayPNGBytes(b []byte) error {
	if gonbui.IsNotebook {
		gonbui.DisplayPng(b)
		gonbui.Sync()
		return gonbui.Error()
	}
	return nil
}

// DisplaySVG renders p as SVG and shows it inline (GoNB sends SVG as HTML, which survives
// export). Outside a notebook it only renders.
func DisplaySVG(p *plot.Plot, w, h vg.Length) error {
	s, err := SVG(p, w, h)
	if err != nil {
		return err
	}
	if gonbui.IsNotebook {
		gonbui.DisplaySvg(s)
		gonbui.Sync()
		return gonbui.Error()
	}
	return nil
}

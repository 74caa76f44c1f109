package nbhelpers

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
)

// GridMap is a quantity measured on a rectangular grid of two parameters (a phase diagram):
// Z[i*len(X)+j] is the value at (X[j], Y[i]). NaN marks a cell where the quantity is undefined
// (e.g. the CV of a silent network); it is left blank.
type GridMap struct {
	X, Y, Z []float64
}

// GridMapFromColumns builds a GridMap from three columns of a table (one row per grid point,
// in any order), e.g. the columns of a sweep table. Every (x, y) pair must appear exactly once.
func GridMapFromColumns(x, y, z []float64) (GridMap, error) {
	if len(x) == 0 {
		return GridMap{}, errf(ErrEmpty, "GridMapFromColumns: no rows")
	}
	if len(x) != len(y) || len(x) != len(z) {
		return GridMap{}, errf(ErrLength, "GridMapFromColumns: %d x, %d y, %d z", len(x), len(y), len(z))
	}
	if err := checkFinite("x", x); err != nil {
		return GridMap{}, err
	}
	if err := checkFinite("y", y); err != nil {
		return GridMap{}, err
	}
	xs, ys := distinct(x), distinct(y)
	if len(xs)*len(ys) != len(x) {
		return GridMap{}, errf(ErrLength, "GridMapFromColumns: %d rows, want %d distinct x × %d distinct y = %d",
			len(x), len(xs), len(ys), len(xs)*len(ys))
	}
	m := GridMap{X: xs, Y: ys, Z: make([]float64, len(x))}
	seen := make([]bool, len(x))
	for k := range x {
		j, _ := slices.BinarySearch(xs, x[k])
		i, _ := slices.BinarySearch(ys, y[k])
		if seen[i*len(xs)+j] {
			return GridMap{}, errf(ErrRange, "GridMapFromColumns: point (%v, %v) appears twice", x[k], y[k])
		}
		seen[i*len(xs)+j] = true
		m.Z[i*len(xs)+j] = z[k]
	}
	return m, nil
}

func distinct(v []float64) []float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return slices.Compact(s)
}

// At returns the value at grid cell (row i, column j).
func (m GridMap) At(i, j int) float64 { return m.Z[i*len(m.X)+j] }

func (m GridMap) validate() error {
	if len(m.X) == 0 || len(m.Y) == 0 {
		return errf(ErrEmpty, "GridMap is %d×%d", len(m.Y), len(m.X))
	}
	if len(m.Z) != len(m.X)*len(m.Y) {
		return errf(ErrLength, "GridMap %d×%d has %d values", len(m.Y), len(m.X), len(m.Z))
	}
	for _, ax := range []struct {
		name string
		v    []float64
	}{{"X", m.X}, {"Y", m.Y}} {
		if err := checkFinite("GridMap."+ax.name, ax.v); err != nil {
			return err
		}
		for k := 1; k < len(ax.v); k++ {
			if !(ax.v[k] > ax.v[k-1]) {
				return errf(ErrRange, "GridMap.%s is not increasing at %d: %v after %v", ax.name, k, ax.v[k], ax.v[k-1])
			}
		}
	}
	return nil
}

// Polyline is a curve drawn over a GridMap in the coordinates of its parameters, e.g. a
// boundary between regimes; its Name is written at its end.
type Polyline struct {
	Name   string
	X, Y   []float64
	Dashed bool
}

// MapLabel is a text written over a GridMap at (X, Y), e.g. the name of a regime.
type MapLabel struct {
	Text string
	X, Y float64
}

// GridMapOptions configures [GridMapChart].
type GridMapOptions struct {
	Layout
	// ValueName names the colour scale; default "value".
	ValueName string
	// Min and Max fix the colour scale; both zero scales it to the finite values.
	Min, Max float64
	// Lines and Labels are drawn over the map. They need evenly spaced X and Y.
	Lines  []Polyline
	Labels []MapLabel
}

// GridMapChart draws a GridMap as a heatmap, one cell per grid point, with optional lines and
// labels placed in the parameters' own coordinates (on a hidden pair of value axes aligned
// with the cells).
func GridMapChart(name string, m GridMap, o GridMapOptions) (*Chart, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	if o.ValueName == "" {
		o.ValueName = "value"
	}
	lo, hi := o.Min, o.Max
	blank := 0
	var data [][3]any
	if lo == 0 && hi == 0 {
		lo, hi = math.Inf(1), math.Inf(-1)
	}
	auto := math.IsInf(lo, 1)
	for i := range m.Y {
		for j := range m.X {
			v := m.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				blank++
				continue
			}
			data = append(data, [3]any{j, i, v})
			if auto {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	if len(data) == 0 {
		lo, hi = 0, 1
	}
	if !(hi > lo) {
		if !auto {
			return nil, errf(ErrRange, "GridMapOptions: Min %v, Max %v: want Min < Max", o.Min, o.Max)
		}
		hi = lo + 1
	}
	overlay := len(o.Lines) > 0 || len(o.Labels) > 0
	xr, err := cellRange("X", m.X, overlay)
	if err != nil {
		return nil, err
	}
	yr, err := cellRange("Y", m.Y, overlay)
	if err != nil {
		return nil, err
	}
	summary := fmt.Sprintf("%d×%d grid", len(m.X), len(m.Y))
	if blank > 0 {
		summary += fmt.Sprintf(", %d cells undefined (blank)", blank)
	}
	lay := o.Layout.withDefaults("Phase diagram", "480px")
	lay.XName = pickName(lay.XName, "x")
	lay.YName = pickName(lay.YName, "y")
	hd := lay.header(false, summary)
	c := charts.NewHeatMap()
	c.SetGlobalOptions(rectOpts(lay, hd, "item", false)...)
	labels := func(v []float64) []string {
		s := make([]string, len(v))
		for k, x := range v {
			s[k] = strconv.FormatFloat(x, 'g', 4, 64)
		}
		return s
	}
	series := []map[string]any{{
		"type": "heatmap", "name": o.ValueName, "data": data, "progressive": 0, "animation": false,
		"xAxisIndex": 0, "yAxisIndex": 0,
	}}
	for _, l := range o.Lines {
		if len(l.X) != len(l.Y) || len(l.X) < 2 {
			return nil, errf(ErrLength, "line %q: %d x, %d y (want ≥ 2 points)", l.Name, len(l.X), len(l.Y))
		}
		if err := checkFinite("line "+l.Name, append(slices.Clone(l.X), l.Y...)); err != nil {
			return nil, err
		}
		pts := make([][2]float64, len(l.X))
		for k := range l.X {
			pts[k] = [2]float64{l.X[k], l.Y[k]}
		}
		style := "solid"
		if l.Dashed {
			style = "dashed"
		}
		series = append(series, map[string]any{
			"type": "line", "name": l.Name, "data": pts, "xAxisIndex": 1, "yAxisIndex": 1,
			"showSymbol": false, "animation": false, "silent": true, "z": 5,
			"lineStyle": map[string]any{"color": "#111", "width": 2, "type": style},
			"endLabel":  map[string]any{"show": l.Name != "", "formatter": l.Name, "color": "#111", "fontWeight": "bold"},
		})
	}
	if len(o.Labels) > 0 {
		items := make([]map[string]any, len(o.Labels))
		for k, lb := range o.Labels {
			items[k] = map[string]any{"value": []float64{lb.X, lb.Y},
				"label": map[string]any{"show": true, "formatter": lb.Text, "fontSize": 15, "fontWeight": "bold",
					"color": "#111", "backgroundColor": "rgba(255,255,255,0.7)", "padding": 2}}
		}
		series = append(series, map[string]any{"type": "scatter", "name": "labels", "data": items,
			"xAxisIndex": 1, "yAxisIndex": 1, "symbolSize": 1, "silent": true, "animation": false, "z": 6})
	}
	hidden := func(r [2]float64) map[string]any {
		return map[string]any{"type": "value", "show": false, "min": r[0], "max": r[1]}
	}
	patch := map[string]any{
		"xAxis": []map[string]any{
			{"type": "category", "data": labels(m.X), "name": lay.XName, "nameLocation": "middle", "nameGap": 30, "splitArea": map[string]any{"show": false}},
			hidden(xr),
		},
		"yAxis": []map[string]any{
			{"type": "category", "data": labels(m.Y), "name": lay.YName, "nameLocation": "middle", "nameGap": 45},
			hidden(yr),
		},
		"series":   series,
		"dataZoom": []map[string]any{},
		"visualMap": []map[string]any{{
			"type": "continuous", "min": lo, "max": hi, "calculable": true, "orient": "vertical", "seriesIndex": 0,
			"right": 5, "top": hd.gridTop + 60, "text": []string{o.ValueName, ""},
			"inRange": map[string]any{"color": []string{"#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"}},
		}},
		"grid": []map[string]any{{"top": hd.gridTop, "bottom": 50, "left": 70, "right": 110}},
	}
	return finish("gridmap", name, lay, c, summary, patch)
}

// cellRange is the value range of a category axis' cells: from half a step below the first
// value to half a step above the last, so a value axis over it puts each value at the centre of
// its cell. Overlays need evenly spaced values.
func cellRange(name string, v []float64, even bool) ([2]float64, error) {
	if len(v) == 1 {
		return [2]float64{v[0] - 0.5, v[0] + 0.5}, nil
	}
	step := (v[len(v)-1] - v[0]) / float64(len(v)-1)
	if even {
		for k := 1; k < len(v); k++ {
			if d := v[k] - v[k-1]; math.Abs(d-step) > 1e-6*step {
				return [2]float64{}, errf(ErrRange, "GridMap.%s is not evenly spaced (step %v at %d, want %v); lines and labels need an even grid", name, d, k, step)
			}
		}
	}
	return [2]float64{v[0] - step/2, v[len(v)-1] + step/2}, nil
}

// DisplayGridMap builds a [GridMapChart] and displays it.
func DisplayGridMap(name string, m GridMap, o GridMapOptions) error {
	return display(GridMapChart(name, m, o))
}

package nbhelpers_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/neuron-sim/neuron/nbhelpers"
)

func TestGridMapFromColumns(t *testing.T) {
	// Rows in scrambled order; z = 10·x + y.
	x := []float64{2, 1, 2, 1, 3, 3}
	y := []float64{0.5, 0.5, 0, 0, 0, 0.5}
	z := make([]float64, len(x))
	for k := range x {
		z[k] = 10*x[k] + y[k]
	}
	m, err := nbhelpers.GridMapFromColumns(x, y, z)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.X) != 3 || len(m.Y) != 2 || m.X[0] != 1 || m.Y[1] != 0.5 {
		t.Fatalf("axes %v × %v", m.X, m.Y)
	}
	for i, yv := range m.Y {
		for j, xv := range m.X {
			if got := m.At(i, j); got != 10*xv+yv {
				t.Errorf("At(%d, %d) = %v, want %v", i, j, got, 10*xv+yv)
			}
		}
	}
	for _, c := range []struct {
		x, y, z []float64
		want    error
	}{
		{nil, nil, nil, nbhelpers.ErrEmpty},
		{[]float64{1, 2}, []float64{1}, []float64{1, 2}, nbhelpers.ErrLength},
		{[]float64{1, 2, 1}, []float64{1, 1, 2}, []float64{1, 2, 3}, nbhelpers.ErrLength}, // a cell missing
		{[]float64{1, 1}, []float64{1, 1}, []float64{1, 2}, nbhelpers.ErrLength},
		{[]float64{math.NaN()}, []float64{1}, []float64{1}, nbhelpers.ErrNonFinite},
	} {
		if _, err := nbhelpers.GridMapFromColumns(c.x, c.y, c.z); !errors.Is(err, c.want) {
			t.Errorf("GridMapFromColumns(%v, %v, %v): %v, want %v", c.x, c.y, c.z, err, c.want)
		}
	}
}

func TestGridMapChart(t *testing.T) {
	m := nbhelpers.GridMap{X: []float64{0, 2, 4, 6}, Y: []float64{1, 2, 3},
		Z: []float64{1, 2, 3, 4, 5, math.NaN(), 7, 8, 9, 10, 11, 12}}
	ch, err := nbhelpers.GridMapChart("phase", m, nbhelpers.GridMapOptions{ValueName: "rate",
		Lines:  []nbhelpers.Polyline{{Name: "g = 4", X: []float64{4, 4}, Y: []float64{1, 3}, Dashed: true}},
		Labels: []nbhelpers.MapLabel{{Text: "AI", X: 5, Y: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	var o struct {
		Series []struct {
			Type       string          `json:"type"`
			Data       json.RawMessage `json:"data"`
			XAxisIndex int             `json:"xAxisIndex"`
		} `json:"series"`
		XAxis []struct {
			Type string   `json:"type"`
			Data []string `json:"data"`
			Min  float64  `json:"min"`
			Max  float64  `json:"max"`
		} `json:"xAxis"`
		YAxis []struct {
			Min, Max float64
		} `json:"yAxis"`
		VisualMap []struct{ Min, Max float64 } `json:"visualMap"`
	}
	if err := json.Unmarshal([]byte(ch.Option), &o); err != nil {
		t.Fatal(err)
	}
	if len(o.Series) != 3 || o.Series[0].Type != "heatmap" || o.Series[1].Type != "line" || o.Series[2].Type != "scatter" {
		t.Fatalf("series %+v", o.Series)
	}
	var cells [][3]float64
	json.Unmarshal(o.Series[0].Data, &cells)
	if len(cells) != 11 { // the NaN cell is blank
		t.Errorf("%d heatmap cells, want 11", len(cells))
	}
	for _, c := range cells {
		if want := m.At(int(c[1]), int(c[0])); c[2] != want {
			t.Errorf("cell %v, want value %v", c, want)
		}
	}
	// The hidden value axes put grid values at cell centres: x from −1 to 7, y from 0.5 to 3.5.
	if len(o.XAxis) != 2 || o.XAxis[0].Type != "category" || len(o.XAxis[0].Data) != 4 ||
		o.XAxis[1].Min != -1 || o.XAxis[1].Max != 7 || o.YAxis[1].Min != 0.5 || o.YAxis[1].Max != 3.5 {
		t.Errorf("axes %+v %+v", o.XAxis, o.YAxis)
	}
	if o.Series[1].XAxisIndex != 1 {
		t.Errorf("line on x axis %d, want the value axis 1", o.Series[1].XAxisIndex)
	}
	if o.VisualMap[0].Min != 1 || o.VisualMap[0].Max != 12 {
		t.Errorf("colour scale %v–%v, want 1–12", o.VisualMap[0].Min, o.VisualMap[0].Max)
	}
	if ch.Summary != "4×3 grid, 1 cells undefined (blank)" {
		t.Errorf("summary %q", ch.Summary)
	}

	bad := []struct {
		m    nbhelpers.GridMap
		o    nbhelpers.GridMapOptions
		want error
	}{
		{nbhelpers.GridMap{}, nbhelpers.GridMapOptions{}, nbhelpers.ErrEmpty},
		{nbhelpers.GridMap{X: []float64{1, 2}, Y: []float64{1}, Z: []float64{1}}, nbhelpers.GridMapOptions{}, nbhelpers.ErrLength},
		{nbhelpers.GridMap{X: []float64{2, 1}, Y: []float64{1}, Z: []float64{1, 2}}, nbhelpers.GridMapOptions{}, nbhelpers.ErrRange},
		{nbhelpers.GridMap{X: []float64{1, 2, 4}, Y: []float64{1}, Z: []float64{1, 2, 3}},
			nbhelpers.GridMapOptions{Labels: []nbhelpers.MapLabel{{Text: "a"}}}, nbhelpers.ErrRange},
		{m, nbhelpers.GridMapOptions{Lines: []nbhelpers.Polyline{{X: []float64{1}, Y: []float64{1}}}}, nbhelpers.ErrLength},
		{m, nbhelpers.GridMapOptions{Min: 3, Max: 2}, nbhelpers.ErrRange},
	}
	for k, c := range bad {
		if _, err := nbhelpers.GridMapChart("x", c.m, c.o); !errors.Is(err, c.want) {
			t.Errorf("case %d: %v, want %v", k, err, c.want)
		}
	}
}

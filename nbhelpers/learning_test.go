package nbhelpers

import (
	"bytes"
	"encoding/json"
	"errors"
	"image/png"
	"math"
	"testing"
)

func TestReceptiveFieldsPNG(t *testing.T) {
	// Five 4×4 fields: field k has value k at pixel (row 1, col 2), 0 elsewhere.
	fields := make([][]float64, 5)
	for k := range fields {
		fields[k] = make([]float64, 16)
		fields[k][1*4+2] = float64(k)
	}
	b, err := ReceptiveFieldsPNG(fields, FieldsOptions{Side: 4, Scale: 2})
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// ⌈√5⌉ = 3 columns, 2 rows; each cell is (4+1)·2 px plus a 2 px border.
	if got := img.Bounds().Size(); got.X != 3*10+2 || got.Y != 2*10+2 {
		t.Fatalf("image %v, want 32×22", got)
	}
	at := func(k, row, col int) [3]uint32 {
		x := (k%3)*10 + 2 + col*2
		y := (k/3)*10 + 2 + row*2
		r, g, bl, _ := img.At(x+1, y+1).RGBA()
		return [3]uint32{r >> 8, g >> 8, bl >> 8}
	}
	if got := at(4, 1, 2); got != [3]uint32{8, 48, 107} {
		t.Errorf("largest value drawn as %v, want dark blue", got)
	}
	if got := at(2, 1, 2); got != [3]uint32{107, 174, 214} {
		t.Errorf("half the largest drawn as %v, want the middle blue", got)
	}
	if got := at(3, 0, 0); got != [3]uint32{255, 255, 255} {
		t.Errorf("zero drawn as %v, want white", got)
	}
	if r, _, _, _ := img.At(0, 0).RGBA(); r>>8 != 120 {
		t.Errorf("gap colour %d, want grey 120", r>>8)
	}
	// Max clips: with Max 2 the value 4 is as dark as 2.
	b2, _ := ReceptiveFieldsPNG(fields, FieldsOptions{Side: 4, Scale: 2, Max: 2})
	img2, _ := png.Decode(bytes.NewReader(b2))
	r4, _, _, _ := img2.At((4%3)*10+2+4+1, (4/3)*10+2+2+1).RGBA()
	r2, _, _, _ := img2.At((2%3)*10+2+4+1, (2/3)*10+2+2+1).RGBA()
	if r4 != r2 || r4>>8 != 8 {
		t.Errorf("Max 2: values 4 and 2 drawn with red %d and %d, want both 8", r4>>8, r2>>8)
	}
}

func TestReceptiveFieldsErrors(t *testing.T) {
	for _, c := range []struct {
		name   string
		fields [][]float64
		o      FieldsOptions
		want   error
	}{
		{"none", nil, FieldsOptions{}, ErrEmpty},
		{"short", [][]float64{make([]float64, 10)}, FieldsOptions{Side: 4}, ErrLength},
		{"nan", [][]float64{{0, math.NaN(), 0, 0}}, FieldsOptions{Side: 2}, ErrNonFinite},
		{"scale", [][]float64{make([]float64, 4)}, FieldsOptions{Side: 2, Scale: -1}, ErrRange},
		{"max", [][]float64{make([]float64, 4)}, FieldsOptions{Side: 2, Max: math.Inf(1)}, ErrRange},
	} {
		if _, err := ReceptiveFieldsPNG(c.fields, c.o); !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.want)
		}
	}
}

func TestConfusionChart(t *testing.T) {
	counts := [][]int{{8, 2, 0}, {0, 5, 5}, {1, 0, 3}}
	ch, err := ConfusionChart("conf", counts, HeatmapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var opt struct {
		Series []struct {
			Data [][3]float64 `json:"data"`
		} `json:"series"`
		Title struct {
			Text string `json:"text"`
		} `json:"title"`
	}
	if err := json.Unmarshal([]byte(ch.Option), &opt); err != nil {
		t.Fatal(err)
	}
	want := map[[2]int]float64{{0, 0}: 80, {1, 0}: 20, {1, 1}: 50, {2, 1}: 50, {0, 2}: 25, {2, 2}: 75}
	got := map[[2]int]float64{}
	for _, d := range opt.Series[0].Data {
		got[[2]int{int(d[0]), int(d[1])}] = d[2] // x: predicted, y: true
	}
	if len(got) != len(want) {
		t.Fatalf("cells %v, want %v", got, want)
	}
	for k, v := range want {
		if math.Abs(got[k]-v) > 1e-9 {
			t.Errorf("cell (pred %d, true %d) = %g %%, want %g", k[0], k[1], got[k], v)
		}
	}
	if ch.Kind != "confusion" || opt.Title.Text != "Confusion matrix" {
		t.Errorf("kind %q, title %+v", ch.Kind, opt.Title)
	}
	for _, bad := range [][][]int{nil, {{1, 2}, {3}}, {{0, 0}, {0, 0}}, {{1, -1}, {0, 1}}} {
		if _, err := ConfusionChart("bad", bad, HeatmapOptions{}); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

func TestLearningCurveChart(t *testing.T) {
	curves := []LearningCurve{
		{Label: "100 cells", Seen: []float64{1000, 2000, 3000}, Value: []float64{40, 60, 70}},
		{Label: "400 cells", Seen: []float64{1000, 2000}, Value: []float64{45, 65}},
	}
	ch, err := LearningCurveChart("lc", curves, Layout{})
	if err != nil {
		t.Fatal(err)
	}
	var opt struct {
		Series []struct {
			Name string       `json:"name"`
			Data [][2]float64 `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal([]byte(ch.Option), &opt); err != nil {
		t.Fatal(err)
	}
	if len(opt.Series) != 2 || opt.Series[0].Name != "100 cells" || len(opt.Series[0].Data) != 3 ||
		opt.Series[1].Data[1] != [2]float64{2000, 65} {
		t.Errorf("series %+v", opt.Series)
	}
	for _, bad := range [][]LearningCurve{
		nil,
		{{Seen: []float64{2, 1}, Value: []float64{1, 2}}},
		{{Seen: []float64{1, 2}, Value: []float64{1}}},
		{{Seen: []float64{1}, Value: []float64{math.NaN()}}},
	} {
		if _, err := LearningCurveChart("bad", bad, Layout{}); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

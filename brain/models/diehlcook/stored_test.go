package diehlcook

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// TestStoredResults checks the results of the long runs stored in
// testdata/ (written by "neuron mnist", shown by notebook 10): each file
// is internally consistent, its confusion matrix has, row by row, as many
// images as the MNIST test set has of each digit among the images it
// says it tested, and a finished run of the paper's protocol (all 60 000
// training images for the paper's number of passes, labels from the 60 000,
// the 10 000 test images) with 400 cells lies within a point of the
// paper's 87.0 %.
func TestStoredResults(t *testing.T) {
	files, err := filepath.Glob("../../../testdata/mnist_diehlcook_*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no stored results in testdata (%v)", err)
	}
	_, test := loadMNIST(t)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r, err := ReadResult(f)
			if err != nil {
				t.Fatal(err)
			}
			// mnist_diehlcook_<cells>.json is seed 1; other seeds add _seed<seed>;
			// runs with the published code's Euler membrane step add _euler
			// after the cells, runs with another rule than the paper's its name
			// (_triplet), runs with the published code's neuron _free.
			variant := ""
			if r.EulerMembrane {
				variant = "_euler"
			}
			if r.Rule != RulePaper.String() {
				variant += "_" + r.Rule
			}
			if r.FreeRefractory {
				variant += "_free"
			}
			want := fmt.Sprintf("_%d%s_seed%d.json", r.NExc, variant, r.Seed)
			if r.Seed == 1 {
				want = fmt.Sprintf("_%d%s.json", r.NExc, variant)
			}
			if !strings.HasSuffix(f, want) {
				t.Errorf("file holds a run of %d cells, seed %d: want a name ending in %s", r.NExc, r.Seed, want)
			}
			tr := r.Train
			if tr == nil {
				t.Fatal("no training summary")
			}
			if tr.ImagesTotal != r.Passes*r.Images || tr.ImagesSeen < 1 || tr.ImagesSeen > tr.ImagesTotal {
				t.Errorf("images seen %d of %d, with %d passes over %d", tr.ImagesSeen, tr.ImagesTotal, r.Passes, r.Images)
			}
			if tr.Presentations < tr.ImagesSeen {
				t.Errorf("%d presentations for %d images", tr.Presentations, tr.ImagesSeen)
			}
			if got := tr.CPUSeconds / float64(tr.ImagesSeen); math.Abs(got-tr.CPUSecondsPerImg) > 1e-9*got {
				t.Errorf("CPU per image %g, but %g s over %d images", tr.CPUSecondsPerImg, tr.CPUSeconds, tr.ImagesSeen)
			}
			for k, c := range tr.Curve {
				if c.Images > tr.ImagesSeen || (k > 0 && c.Images <= tr.Curve[k-1].Images) || c.Accuracy < 0 || c.Accuracy > 1 {
					t.Errorf("curve point %d: %+v", k, c)
				}
			}
			if r.Label == nil || r.Test == nil {
				t.Fatal("not labelled and tested")
			}
			if len(r.Label.Assign) != r.NExc || r.Label.Images < 1 || r.Label.Images > 60000 {
				t.Errorf("%d labels for %d cells, from %d images", len(r.Label.Assign), r.NExc, r.Label.Images)
			}
			for j, a := range r.Label.Assign {
				if a < -1 || a > 9 {
					t.Fatalf("cell %d labelled %d", j, a)
				}
			}
			if r.Test.Images < 1 || r.Test.Images > test.Len() {
				t.Fatalf("%d test images", r.Test.Images)
			}
			var perDigit [10]int
			for _, l := range test.Labels[:r.Test.Images] {
				perDigit[l]++
			}
			diag := 0
			for i, row := range r.Test.Confusion {
				n := 0
				for j, c := range row {
					n += c
					if i == j {
						diag += c
					}
				}
				if n != perDigit[i] {
					t.Errorf("confusion row %d holds %d images; the first %d test images have %d of digit %d", i, n, r.Test.Images, perDigit[i], i)
				}
			}
			if acc := float64(diag) / float64(r.Test.Images); acc != r.Test.Accuracy {
				t.Errorf("accuracy %.4f, but the confusion diagonal gives %.4f", r.Test.Accuracy, acc)
			}
			full := tr.ImagesSeen == tr.ImagesTotal && r.Images == 60000 && r.Passes == PaperPasses(r.NExc) &&
				r.Label.Images == 60000 && r.Test.Images == 10000
			t.Logf("%d cells, %d of %d training images, labels from %d, %d test images: %.2f %% (paper's protocol: %v)",
				r.NExc, tr.ImagesSeen, tr.ImagesTotal, r.Label.Images, r.Test.Images, 100*r.Test.Accuracy, full)
			// Floors a point below what the stored runs of the paper's protocol
			// measured, against a regression: the paper's rule with 400 cells
			// 86.90–87.46 % (plain Euler) and 86.93–87.13 % (seeds 1–3; the paper:
			// 87.0 %); the published code's triplet rule 88.52–88.78 % with 400 cells
			// (seeds 1–3) and 91.93 % with 1600 (seed 1; the paper: 91.9 %).
			floor := map[string]map[int]float64{"paper": {400: 0.860}, "triplet": {400: 0.875, 1600: 0.909}}
			if f, ok := floor[r.Rule][r.NExc]; ok && full && !r.FreeRefractory && r.Test.Accuracy < f {
				t.Errorf("%d cells, %s rule, paper's protocol: %.2f %%, below the floor %.1f %%", r.NExc, r.Rule, 100*r.Test.Accuracy, 100*f)
			}
		})
	}
}

package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	dc "github.com/neuron-sim/neuron/brain/models/diehlcook"
)

// mnistRun runs "neuron mnist" with the small test configuration plus
// extra flags and returns the results file.
func mnistRun(t *testing.T, dir, phase string, extra ...string) *dc.Result {
	t.Helper()
	args := append([]string{"mnist", phase, "-n", "12", "-passes", "2", "-images", "25", "-label-images", "30",
		"-test-images", "20", "-block", "10", "-every", "7", "-seed", "3", "-quiet",
		"-state", filepath.Join(dir, "ck"), "-json", filepath.Join(dir, "r.json")}, extra...)
	var out, errb bytes.Buffer
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("neuron %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errb.String())
	}
	r, err := dc.ReadResult(filepath.Join(dir, "r.json"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestMNISTWorkersAndResume: the same seed gives the same weights and
// accuracy for 1 and 3 workers and when training resumes from a
// checkpoint written mid-run; separate phases give the result of "all".
func TestMNISTWorkersAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a small network")
	}
	a := mnistRun(t, t.TempDir(), "all", "-workers", "1")
	b := mnistRun(t, t.TempDir(), "all", "-workers", "3")
	if a.Train.WeightsSHA256 != b.Train.WeightsSHA256 || a.Test.Accuracy != b.Test.Accuracy || a.Test.Confusion != b.Test.Confusion {
		t.Errorf("1 worker: %s acc %g; 3 workers: %s acc %g", a.Train.WeightsSHA256, a.Test.Accuracy, b.Train.WeightsSHA256, b.Test.Accuracy)
	}
	if a.Test.Images != 20 || a.Label.Images != 30 || a.Train.ImagesSeen != 50 || len(a.Label.Assign) != 12 {
		t.Errorf("sizes: test %d, label %d, train %d, assignments %d", a.Test.Images, a.Label.Images, a.Train.ImagesSeen, len(a.Label.Assign))
	}

	// A checkpoint written after 18 of the 50 images, as a killed run leaves it.
	dir := t.TempDir()
	tr, err := dc.NewTrainer(dc.Paper(12), 3, 2, 25, 10)
	if err != nil {
		t.Fatal(err)
	}
	train, _, err := dc.LoadMNIST(mustDir(t))
	if err != nil {
		t.Fatal(err)
	}
	for tr.Done < 18 {
		if err := tr.Step(train); err != nil {
			t.Fatal(err)
		}
	}
	if err := tr.Save(filepath.Join(dir, "ck")); err != nil {
		t.Fatal(err)
	}
	if s := mnistRun(t, dir, "status"); s.Train.ImagesSeen != 18 || s.Train.ImagesTotal != 50 || s.Test != nil {
		t.Errorf("status of the checkpoint: %d of %d images seen", s.Train.ImagesSeen, s.Train.ImagesTotal)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"mnist", "label", "-n", "12", "-passes", "2", "-images", "25", "-block", "10", "-seed", "3",
		"-quiet", "-state", filepath.Join(dir, "ck"), "-json", filepath.Join(dir, "r.json")}, &out, &errb); code == 0 ||
		!strings.Contains(errb.String(), "not finished") {
		t.Errorf("label of an unfinished training: exit %d, %q", code, errb.String())
	}
	mnistRun(t, dir, "label", "-partial")
	if p := mnistRun(t, dir, "test", "-partial"); p.Train.ImagesSeen != 18 || p.Test == nil || p.Test.Images != 20 {
		t.Errorf("partial evaluation: %+v", p.Train)
	}
	mnistRun(t, dir, "train")
	mnistRun(t, dir, "label", "-workers", "2")
	c := mnistRun(t, dir, "test", "-workers", "2")
	if c.Train.WeightsSHA256 != a.Train.WeightsSHA256 || c.Test.Accuracy != a.Test.Accuracy {
		t.Errorf("resumed: %s acc %g; straight: %s acc %g", c.Train.WeightsSHA256, c.Test.Accuracy, a.Train.WeightsSHA256, a.Test.Accuracy)
	}

	// A checkpoint of another configuration is refused.
	out.Reset()
	errb.Reset()
	code := run([]string{"mnist", "train", "-n", "13", "-passes", "2", "-images", "25", "-block", "10", "-seed", "3",
		"-quiet", "-state", filepath.Join(dir, "ck")}, &out, &errb)
	if code == 0 || !strings.Contains(errb.String(), "another run") {
		t.Errorf("mismatched checkpoint: exit %d, %q", code, errb.String())
	}
}

func mustDir(t *testing.T) string {
	t.Helper()
	d, err := dc.MNISTDir()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestMNISTBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"mnist", "fit"}, "unknown phase"},
		{[]string{"mnist", "status", "-state", "/nonexistent/ck", "-json", "x.json"}, "no checkpoint"},
		{[]string{"mnist", "label", "-json", "x.json"}, "--state"},
		{[]string{"mnist", "-rule", "hebb"}, "hebb"},
		{[]string{"mnist", "-n", "0"}, "NExc"},
		{[]string{"mnist", "-images", "70000"}, "--images = 70000"},
		{[]string{"mnist", "-workers", "-1"}, "--workers = -1"},
	} {
		var out, errb bytes.Buffer
		if code := run(c.args, &out, &errb); code == 0 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want an error naming %q", c.args, code, errb.String(), c.want)
		}
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestBenchChild runs one small measurement through the command line, as
// the parent does in a child process, and checks what it reports.
func TestBenchChild(t *testing.T) {
	var out, errb bytes.Buffer
	args := []string{"bench", "--child", "--model", "cuba", "--n", "1000", "--duration", "200", "--cores", "1"}
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var r benchResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	// In-degree 80 (p = 0.08 at N = 1000): ≈ 80 000 synapses, 4 bytes of
	// target each plus the row offsets.
	if r.Neurons != 1000 || r.Synapses < 75000 || r.Synapses > 85000 {
		t.Errorf("neurons %d, synapses %d", r.Neurons, r.Synapses)
	}
	if b := float64(r.ConnBytes) / float64(r.Synapses); b < 4 || b > 4.2 {
		t.Errorf("%.2f bytes per synapse, want 4 + row offsets", b)
	}
	if r.Spikes == 0 || r.Events < 50*r.Spikes || r.Events > 110*r.Spikes {
		t.Errorf("%d spikes, %d events: want ≈ 80 events per spike", r.Spikes, r.Events)
	}
	if r.RunS <= 0 || r.BuildS <= 0 {
		t.Errorf("build %v s, run %v s", r.BuildS, r.RunS)
	}
}

func TestBenchChecks(t *testing.T) {
	ok := &benchResult{Model: "cuba", Neurons: 4000, RateExc: 5.7, RateInh: 5.8}
	if c := checkResult(ok); c != "ok" {
		t.Errorf("CUBA 5.7/5.8 Hz: %s", c)
	}
	bad := &benchResult{Model: "coba", Neurons: 4000, RateExc: 30, RateInh: 30}
	if c := checkResult(bad); !strings.Contains(c, "OUT OF RANGE") {
		t.Errorf("COBA 30 Hz: %s", c)
	}
	song := &benchResult{Model: "stdp", DurationMS: 100000, RateExc: 25, WLow: 0.21, WHigh: 0.17, WMean: 0.48}
	if c := checkResult(song); c != "ok" {
		t.Errorf("Song reference figures: %s", c)
	}
	song.WHigh = 0.02
	if c := checkResult(song); !strings.Contains(c, "w>0.9gmax") {
		t.Errorf("Song without a high mode: %s", c)
	}
	if v := verdict(0.5, "≤ 0.6"); v != "met" {
		t.Errorf("verdict(0.5, ≤ 0.6) = %q", v)
	}
	if v := verdict(1.5, "≤ 1"); v != "missed" {
		t.Errorf("verdict(1.5, ≤ 1) = %q", v)
	}
}

// Both COBA rows get the change-a-parameter measurement, each with its
// own integrator, as CUBA does; STDP has none.
func TestE2EModel(t *testing.T) {
	for m, want := range map[string]string{"cuba": "cuba", "coba": "coba", "coba-euler": "coba-euler", "stdp": ""} {
		if got, ok := e2eModel(m); got != want || ok != (want != "") {
			t.Errorf("e2eModel(%q) = %q, %v; want %q", m, got, ok, want)
		}
	}
}

// TestBenchGoRun: the change-a-parameter measurement builds and runs a
// small program against this module's source.
func TestBenchGoRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go tool")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go tool")
	}
	e, err := measureGoRun("cuba", 1000, 50, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if e.Spikes <= 0 || e.GoRunS <= 0 {
		t.Errorf("go run: %d spikes in %.2f s", e.Spikes, e.GoRunS)
	}
	if len(e.Runs) != 2 || e.GoRunS != min(e.Runs[0], e.Runs[1]) {
		t.Errorf("go run: two changed programs timed %v, median %.3f s (want the lower of two)", e.Runs, e.GoRunS)
	}
	t.Logf("go run of a changed CUBA 1000 program: %.2f s, %d spikes", e.GoRunS, e.Spikes)
}

// TestBenchGoRunIntegrator: the change-a-parameter program of each COBA
// row runs that row's integrator — its spikes are the bench child's for
// the same model, size, duration and seed (coba-euler's program is timed
// against Brian2's forward-Euler script, so it must not run the default).
func TestBenchGoRunIntegrator(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go tool")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go tool")
	}
	child := map[string]int64{}
	for _, m := range []string{"coba", "coba-euler"} {
		var out, errb bytes.Buffer
		args := []string{"bench", "--child", "--model", m, "--n", "1000", "--duration", "50", "--cores", "1", "--seed", "1"}
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d: %s", m, code, errb.String())
		}
		var r benchResult
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		child[m] = r.Spikes
	}
	if child["coba"] == child["coba-euler"] {
		t.Fatalf("the two integrators gave the same %d spikes: the check below could not tell them apart", child["coba"])
	}
	e, err := measureGoRun("coba-euler", 1000, 50, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if e.Spikes != child["coba-euler"] {
		t.Errorf("go run of the coba-euler program: %d spikes; the bench child: %d with forward Euler, %d with the default integrator",
			e.Spikes, child["coba-euler"], child["coba"])
	}
}

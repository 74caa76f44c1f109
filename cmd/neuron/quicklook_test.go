package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/brain/explore"
)

func TestCellCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "pk.html")
	for _, c := range []struct {
		ty      string
		current float64
	}{{"purkinje", 300}, {"pyramidal", 1500}, {"granule", 0}} {
		var so, se bytes.Buffer
		args := []string{"cell", "--type", c.ty, "--current", fmtF(c.current), "--out", out}
		if code := run(args, &so, &se); code != 0 {
			t.Fatalf("%v: code %d, %s", args, code, se.String())
		}
		p := explore.DefaultCell(c.ty)
		p.CurrentPA = c.current
		want, _ := explore.RunCell(p)
		if !strings.Contains(so.String(), want.Summary()) || !strings.Contains(so.String(), "report: "+out) {
			t.Errorf("%s: output %q lacks %q", c.ty, so.String(), want.Summary())
		}
		page, err := os.ReadFile(out)
		if err != nil || !bytes.Contains(page, []byte("data-nbchart=")) || bytes.Contains(page, []byte("https://")) && bytes.Contains(page, []byte("<script src")) {
			t.Errorf("%s: report missing or not self-contained (%v)", c.ty, err)
		}
	}
	var so, se bytes.Buffer
	if code := run([]string{"cell", "--type", "purkinje", "--current", "300", "--json"}, &so, &se); code != 0 {
		t.Fatal(se.String())
	}
	var r explore.CellResult
	if err := json.Unmarshal(so.Bytes(), &r); err != nil || r.Spikes != len(r.SpikeTimesMS) || r.Spikes == 0 {
		t.Errorf("--json: %v, %d spikes / %d times", err, r.Spikes, len(r.SpikeTimesMS))
	}
	se.Reset()
	if code := run([]string{"cell", "--type", "astrocyte"}, &so, &se); code != 1 || !strings.Contains(se.String(), "astrocyte") {
		t.Errorf("bad type: code %d, %q", code, se.String())
	}
}

func fmtF(x float64) string { b, _ := json.Marshal(x); return string(b) }

func TestNetworkCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "net.html")
	var so, se bytes.Buffer
	if code := run([]string{"network", "--state", "SR", "--ne", "400", "--duration", "100", "--out", out}, &so, &se); code != 0 {
		t.Fatal(se.String())
	}
	p := explore.DefaultNet()
	p.G, p.Eta, p.NE, p.DurationMS = 3, 2, 400, 100
	want, _ := explore.RunNet(p)
	if !strings.Contains(so.String(), want.Summary()) {
		t.Errorf("output %q lacks %q", so.String(), want.Summary())
	}
	if fi, err := os.Stat(out); err != nil || fi.Size() > 5e6 {
		t.Errorf("report: %v", err)
	}
	se.Reset()
	if code := run([]string{"network", "--state", "XY"}, &so, &se); code != 1 || !strings.Contains(se.String(), "XY") {
		t.Errorf("bad state: code %d, %q", code, se.String())
	}
	se.Reset()
	if code := run([]string{"network", "--g", "-2"}, &so, &se); code != 1 || !strings.Contains(se.String(), "NetParams.G") {
		t.Errorf("bad g: code %d, %q", code, se.String())
	}
}

//go:build cgo && !nohdf5

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/format/nwb"
	"github.com/neuron-sim/neuron/format/sonata"
)

// TestRecordCommand records CUBA to a stream file, verifies it, converts
// it to NWB and SONATA, and checks that the same run without recording
// gives the same spikes (hash) and that both files hold every spike.
func TestRecordCommand(t *testing.T) {
	dir := t.TempDir()
	nrs, nwbPath, sonPath := filepath.Join(dir, "r.nrs"), filepath.Join(dir, "r.nwb"), filepath.Join(dir, "s.h5")
	var out, errb bytes.Buffer
	args := []string{"record", "--n", "1000", "--ms", "300", "--seed", "2", "--out", nrs, "--verify", "--trace-cells", "3", "--nwb", nwbPath, "--sonata", sonPath, "--sonata-network", filepath.Join(dir, "net")}
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("record: code %d: %s", code, errb.String())
	}
	var rec recordResult
	if err := json.Unmarshal(out.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Verified == nil || !*rec.Verified || rec.Spikes < 500 || rec.ReadSpikes != rec.Spikes || rec.FileBytes == 0 {
		t.Fatalf("record result %+v", rec)
	}
	out.Reset()
	if code := run([]string{"record", "--n", "1000", "--ms", "300", "--seed", "2"}, &out, &errb); code != 0 {
		t.Fatalf("record without file: code %d: %s", code, errb.String())
	}
	var base recordResult
	if err := json.Unmarshal(out.Bytes(), &base); err != nil {
		t.Fatal(err)
	}
	if base.Hash != rec.Hash || base.Spikes != rec.Spikes || base.Recording {
		t.Errorf("recording changed the run: %s/%d vs %s/%d", base.Hash, base.Spikes, rec.Hash, rec.Spikes)
	}
	u, err := nwb.ReadUnits(nwbPath)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(u.SpikeTimesS)) != rec.Spikes || len(u.Index) != 1000 {
		t.Errorf("NWB: %d spikes in %d rows, want %d in 1000", len(u.SpikeTimesS), len(u.Index), rec.Spikes)
	}
	if _, err := nwb.ReadTimeSeries(nwbPath, "acquisition/exc_V"); err != nil {
		t.Errorf("NWB trace: %v", err)
	}
	var n int
	for _, pop := range []string{"exc", "inh"} {
		s, err := sonata.ReadSpikes(sonPath, pop)
		if err != nil {
			t.Fatal(err)
		}
		n += len(s.TimestampsMS)
	}
	if int64(n) != rec.Spikes {
		t.Errorf("SONATA: %d spikes, want %d", n, rec.Spikes)
	}
	if nodes, err := sonata.ReadNodes(filepath.Join(dir, "net", sonata.NodesFile)); err != nil || nodes["exc"] != 800 {
		t.Errorf("SONATA nodes %v (%v)", nodes, err)
	}
	out.Reset()
	conv := filepath.Join(dir, "c.nwb")
	if code := run([]string{"convert", "--in", nrs, "--nwb", conv}, &out, &errb); code != 0 {
		t.Fatalf("convert: code %d: %s", code, errb.String())
	}
	if u, err := nwb.ReadUnits(conv); err != nil || int64(len(u.SpikeTimesS)) != rec.Spikes {
		t.Errorf("convert: %d spikes (%v), want %d", len(u.SpikeTimesS), err, rec.Spikes)
	}
	for _, bad := range [][]string{{"convert", "--in", nrs}, {"convert", "--in", filepath.Join(dir, "none"), "--nwb", conv}, {"record", "--model", "hh"}, {"record", "--verify"}, {"record", "--ms", "-1"}} {
		if code := run(bad, &out, &errb); code != 1 {
			t.Errorf("%v: code %d", bad, code)
		}
	}
}

// TestFitNWB fits a sweep of the NWB fixture through the command line.
func TestFitNWB(t *testing.T) {
	fixture := filepath.Join("..", "..", "format", "nwb", "testdata", "icephys.nwb")
	var out, errb bytes.Buffer
	code := run([]string{"fit", "--nwb", fixture, "--nwb-sweep", "data_00004_AD0", "--nwb-sweep", "3", "--train", "0:500", "--test", "500:800", "--evals", "30"}, &out, &errb)
	if code != 0 {
		t.Fatalf("fit --nwb: code %d: %s", code, errb.String())
	}
	var res fitOutput
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res.Train.NData < 5 || res.Test == nil || res.Test.NData < 1 || len(res.Extra) != 1 || res.Extra[0].NData < 10 {
		t.Errorf("fit --nwb: %d training spikes, test %+v, extra sweeps %+v", res.Train.NData, res.Test, res.Extra)
	}
	errb.Reset()
	if code := run([]string{"fit", "--nwb", fixture, "--nwb-sweep", "data_00005_AD0", "--train", "0:500"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "data_00003_AD0") {
		t.Errorf("voltage-clamp sweep: code %d, %q (want the list of sweeps)", code, errb.String())
	}
	if code := run([]string{"fit", "--nwb", fixture, "--train", "0:500"}, &out, &errb); code != 1 {
		t.Errorf("--nwb without --nwb-sweep: code %d", code)
	}
}

// TestConvertIncompleteFile: converting a stream file whose recorder did
// not close it (here: cut inside its last block, as a crash or a full
// disk leaves it) is an error unless --partial is given, and then the
// JSON says it was incomplete. "neuron convert" used to convert such a
// file and exit 0: a file cut in the middle of a run with traced cells
// lost every spike (they are written last) and gave an NWB file with an
// empty units table, with no word.
func TestConvertIncompleteFile(t *testing.T) {
	dir := t.TempDir()
	nrs := filepath.Join(dir, "r.nrs")
	var out, errb bytes.Buffer
	if code := run([]string{"record", "--n", "1000", "--ms", "100", "--out", nrs, "--trace-cells", "3"}, &out, &errb); code != 0 {
		t.Fatalf("record: code %d: %s", code, errb.String())
	}
	data, err := os.ReadFile(nrs)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.nrs")
	if err := os.WriteFile(cut, data[:len(data)-1], 0o644); err != nil {
		t.Fatal(err)
	}
	conv := filepath.Join(dir, "c.nwb")
	out.Reset()
	errb.Reset()
	if code := run([]string{"convert", "--in", cut, "--nwb", conv}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "incomplete") || !strings.Contains(errb.String(), "--partial") {
		t.Errorf("convert of a cut file: code %d, stderr %q; want code 1 and a message saying it is incomplete", code, errb.String())
	}
	out.Reset()
	if code := run([]string{"convert", "--in", cut, "--nwb", conv, "--partial"}, &out, &errb); code != 0 {
		t.Fatalf("convert --partial: code %d: %s", code, errb.String())
	}
	var res map[string]any
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res["complete"] != false {
		t.Errorf("convert --partial: complete = %v, want false", res["complete"])
	}
	out.Reset()
	if code := run([]string{"convert", "--in", nrs, "--sonata", filepath.Join(dir, "s.h5")}, &out, &errb); code != 0 {
		t.Fatalf("convert of the whole file: code %d: %s", code, errb.String())
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || res["complete"] != true {
		t.Errorf("convert of the whole file: complete = %v (%v)", res["complete"], err)
	}
}

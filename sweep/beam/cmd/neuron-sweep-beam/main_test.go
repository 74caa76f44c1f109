package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/neuron-sim/neuron/sweep"
)

// TestMain runs the command itself when the test binary is started with
// NEURON_SWEEP_BEAM_AS_MAIN=1, so that the tests below exercise main with its
// real flags in a child process.
func TestMain(m *testing.M) {
	if os.Getenv("NEURON_SWEEP_BEAM_AS_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	ptest.MainWithDefault(m, "prism")
}

func command(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "NEURON_SWEEP_BEAM_AS_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	return stderr.String(), err
}

// A small Brunel sweep (3 × 2 points, two seeds, NE = 200) through the
// command on Prism writes the same bytes as the local runner; run again, it
// resumes from its journal (every point done) and writes them again.
func TestCommandPrismSameTableAsLocal(t *testing.T) {
	specJSON := `{"name": "beam-cmd", "func": "brunel", "seeds": [1, 2], "grid": [
	  {"name": "g", "values": [3, 5, 7]}, {"name": "eta", "values": [1, 2]},
	  {"name": "ne", "values": [200]}, {"name": "duration_ms", "values": [60]}, {"name": "transient_ms", "values": [20]}]}`
	spec, err := sweep.ParseSpec([]byte(specJSON))
	if err != nil {
		t.Fatal(err)
	}
	local, err := sweep.Run(context.Background(), spec, sweep.Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	specPath, out := filepath.Join(dir, "spec.json"), filepath.Join(dir, "table.jsonl")
	if err := os.WriteFile(specPath, []byte(specJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	for run := range 2 {
		stderr, err := command(t, "--spec", specPath, "--out", out)
		if err != nil {
			t.Fatalf("run %d: %v\n%s", run, err, stderr)
		}
		if !strings.Contains(stderr, "12 points, 0 failed, on prism") {
			t.Errorf("run %d: stderr %q, want it to report 12 points on prism", run, stderr)
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, local.Bytes()) {
			t.Errorf("run %d: the command's table (%d bytes) differs from the local runner's (%d bytes)", run, len(got), len(local.Bytes()))
		}
	}
}

func TestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"name": "x", "func": "no-such-func", "grid": [{"name": "g", "values": [1]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--spec", bad}, "--spec and --out are required"},
		{[]string{"--spec", filepath.Join(dir, "missing.json"), "--out", filepath.Join(dir, "t")}, "missing.json"},
		{[]string{"--spec", bad, "--out", filepath.Join(dir, "t")}, "no-such-func"},
	} {
		stderr, err := command(t, c.args...)
		if err == nil || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: error %v, stderr %q; want a failure mentioning %q", c.args, err, stderr, c.want)
		}
	}
}

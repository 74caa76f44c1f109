package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A small Brunel sweep through the command line: whole, as two shards
// (one by flag, one from a Kubernetes index in the environment) merged, and
// resumed from a complete journal; the three tables must be the same bytes.
func TestSweepCommand(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.json")
	os.WriteFile(spec, []byte(`{"name":"tiny","func":"brunel","grid":[
		{"name":"g","values":[3,5]},{"name":"eta","values":[1,2]},
		{"name":"ne","values":[200]},{"name":"duration_ms","values":[60]},{"name":"transient_ms","values":[20]}],
		"seeds":[1,2]}`), 0o644)
	sh := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(append([]string{"sweep"}, args...), &out, &errb); code != 0 {
			t.Fatalf("neuron sweep %v: exit %d: %s", args, code, errb.String())
		}
		return errb.String()
	}
	whole := filepath.Join(dir, "whole.jsonl")
	sh("--spec", spec, "--out", whole, "--workers", "2")
	sh("--spec", spec, "--shard", "0/2", "--out", filepath.Join(dir, "part-0.jsonl"))
	t.Setenv("JOB_COMPLETION_INDEX", "1")
	sh("--spec", spec, "--shards", "2", "--out", filepath.Join(dir, "part-%i.jsonl"))
	merged := filepath.Join(dir, "merged.jsonl")
	msg := sh("--merge", "--out", merged, filepath.Join(dir, "part-0.jsonl"), filepath.Join(dir, "part-1.jsonl"))
	if !strings.Contains(msg, "8 rows") {
		t.Errorf("merge says %q, want 8 rows", msg)
	}
	a, _ := os.ReadFile(whole)
	b, _ := os.ReadFile(merged)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("whole and merged tables differ:\n%s\n%s", a, b)
	}
	if n := bytes.Count(a, []byte("\n")); n != 9 {
		t.Errorf("table has %d lines, want header + 8 rows", n)
	}
	// Running again resumes from the complete journal and rewrites the same table.
	sh("--spec", spec, "--out", whole, "--quiet")
	if c, _ := os.ReadFile(whole); !bytes.Equal(a, c) {
		t.Error("rerun on a complete journal changed the table")
	}
	var out, errb bytes.Buffer
	if code := run([]string{"sweep", "--spec", spec, "--shard", "2/2", "--out", "x"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), `"2/2"`) {
		t.Errorf("--shard 2/2: exit %d, %q", code, errb.String())
	}
}

// neuron phase-lines refuses a missing output and an invalid network with errors that name
// them (the lines themselves are tested in brain/analysis and against testdata in sweep/funcs).
func TestPhaseLinesErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"phase-lines"}, "--out is required"},
		{[]string{"phase-lines", "--ce", "0", "--out", filepath.Join(t.TempDir(), "l.json")}, "CE = 0"},
		{[]string{"phase-lines", "--j", "-1", "--out", filepath.Join(t.TempDir(), "l.json")}, "JmV = -1"},
	} {
		var out, errb bytes.Buffer
		if code := run(c.args, &out, &errb); code != 1 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d, %q; want 1 and a message with %q", c.args, code, errb.String(), c.want)
		}
	}
}

package main

import (
	"bytes"
	"regexp"
	"testing"
)

// TestDistCommand: neuron dist on 1 and 3 in-process ranks counts the
// same spikes and the exchange calls of a one-step-delay network (one per
// step plus the closing one); a bad model is an error.
func TestDistCommand(t *testing.T) {
	spikes := regexp.MustCompile(`spikes (\d+) `)
	calls := regexp.MustCompile(`(\d+) collective calls`)
	var got []string
	for _, ranks := range []string{"1", "3"} {
		var out, errb bytes.Buffer
		if code := run([]string{"dist", "-inproc", ranks, "-n", "600", "-ms", "30"}, &out, &errb); code != 0 {
			t.Fatalf("%s ranks: code %d: %s", ranks, code, errb.String())
		}
		m := spikes.FindStringSubmatch(out.String())
		c := calls.FindStringSubmatch(out.String())
		if m == nil || c == nil {
			t.Fatalf("%s ranks: no spike count or call count in %q", ranks, out.String())
		}
		if ranks == "3" && c[1] != "301" {
			t.Errorf("3 ranks: %s collective calls in 300 steps, want 301", c[1])
		}
		got = append(got, m[1])
	}
	if got[0] != got[1] || got[0] == "0" {
		t.Errorf("spikes on 1 and 3 ranks: %v, want equal and not 0", got)
	}
	// Many ranks: some cells have no target on a rank (the fraction a
	// directed exchange would send drops below 100 %).
	var out, errb bytes.Buffer
	if code := run([]string{"dist", "-inproc", "40", "-n", "400", "-ms", "2"}, &out, &errb); code != 0 {
		t.Fatalf("40 ranks: code %d: %s", code, errb.String())
	}
	if regexp.MustCompile(`needs the spikes of 100\.0 %`).MatchString(out.String()) {
		t.Errorf("40 ranks of a 400-cell CUBA (in-degree 80): some rank needs every cell's spikes:\n%s", out.String())
	}
	out.Reset()
	errb.Reset()
	if code := run([]string{"dist", "-model", "nope"}, &out, &errb); code != 1 {
		t.Errorf("unknown model: code %d, want 1 (%s)", code, errb.String())
	}
}

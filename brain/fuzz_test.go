package brain

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"
)

// The fuzz targets of the public constructors that take outside input
// (parameter files and checkpoints have theirs beside their tests). Each
// checks that the input gives an error prefixed "brain: " or a network
// that builds and runs a few steps, never a panic (a recovered panic would
// come back as a *BugError and fail the target). Run briefly by go test
// (seed corpus); `make fuzz` runs each for FUZZTIME.

// fuzzRun builds and runs net for 2 ms and fails on a *BugError or an
// error without the package prefix.
func fuzzRun(t *testing.T, net *Network) {
	t.Helper()
	err := net.Run(context.Background(), 2, nil)
	var bug *BugError
	if errors.As(err, &bug) {
		t.Fatalf("panic: %v\n%s", bug.Value, bug.Stack)
	}
	if err != nil && !strings.HasPrefix(err.Error(), "brain: ") {
		t.Fatalf("error without the package prefix: %v", err)
	}
}

// floats decodes b as little-endian float64s (at most max of them).
func floats(b []byte, max int) []float64 {
	var out []float64
	for len(b) >= 8 && len(out) < max {
		out = append(out, math.Float64frombits(binary.LittleEndian.Uint64(b)))
		b = b[8:]
	}
	return out
}

func le(xs ...float64) []byte {
	var b []byte
	for _, x := range xs {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

// FuzzConnectors: every connector with fuzzed sizes, probabilities,
// degrees, pair lists, weights and delays.
func FuzzConnectors(f *testing.F) {
	f.Add(uint8(0), 5, 7, 0.5, 3, le(0, 1, 2, 3, 4, 5), 1.0, 1.0)
	f.Add(uint8(1), 1, 1, 1.0, 0, le(), 0.0, 0.0)
	f.Add(uint8(2), 3, 3, 0.0, 5, le(), -1.0, 0.05)
	f.Add(uint8(3), 4, 4, 0.1, 2, le(0, 3, 9, -1, math.NaN(), 1e300), 1e300, 1e300)
	f.Add(uint8(4), 2, 2, 2.0, -1, le(1, 2, 3, 4), 5.0, 2.0)
	f.Add(uint8(5), 2, 3, 0.5, 1, le(1, 0, 2, 0, 0, 3), 1.0, 0.1)
	f.Fuzz(func(t *testing.T, kind uint8, nPre, nPost int, p float64, k int, raw []byte, w, d float64) {
		if nPre < 1 || nPost < 1 || nPre > 200 || nPost > 200 {
			return // sizes are checked by NewPopulation (tested elsewhere)
		}
		pre := must(NewPopulation("pre", nPre, Generic()))
		post := must(NewPopulation("post", nPost, Generic()))
		xs := floats(raw, 64)
		var c Connector
		switch kind % 6 {
		case 0:
			c = AllToAll{}
		case 1:
			c = OneToOne{}
		case 2:
			c = FixedProbability{P: p, NoSelf: k%2 == 0}
		case 3:
			c = FixedInDegree{K: k}
		case 4:
			c = FixedOutDegree{K: k}
		case 5:
			fl := FromList{}
			for i := 0; i+1 < len(xs); i += 2 {
				fl.Pairs = append(fl.Pairs, [2]int{int(math.Mod(xs[i], 1e6)), int(math.Mod(xs[i+1], 1e6))})
			}
			if k%2 == 1 {
				fl.Weights = make([]float64, len(fl.Pairs))
				for i := range fl.Weights {
					fl.Weights[i] = w * float64(i)
				}
			}
			if k%3 == 1 {
				fl.Delays = make([]float64, len(fl.Pairs))
				for i := range fl.Delays {
					fl.Delays[i] = d
				}
			}
			c = fl
		}
		net := NewNetwork(0.1, 1)
		_, err := net.Connect(pre, post, c, SynapseSpec{Weight: Const(w), Delay: Const(d)})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "brain: ") {
				t.Fatalf("Connect: %v", err)
			}
			return
		}
		fuzzRun(t, net)
	})
}

// FuzzSpikeSourceArray: spike times from outside (a spike file).
func FuzzSpikeSourceArray(f *testing.F) {
	f.Add(le(1, 2, 3), 2, 50.0)
	f.Add(le(0, 0, 0), 1, 1.0)
	f.Add(le(-1, math.NaN(), math.Inf(1), 1e300), 3, 1e300)
	f.Fuzz(func(t *testing.T, raw []byte, n int, w float64) {
		if n < 1 || n > 8 {
			return
		}
		xs := floats(raw, 256)
		times := make([][]float64, n)
		for i, x := range xs {
			times[i%n] = append(times[i%n], x)
		}
		src, err := NewSpikeSourceArray("s", times)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "brain: ") {
				t.Fatalf("NewSpikeSourceArray: %v", err)
			}
			return
		}
		net := NewNetwork(0.1, 1)
		if _, err := net.ConnectSource(src, must(NewPopulation("p", 2, Generic())), AllToAll{}, SynapseSpec{Weight: Const(w)}); err != nil {
			return
		}
		fuzzRun(t, net)
	})
}

// FuzzPoissonGroup: sizes, rates and windows from outside.
func FuzzPoissonGroup(f *testing.F) {
	f.Add(10, 20.0, 0.0, 0.0, le(1, 2))
	f.Add(1, 1e5, 1.0, 2.0, le())
	f.Add(3, -1.0, math.NaN(), 1e300, le(1e300, -1, 0))
	f.Fuzz(func(t *testing.T, n int, rate, start, stop float64, raw []byte) {
		if n > 1000 {
			return
		}
		g := &PoissonGroup{Name: "g", N: n, RateHz: rate, StartMS: start, StopMS: stop}
		if rs := floats(raw, 1000); len(rs) > 0 && len(rs) == n {
			g.Rates = rs
		}
		net := NewNetwork(0.1, 1)
		if _, err := net.ConnectSource(g, must(NewPopulation("p", 2, Generic())), AllToAll{}, SynapseSpec{Weight: Const(1)}); err != nil {
			return
		}
		fuzzRun(t, net)
	})
}

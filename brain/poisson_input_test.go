package brain

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// TestPoissonThresholds: the count table gives every count the Poisson
// probability (to the resolution of 2⁻⁶⁴), and its last entry is where the
// remaining tail is negligible.
func TestPoissonThresholds(t *testing.T) {
	for _, mean := range []float64{0, 0.05, 1.28, 2.32, 30, 500} {
		thr := poissonThresholds(mean)
		if thr[len(thr)-1] != math.MaxUint64 {
			t.Fatalf("mean %g: last entry %d, want MaxUint64", mean, thr[len(thr)-1])
		}
		prev := 0.0
		pmf := math.Exp(-mean)
		for k, x := range thr[:len(thr)-1] {
			got := float64(x)*0x1p-64 - prev
			if math.Abs(got-pmf) > 1e-12+1e-9*pmf {
				t.Errorf("mean %g: P(%d) = %g from the table, want %g", mean, k, got, pmf)
			}
			prev += got
			pmf *= mean / float64(k+1)
		}
		if tail := 1 - prev; tail > 1e-15 && float64(len(thr)-1) < mean+10*math.Sqrt(mean) {
			t.Errorf("mean %g: table ends at %d with tail %g", mean, len(thr)-1, tail)
		}
	}
}

// TestPoissonInputCounts: the counts a cell receives per step have the
// Poisson mean, variance and probability of zero, independently of the
// neighbouring cell and of the previous step.
func TestPoissonInputCounts(t *testing.T) {
	const cells, steps = 200, 2000
	for _, mean := range []float64{0.3, 1.28, 12} {
		in := &poissonInput{PoissonInput: PoissonInput{Weight: 1}, input: make([]float64, cells),
			keys: make([]uint64, cells), thr: poissonThresholds(mean)}
		for i := range in.keys {
			in.keys[i] = streamKey(streamPoissonInput, uint64(i), 0)
		}
		counts := make([][]float64, cells)
		var events int64
		for s := range int64(steps) {
			clear(in.input)
			events += in.addRange(0, cells, s)
			for i, x := range in.input {
				counts[i] = append(counts[i], x)
			}
		}
		var sum, sq, zeros, lag, nb float64
		for i, c := range counts {
			for s, x := range c {
				sum += x
				sq += x * x
				if x == 0 {
					zeros++
				}
				if s > 0 {
					lag += (x - mean) * (c[s-1] - mean)
				}
				if i > 0 {
					nb += (x - mean) * (counts[i-1][s] - mean)
				}
			}
		}
		n := float64(cells * steps)
		m, v := sum/n, sq/n-(sum/n)*(sum/n)
		se := math.Sqrt(mean / n)
		if math.Abs(m-mean) > 5*se {
			t.Errorf("mean %g: sample mean %g", mean, m)
		}
		if math.Abs(v-mean) > 5*mean*math.Sqrt(2/n)+5*se {
			t.Errorf("mean %g: sample variance %g", mean, v)
		}
		p0 := math.Exp(-mean)
		if math.Abs(zeros/n-p0) > 5*math.Sqrt(p0*(1-p0)/n) {
			t.Errorf("mean %g: P(0) %g, want %g", mean, zeros/n, p0)
		}
		for name, c := range map[string]float64{"step to step": lag / n / mean, "cell to cell": nb / n / mean} {
			if math.Abs(c) > 5/math.Sqrt(n) {
				t.Errorf("mean %g: correlation %s %g", mean, name, c)
			}
		}
		if events != int64(sum) {
			t.Errorf("mean %g: %d events counted, %g added", mean, events, sum)
		}
	}
}

// TestPoissonInputNetwork: a population driven only by a PoissonInput
// gets the events it should (SynapticEvents), none before StartMS, the
// same spikes for 1 and 3 workers and when the run is cut in two with a
// checkpoint in between.
func TestPoissonInputNetwork(t *testing.T) {
	build := func() (*Network, *Population, *SpikeRecorder) {
		net := NewNetwork(0.1, 5)
		pop := must(NewPopulation("p", 3000, Generic()))
		if err := net.AddPoissonInput(pop, PoissonInput{Name: "bg", RateHz: 8000, Weight: 12, StartMS: 10}); err != nil {
			t.Fatal(err)
		}
		return net, pop, must(net.RecordSpikes(pop))
	}
	ctx := context.Background()
	net, pop, rec := build()
	net.Workers = 1
	if err := net.Run(ctx, 10, nil); err != nil {
		t.Fatal(err)
	}
	if e := net.SynapticEvents(); e != 0 {
		t.Fatalf("%d events before StartMS", e)
	}
	if err := net.Run(ctx, 90, nil); err != nil {
		t.Fatal(err)
	}
	want := 8000 * 0.09 * float64(pop.N)
	if e := float64(net.SynapticEvents()); math.Abs(e-want) > 5*math.Sqrt(want) {
		t.Errorf("%g events in 90 ms, want about %g", e, want)
	}
	ref, _ := rec.Spikes()
	refN := rec.Len()
	if refN == 0 {
		t.Fatal("no spikes: the input does not drive the cells")
	}
	net3, _, rec3 := build()
	net3.Workers = 3
	if err := net3.Run(ctx, 100, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := rec3.Spikes(); !slices.Equal(got, ref) {
		t.Errorf("3 workers: %d spikes, 1 worker: %d", rec3.Len(), refN)
	}
	netA, _, _ := build()
	if err := netA.Run(ctx, 40, nil); err != nil {
		t.Fatal(err)
	}
	cp, err := netA.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	netB, _, recB := build()
	if err := netB.UnmarshalBinary(cp); err != nil {
		t.Fatal(err)
	}
	if err := netB.Run(ctx, 60, nil); err != nil {
		t.Fatal(err)
	}
	var tail []int32
	for _, s := range ref {
		if s >= 400 {
			tail = append(tail, s)
		}
	}
	if got, _ := recB.Spikes(); !slices.Equal(got, tail) {
		t.Errorf("restored at 40 ms: %d spikes after it, want %d", len(got), len(tail))
	}
}

// TestPoissonInputErrors: bad fields are refused with their name and value.
func TestPoissonInputErrors(t *testing.T) {
	for _, c := range []struct {
		in   PoissonInput
		want string
	}{
		{PoissonInput{RateHz: -1}, "RateHz = -1"},
		{PoissonInput{RateHz: math.NaN()}, "RateHz = NaN"},
		{PoissonInput{RateHz: 1e7}, "RateHz = 1e+07"},
		{PoissonInput{RateHz: 10, Weight: -2}, "Weight = -2"},
		{PoissonInput{RateHz: 10, StartMS: math.Inf(1)}, "StartMS = +Inf"},
		{PoissonInput{RateHz: 10, Compartment: Distal}, "no dendrite"},
	} {
		net := NewNetwork(0.1, 1)
		pop := must(NewPopulation("p", 10, Generic()))
		err := net.AddPoissonInput(pop, c.in)
		if err == nil {
			err = net.Build()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one naming %q", c.in, err, c.want)
		}
	}
}

// BenchmarkPoissonInput times the counts of one step for 10 000 cells at
// the microcircuit's smallest and largest background (1.28 and 2.32 events
// per step) and at 12, in ns per cell-step.
func BenchmarkPoissonInput(b *testing.B) {
	const cells = 10000
	for _, mean := range []float64{1.28, 2.32, 12} {
		b.Run(fmt.Sprintf("mean=%g", mean), func(b *testing.B) {
			in := &poissonInput{PoissonInput: PoissonInput{Weight: 1}, input: make([]float64, cells),
				keys: make([]uint64, cells), thr: poissonThresholds(mean)}
			for i := range in.keys {
				in.keys[i] = streamKey(streamPoissonInput, uint64(i), 0)
			}
			var events int64
			step := int64(0)
			for b.Loop() {
				events += in.addRange(0, cells, step)
				step++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/cells, "ns/cell-step")
			if got := float64(events) / float64(b.N) / cells; math.Abs(got-mean) > 0.05*mean {
				b.Errorf("mean count %g, want %g", got, mean)
			}
		})
	}
}

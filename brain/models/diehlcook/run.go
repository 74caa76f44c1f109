package diehlcook

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
)

// Phases of a run, passed to [Responses]: each draws its input spikes from
// its own random stream.
const (
	PhaseTrain = 1
	PhaseLabel = 2
	PhaseTest  = 3
)

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// reseed sets pcg to the stream of one presentation, so that the input
// spikes of an image depend only on the seed, the phase, the pass, the
// image's index and the attempt, never on which worker shows it.
func reseed(pcg *rand.PCG, seed uint64, phase, pass, index, attempt int) {
	key := uint64(phase)<<60 | uint64(pass&0xfff)<<48 | uint64(attempt&0xff)<<40 | uint64(index)
	pcg.Seed(splitmix(seed), splitmix(key^splitmix(seed+1)))
}

// Show presents img until the excitatory layer fires at least MinSpikes
// spikes (at most MaxAttempts times), raising the input rates by RateStep
// per unit intensity after each failed attempt, as the paper does. When
// learn is true the weights are normalised before each presentation and θ
// decays through the rest period after it. It returns the spike counts of
// the last presentation (owned by s) and the number of presentations.
func (s *Sim) Show(m *Model, img []byte, learn bool, pcg *rand.PCG, seed uint64, phase, pass, index int) ([]int32, int) {
	rng := rand.New(pcg)
	restDecay := math.Exp(-s.p.RestMs / s.p.TauTheta)
	var counts []int32
	for a := 0; a < s.p.MaxAttempts; a++ {
		if learn {
			m.Normalize()
		}
		reseed(pcg, seed, phase, pass, index, a)
		counts = s.Present(m, img, s.p.RateScale+float64(a)*s.p.RateStep, learn, rng)
		if learn {
			for j := range m.Theta {
				m.Theta[j] *= restDecay
			}
		}
		total := 0
		for _, c := range counts {
			total += int(c)
		}
		if total >= s.p.MinSpikes {
			return counts, a + 1
		}
	}
	return counts, s.p.MaxAttempts
}

// Responses presents every image of d to the fixed network m (no
// plasticity, θ frozen) and returns the spike counts, one row of NExc per
// image. Images are shared among workers (≤ 0: GOMAXPROCS); the result does
// not depend on their number. progress, if not nil, is called with the
// number of images done so far (from several goroutines).
func Responses(m *Model, d *Dataset, seed uint64, phase, workers int, progress func(done int)) ([][]int32, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make([][]int32, d.Len())
	var next, done atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for wk := 0; wk < workers; wk++ {
		wg.Add(1)
		go func(wk int) {
			defer wg.Done()
			sim, err := NewSim(m.P)
			if err != nil {
				errs[wk] = err
				return
			}
			pcg := rand.NewPCG(0, 0)
			for {
				i := int(next.Add(1) - 1)
				if i >= d.Len() {
					return
				}
				c, _ := sim.Show(m, d.Images[i], false, pcg, seed, phase, 0, i)
				out[i] = append([]int32(nil), c...)
				if progress != nil {
					progress(int(done.Add(1)))
				}
			}
		}(wk)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Assign labels each cell with the class to which its average spike count
// is highest (the paper's labelling); cells that never fired get −1.
func Assign(counts [][]int32, labels []uint8) ([]int, error) {
	if len(counts) != len(labels) || len(counts) == 0 {
		return nil, fmt.Errorf("diehlcook: Assign: %d responses for %d labels", len(counts), len(labels))
	}
	n := len(counts[0])
	sums := make([]float64, n*10)
	var per [10]int
	for k, c := range counts {
		if len(c) != n {
			return nil, fmt.Errorf("diehlcook: Assign: response %d has %d cells, want %d", k, len(c), n)
		}
		l := int(labels[k])
		if l > 9 {
			return nil, fmt.Errorf("diehlcook: Assign: label %d of image %d", l, k)
		}
		per[l]++
		for j, v := range c {
			sums[j*10+l] += float64(v)
		}
	}
	return assignFromSums(sums, per[:], n), nil
}

func assignFromSums(sums []float64, per []int, n int) []int {
	a := make([]int, n)
	for j := range a {
		a[j] = -1
		best := 0.0
		for l := 0; l < 10; l++ {
			if per[l] == 0 {
				continue
			}
			if r := sums[j*10+l] / float64(per[l]); r > best {
				best, a[j] = r, l
			}
		}
	}
	return a
}

// Predict returns the class whose assigned cells fired most on average
// (the paper's vote); ties go to the lower class.
func Predict(counts []int32, assign []int) int {
	var sum [10]float64
	var num [10]int
	for j, l := range assign {
		if l >= 0 && j < len(counts) {
			sum[l] += float64(counts[j])
			num[l]++
		}
	}
	best, bestRate := 0, -1.0
	for l := 0; l < 10; l++ {
		r := 0.0
		if num[l] > 0 {
			r = sum[l] / float64(num[l])
		}
		if r > bestRate {
			best, bestRate = l, r
		}
	}
	return best
}

// Evaluate classifies the responses and returns the accuracy and the
// confusion matrix (rows: true class, columns: predicted class).
func Evaluate(counts [][]int32, labels []uint8, assign []int) (float64, [10][10]int, error) {
	var conf [10][10]int
	if len(counts) != len(labels) || len(counts) == 0 {
		return 0, conf, fmt.Errorf("diehlcook: Evaluate: %d responses for %d labels", len(counts), len(labels))
	}
	correct := 0
	for k, c := range counts {
		l := int(labels[k])
		if l > 9 {
			return 0, conf, fmt.Errorf("diehlcook: Evaluate: label %d of image %d", l, k)
		}
		pr := Predict(c, assign)
		conf[l][pr]++
		if pr == l {
			correct++
		}
	}
	return float64(correct) / float64(len(counts)), conf, nil
}

package analysis

import (
	"errors"
	"fmt"
	"math"

	"github.com/neuron-sim/neuron/brain"
)

// DistanceProfile is the connectivity of a projection as a function of
// the distance between its cells, in nbins equal bins of distance.
type DistanceProfile struct {
	// EdgesMM are the bin edges (mm), nbins+1 of them from 0.
	EdgesMM []float64
	// Pairs counts the ordered (pre, post) pairs whose distance falls in
	// each bin (without i→i when the projection is recurrent and noSelf).
	Pairs []float64
	// Synapses counts the synapses in each bin.
	Synapses []float64
	// Expected is the number of synapses a kernel predicts per bin, Σ p(d)
	// over the bin's pairs, and Var its variance Σ p(1−p) (independent
	// Bernoulli draws: a Poisson-binomial count); nil without a kernel.
	Expected, Var []float64
}

// Centers returns the bin centres (mm).
func (d DistanceProfile) Centers() []float64 {
	c := make([]float64, len(d.EdgesMM)-1)
	for b := range c {
		c[b] = (d.EdgesMM[b] + d.EdgesMM[b+1]) / 2
	}
	return c
}

// Probability returns Synapses/Pairs per bin (NaN for an empty bin).
func (d DistanceProfile) Probability() []float64 {
	p := make([]float64, len(d.Pairs))
	for b := range p {
		p[b] = d.Synapses[b] / d.Pairs[b]
		if d.Pairs[b] == 0 {
			p[b] = math.NaN()
		}
	}
	return p
}

// Deviation returns, per bin, (Synapses − Expected)/√Var: the measured
// count in standard deviations of the kernel's count (NaN where Var is
// 0 or there is no kernel).
func (d DistanceProfile) Deviation() []float64 {
	z := make([]float64, len(d.Pairs))
	for b := range z {
		z[b] = math.NaN()
		if d.Var != nil && d.Var[b] > 0 {
			z[b] = (d.Synapses[b] - d.Expected[b]) / math.Sqrt(d.Var[b])
		}
	}
	return z
}

// ConnectionDistanceProfile measures how the connection probability of
// proj (built) depends on distance: every ordered pair of its cells is
// binned by the distance between pre[i] and post[j] (in post's Space) up
// to maxMM, with the synapses among them; with kernel not nil it adds the
// kernel's expected count and its variance per bin. noSelf leaves out the
// pairs i→i of a recurrent projection. It visits all pairs: use it on
// networks of thousands of cells, not millions.
func ConnectionDistanceProfile(proj *brain.Projection, pre, post *brain.Positions, kernel brain.DistanceKernel, maxMM float64, nbins int, noSelf bool) (DistanceProfile, error) {
	var d DistanceProfile
	if proj == nil || pre == nil || post == nil {
		return d, errors.New("analysis: ConnectionDistanceProfile: nil projection or positions")
	}
	nPre, nPost := pre.Len(), post.Len()
	if proj.Pre() != nil && proj.Pre().N != nPre || proj.Post().N != nPost {
		return d, fmt.Errorf("analysis: ConnectionDistanceProfile: %d pre and %d post positions for a projection of %q", nPre, nPost, proj.Name)
	}
	if nbins <= 0 || !(maxMM > 0) || math.IsInf(maxMM, 0) {
		return d, fmt.Errorf("analysis: ConnectionDistanceProfile: nbins = %d, maxMM = %v: want nbins > 0 and a finite maxMM > 0", nbins, maxMM)
	}
	w := maxMM / float64(nbins)
	d.EdgesMM = make([]float64, nbins+1)
	for b := range d.EdgesMM {
		d.EdgesMM[b] = float64(b) * w
	}
	d.Pairs, d.Synapses = make([]float64, nbins), make([]float64, nbins)
	if kernel != nil {
		d.Expected, d.Var = make([]float64, nbins), make([]float64, nbins)
	}
	same := proj.Pre() == proj.Post()
	tg := proj.Targets()
	for i := range nPre {
		lo, hi := proj.Row(i)
		for _, j := range tg[lo:hi] {
			if x := post.Dist(pre.Pos[i], post.Pos[j]); x < maxMM {
				d.Synapses[int(x/w)]++
			}
		}
		for j := range nPost {
			if noSelf && same && i == j {
				continue
			}
			x := post.Dist(pre.Pos[i], post.Pos[j])
			if x >= maxMM {
				continue
			}
			b := int(x / w)
			d.Pairs[b]++
			if kernel != nil {
				p := kernel.Prob(x)
				d.Expected[b] += p
				d.Var[b] += p * (1 - p)
			}
		}
	}
	return d, nil
}

// BonferroniZ is the two-sided normal quantile that keeps the family-wise
// error of m tests at alpha: Φ⁻¹(1 − alpha/(2m)).
func BonferroniZ(alpha float64, m int) float64 {
	return math.Sqrt2 * math.Erfinv(1-alpha/float64(m))
}

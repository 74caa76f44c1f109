package diehlcook

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Model holds what the network learns: the input→excitatory weights and
// the adaptive thresholds. Everything else is reset between images.
type Model struct {
	P     Params
	W     []float64 // input→excitatory weights, row-major [input][cell], len 784·NExc
	Theta []float64 // adaptive threshold θ of each excitatory cell, mV
}

// NewModel draws the initial weights (U[0,1)+0.01)·InitW from rng, as the
// paper's code does, and sets θ to ThetaInit.
func NewModel(p Params, rng *rand.Rand) (*Model, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, fmt.Errorf("diehlcook: NewModel: rng is nil")
	}
	m := &Model{P: p, W: make([]float64, p.InputPerCell*p.NExc), Theta: make([]float64, p.NExc)}
	for i := range m.W {
		m.W[i] = (rng.Float64() + 0.01) * p.InitW
	}
	for j := range m.Theta {
		m.Theta[j] = p.ThetaInit
	}
	return m, nil
}

// Normalize scales each excitatory cell's input weights so that they sum
// to NormSum (the paper does this before every presentation).
func (m *Model) Normalize() {
	n := m.P.NExc
	sums := make([]float64, n)
	for i := 0; i < m.P.InputPerCell; i++ {
		row := m.W[i*n : (i+1)*n]
		for j, w := range row {
			sums[j] += w
		}
	}
	for j, s := range sums {
		if s > 0 {
			sums[j] = m.P.NormSum / s
		}
	}
	for i := 0; i < m.P.InputPerCell; i++ {
		row := m.W[i*n : (i+1)*n]
		for j := range row {
			row[j] *= sums[j]
		}
	}
}

// Clone returns a deep copy.
func (m *Model) Clone() *Model {
	c := &Model{P: m.P, W: append([]float64(nil), m.W...), Theta: append([]float64(nil), m.Theta...)}
	return c
}

// Sim is the per-worker state of one simulation: membrane potentials,
// conductances, traces, input events and their work buffers. A Sim reads a
// Model; it is not safe for concurrent use, but several Sims may read one
// Model at once when none of them learns.
type Sim struct {
	p     Params
	n     int
	steps int

	// derived constants
	decGe, decGi, decTheta float64
	dtTauE, dtTauI         float64
	refE, refI, holdE      int
	decPre, decPost1       []float64 // exp(−k·dt/τ) for k = 0..steps
	decPost2               []float64

	ve, ge, gi   []float64
	lastE        []int32
	vi, gei      []float64
	lastI        []int32
	spikedE      []int32 // excitatory spikes of the current step
	spikedI      []int32
	activeI      []int32 // inhibitory cells whose partner fired in this presentation, ascending
	isActiveI    []bool
	firedCells   []int32 // cells that fired during this presentation (triplet rule)
	counts       []int32 // spikes per excitatory cell in this presentation
	xPre         []float64
	lastPre      []int32
	lastPost     []int32
	in           inputTrain
	thresholdOff float64
	presented    int // presentations so far

	// OnSpike, when not nil, is called at each excitatory spike of
	// Present with the step (0 … PresentMs/Dt − 1) and the cell.
	OnSpike func(step int32, cell int)
}

// inputTrain holds the input spikes of one presentation, sorted by step.
type inputTrain struct {
	steps    int
	dt       float64
	evStart  []int32 // input events of step s are evPix[evStart[s]:evStart[s+1]]
	evPix    []int16
	evStep   []int32 // unsorted events (step), paired with evPixTmp
	evPixTmp []int16
	fill     []int32 // counting-sort cursor per step
}

func newInputTrain(steps int, dt float64) inputTrain {
	return inputTrain{steps: steps, dt: dt, evStart: make([]int32, steps+1), fill: make([]int32, steps)}
}

// at returns the pixels that fire in step s, ascending.
func (s *inputTrain) at(step int) []int16 { return s.evPix[s.evStart[step]:s.evStart[step+1]] }

// NewSim allocates the work buffers for parameters p.
func NewSim(p Params) (*Sim, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	n := p.NExc
	steps := int(math.Round(p.PresentMs / p.Dt))
	s := &Sim{
		p: p, n: n, steps: steps,
		decGe: math.Exp(-p.Dt / p.TauGe), decGi: math.Exp(-p.Dt / p.TauGi),
		decTheta: math.Exp(-p.Dt / p.TauTheta),
		dtTauE:   p.Dt / p.TauE, dtTauI: p.Dt / p.TauI,
		refE: int(math.Round(p.RefracE / p.Dt)), refI: int(math.Round(p.RefracI / p.Dt)),
		holdE: int(math.Round(p.HoldE / p.Dt)),
		ve:    make([]float64, n), ge: make([]float64, n), gi: make([]float64, n),
		lastE: make([]int32, n), vi: make([]float64, n), gei: make([]float64, n),
		lastI: make([]int32, n), counts: make([]int32, n), isActiveI: make([]bool, n),
		xPre: make([]float64, p.InputPerCell), lastPre: make([]int32, p.InputPerCell),
		lastPost: make([]int32, n), in: newInputTrain(steps, p.Dt),
		thresholdOff: p.VThreshE - p.ThetaShift,
	}
	if p.EulerConductances {
		s.decGe, s.decGi = 1-p.Dt/p.TauGe, 1-p.Dt/p.TauGi
	}
	table := func(tau float64) []float64 {
		t := make([]float64, steps+1)
		for k := range t {
			t[k] = math.Exp(-float64(k) * p.Dt / tau)
		}
		return t
	}
	s.decPre, s.decPost1, s.decPost2 = table(p.TauPre), table(p.TauPost1), table(p.TauPost2)
	return s, nil
}

const never = math.MinInt32 / 2

// reset puts every variable at rest: the paper's 150 ms rest lets them
// relax; here they are set to their resting values so that each image
// starts from the same state whatever came before.
func (s *Sim) reset() {
	for j := 0; j < s.n; j++ {
		s.ve[j], s.ge[j], s.gi[j], s.lastE[j] = s.p.VRestE, 0, 0, never
		s.vi[j], s.gei[j], s.lastI[j] = s.p.VRestI, 0, never
		s.counts[j], s.lastPost[j] = 0, never
	}
	for i := range s.xPre {
		s.xPre[i], s.lastPre[i] = 0, never
	}
	for _, k := range s.activeI {
		s.isActiveI[k] = false
	}
	s.activeI = s.activeI[:0]
	s.firedCells = s.firedCells[:0]
}

// activate adds inhibitory cell k to the cells that step() integrates,
// keeping them in ascending order. The others sit at rest with no
// conductance, where an update leaves them unchanged.
func (s *Sim) activate(k int32) {
	if s.isActiveI[k] {
		return
	}
	s.isActiveI[k] = true
	a := append(s.activeI, k)
	i := len(a) - 1
	for ; i > 0 && a[i-1] > k; i-- {
		a[i] = a[i-1]
	}
	a[i] = k
	s.activeI = a
}

// draw draws the input spikes of one presentation: pixel i fires in each
// step with probability rate_i·dt, rate_i = img[i]·scale Hz (a Bernoulli
// process per step, drawn by geometric gaps). Events are sorted by step,
// then by pixel.
func (s *inputTrain) draw(img []byte, scale float64, rng *rand.Rand) {
	s.evStep, s.evPixTmp = s.evStep[:0], s.evPixTmp[:0]
	for i, px := range img {
		if px == 0 {
			continue
		}
		prob := float64(px) * scale * s.dt / 1000
		lq := math.Log1p(-prob)
		t := -1
		for {
			u := 1 - rng.Float64() // (0,1]
			t += 1 + int(math.Log(u)/lq)
			if t >= s.steps {
				break
			}
			s.evStep = append(s.evStep, int32(t))
			s.evPixTmp = append(s.evPixTmp, int16(i))
		}
	}
	for k := range s.evStart {
		s.evStart[k] = 0
	}
	for _, t := range s.evStep {
		s.evStart[t+1]++
	}
	for k := 1; k <= s.steps; k++ {
		s.evStart[k] += s.evStart[k-1]
	}
	if cap(s.evPix) < len(s.evStep) {
		s.evPix = make([]int16, len(s.evStep), 2*len(s.evStep))
	}
	s.evPix = s.evPix[:len(s.evStep)]
	// counting sort, stable: pixels stay in increasing order within a step
	fill := s.fill
	copy(fill, s.evStart[:s.steps])
	for k, t := range s.evStep {
		s.evPix[fill[t]] = s.evPixTmp[k]
		fill[t]++
	}
}

// Present shows one image (784 intensities 0–255) for PresentMs with input
// rates img·scale Hz and returns the spike count of each excitatory cell
// (a slice owned by s, valid until the next call). When learn is true the
// input weights change by the plasticity rule and θ adapts; otherwise m is
// only read. rng draws the input spikes.
func (s *Sim) Present(m *Model, img []byte, scale float64, learn bool, rng *rand.Rand) []int32 {
	s.reset()
	s.presented++
	s.in.draw(img, scale, rng)
	p := &s.p
	n := s.n
	w := m.W
	theta := m.Theta
	ve, ge, gi, lastE := s.ve, s.ge, s.gi, s.lastE
	vi, gei, lastI := s.vi, s.gei, s.lastI
	ve, ge, gi, lastE = ve[:n], ge[:n], gi[:n], lastE[:n]
	vi, gei, lastI = vi[:n], gei[:n], lastI[:n]
	theta = theta[:n]
	decGe, decGi, decTheta := s.decGe, s.decGi, s.decTheta
	dtTauE, dtTauI := s.dtTauE, s.dtTauI
	vRestE, eInhE, vRestI := p.VRestE, p.EInhE, p.VRestI
	off := s.thresholdOff
	vThI := p.VThreshI
	refE, refI, holdE := int32(s.refE), int32(s.refI), int32(s.holdE)
	eExc := p.EExc
	for step := int32(0); step < int32(s.steps); step++ {
		// 1. integrate (Euler for v, exact decay for conductances) and
		//    find threshold crossings.
		//    θ decays in the same sweep, after the threshold test.
		s.spikedE = s.spikedE[:0]
		for j := range ve {
			if since := step - lastE[j]; since >= refE {
				v := ve[j]
				v += dtTauE * ((vRestE - v) + ge[j]*(eExc-v) + gi[j]*(eInhE-v))
				ve[j] = v
				if v > theta[j]+off && since >= holdE {
					s.spikedE = append(s.spikedE, int32(j))
				}
			}
			ge[j] *= decGe
			gi[j] *= decGi
			if learn {
				theta[j] *= decTheta
			}
		}
		s.spikedI = s.spikedI[:0]
		for _, k := range s.activeI {
			g := gei[k]
			if step-lastI[k] >= refI && (g != 0 || vi[k] != vRestI) {
				v := vi[k]
				v += dtTauI * ((vRestI - v) + g*(eExc-v))
				vi[k] = v
				if v > vThI {
					s.spikedI = append(s.spikedI, k)
				}
			}
			gei[k] = g * decGe
		}
		// 2. input spikes: conductance jumps, presynaptic traces and the
		//    presynaptic half of the triplet rule.
		ev := s.in.at(int(step))
		for _, pix := range ev {
			i := int(pix)
			row := w[i*n : i*n+n]
			for j, wij := range row {
				ge[j] += wij
			}
			if !learn {
				continue
			}
			if p.Rule == RulePaper {
				x := 0.0
				if s.lastPre[i] != never {
					x = s.xPre[i] * s.decPre[step-s.lastPre[i]]
				}
				s.xPre[i], s.lastPre[i] = x+1, step
				continue
			}
			s.xPre[i], s.lastPre[i] = 1, step
			for _, j := range s.firedCells {
				v := row[j] - p.EtaPre*s.decPost1[step-s.lastPost[j]]
				if v < 0 {
					v = 0
				}
				row[j] = v
			}
		}
		// 3. excitatory spikes: reset, θ, one-to-one excitation of the
		//    partner inhibitory cell, postsynaptic plasticity.
		for _, j32 := range s.spikedE {
			j := int(j32)
			ve[j] = p.VResetE
			lastE[j] = step
			s.counts[j]++
			if s.OnSpike != nil {
				s.OnSpike(step, j)
			}
			gei[j] += p.WEI
			s.activate(j32)
			if !learn {
				continue
			}
			theta[j] += p.ThetaPlus
			s.postUpdate(w, j, step)
		}
		// 4. inhibitory spikes: all-but-one inhibition of the excitatory layer.
		for _, k32 := range s.spikedI {
			k := int(k32)
			vi[k] = p.VResetI
			lastI[k] = step
			for j := range gi {
				gi[j] += p.WIE
			}
			gi[k] -= p.WIE
		}
	}
	return s.counts
}

// postUpdate applies the postsynaptic half of the plasticity rule to the
// input weights of cell j at step.
func (s *Sim) postUpdate(w []float64, j int, step int32) {
	p := &s.p
	n := s.n
	if p.Rule == RulePaper {
		for i := 0; i < p.InputPerCell; i++ {
			x := 0.0
			if s.lastPre[i] != never {
				x = s.xPre[i] * s.decPre[step-s.lastPre[i]]
			}
			k := i*n + j
			wij := w[k]
			d := p.WMax - wij
			if d > 0 { // (w_max − w)^μ vanishes at w = w_max
				wij += p.EtaPost * (x - p.XTar) * math.Pow(d, p.Mu)
			}
			w[k] = clamp(wij, 0, p.WMax)
		}
		return
	}
	post2 := 0.0
	if s.lastPost[j] != never {
		post2 = s.decPost2[step-s.lastPost[j]]
	} else {
		s.firedCells = append(s.firedCells, int32(j))
	}
	s.lastPost[j] = step
	if post2 == 0 {
		return
	}
	for i := 0; i < p.InputPerCell; i++ {
		if s.lastPre[i] == never {
			continue
		}
		pre := s.decPre[step-s.lastPre[i]]
		k := i*n + j
		w[k] = clamp(w[k]+p.EtaPost*pre*post2, 0, p.WMax)
	}
}

func clamp(x, lo, hi float64) float64 {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}

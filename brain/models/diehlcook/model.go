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
	Delay []uint8   // input→excitatory delays in steps, like W; nil without P.InputDelayMax
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
	if p.InputDelayMax > 0 {
		maxD := math.Round(p.InputDelayMax / p.Dt)
		m.Delay = make([]uint8, len(m.W))
		for i := range m.Delay {
			m.Delay[i] = uint8(math.Round(rng.Float64() * maxD))
		}
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
	if m.Delay != nil {
		c.Delay = append([]uint8(nil), m.Delay...)
	}
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

	// input delays (P.InputDelayMax > 0): ring[(step+ringOff)%ringLen] holds
	// the conductance arriving in that step; hStep/hX keep the last ringLen
	// input spikes of each input (step, trace just after it), newest at
	// hHead−1, to read the trace a delay back.
	ring             []float64
	ringLen, ringOff int
	hStep            []int32
	hX               []float64
	hHead, hLen      []int32

	restSteps int
	carry     bool // the next training presentation continues after a simulated rest

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
	if p.SimulateRest {
		s.restSteps = int(math.Round(p.RestMs / p.Dt))
	}
	if p.InputDelayMax > 0 {
		s.ringLen = int(math.Round(p.InputDelayMax/p.Dt)) + 1
		s.ring = make([]float64, s.ringLen*n)
		s.hStep = make([]int32, s.ringLen*p.InputPerCell)
		s.hX = make([]float64, s.ringLen*p.InputPerCell)
		s.hHead, s.hLen = make([]int32, p.InputPerCell), make([]int32, p.InputPerCell)
	}
	table := func(tau float64) []float64 {
		t := make([]float64, steps+s.restSteps+1)
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
	}
	for _, k := range s.activeI {
		s.isActiveI[k] = false
	}
	s.activeI = s.activeI[:0]
	for i := range s.ring {
		s.ring[i] = 0
	}
	s.ringOff = 0
	s.resetTraces()
}

// resetTraces clears the spike counts and the plasticity traces.
func (s *Sim) resetTraces() {
	for j := range s.counts {
		s.counts[j], s.lastPost[j] = 0, never
	}
	for i := range s.xPre {
		s.xPre[i], s.lastPre[i] = 0, never
	}
	for i := range s.hLen {
		s.hLen[i], s.hHead[i] = 0, 0
	}
	s.firedCells = s.firedCells[:0]
}

// shift renumbers the steps after a presentation and its simulated rest
// (total steps) so that the next presentation starts at step 0 with the
// state carried over; the plasticity traces restart from zero (after the
// 150 ms rest they have decayed to e^−7.5 of their value).
func (s *Sim) shift(total int32) {
	for j := 0; j < s.n; j++ {
		if s.lastE[j] != never {
			s.lastE[j] -= total
		}
		if s.lastI[j] != never {
			s.lastI[j] -= total
		}
	}
	if s.ringLen > 0 {
		s.ringOff = (s.ringOff + int(total)) % s.ringLen
	}
	s.resetTraces()
}

// traceAt returns the presynaptic trace of input i at step t (≤ the
// current step, at most ringLen−1 steps back) from its spike history.
func (s *Sim) traceAt(i int, t int32) float64 {
	r := int32(s.ringLen)
	base := int32(i) * r
	k := s.hHead[i]
	for c := int32(0); c < s.hLen[i]; c++ {
		k--
		if k < 0 {
			k += r
		}
		if st := s.hStep[base+k]; st <= t {
			return s.hX[base+k] * s.decPre[t-st]
		}
	}
	return 0
}

// pushTrace records that input i fired at step with trace x just after.
func (s *Sim) pushTrace(i int, step int32, x float64) {
	r := int32(s.ringLen)
	k := s.hHead[i]
	s.hStep[int32(i)*r+k], s.hX[int32(i)*r+k] = step, x
	if k++; k == r {
		k = 0
	}
	s.hHead[i] = k
	if s.hLen[i] < r {
		s.hLen[i]++
	}
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
	if learn && s.carry {
		total := int32(s.steps + s.restSteps)
		s.run(m, learn, int32(s.steps), total)
		s.shift(total)
	} else {
		s.reset()
	}
	s.carry = learn && s.p.SimulateRest
	s.presented++
	s.in.draw(img, scale, rng)
	s.run(m, learn, 0, int32(s.steps))
	return s.counts
}

// run advances the network from step from to step to. Steps from
// s.steps on are the rest: no input, no spike counts, no θ decay (Show
// decays θ over the rest at once).
func (s *Sim) run(m *Model, learn bool, from, to int32) {
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
	plainEuler := p.EulerMembrane
	freeRef := p.FreeRefractory
	presentEnd := int32(s.steps)
	decayTheta := learn && from < presentEnd
	delay, ring, ringLen := m.Delay, s.ring, s.ringLen
	for step := from; step < to; step++ {
		// 1. integrate (Euler for v, exact decay for conductances) and
		//    find threshold crossings.
		//    θ decays in the same sweep, after the threshold test.
		s.spikedE = s.spikedE[:0]
		for j := range ve {
			if since := step - lastE[j]; since >= refE || freeRef {
				v := ve[j]
				g, h := ge[j], gi[j]
				if k := dtTauE * (1 + g + h); k <= 1 || plainEuler {
					v += dtTauE * ((vRestE - v) + g*(eExc-v) + h*(eInhE-v))
				} else {
					v = relax(v, vRestE, g, eExc, h, eInhE, k)
				}
				ve[j] = v
				if v > theta[j]+off && since >= holdE && since >= refE {
					s.spikedE = append(s.spikedE, int32(j))
				}
			}
			ge[j] *= decGe
			gi[j] *= decGi
			if decayTheta {
				theta[j] *= decTheta
			}
		}
		s.spikedI = s.spikedI[:0]
		for _, k := range s.activeI {
			g := gei[k]
			if step-lastI[k] >= refI && (g != 0 || vi[k] != vRestI) {
				v := vi[k]
				if k := dtTauI * (1 + g); k <= 1 || plainEuler {
					v += dtTauI * ((vRestI - v) + g*(eExc-v))
				} else {
					v = relax(v, vRestI, g, eExc, 0, 0, k)
				}
				vi[k] = v
				if v > vThI {
					s.spikedI = append(s.spikedI, k)
				}
			}
			gei[k] = g * decGe
		}
		// 2. input spikes: conductance jumps, presynaptic traces and the
		//    presynaptic half of the triplet rule.
		var ev []int16
		if step < presentEnd {
			ev = s.in.at(int(step))
		}
		for _, pix := range ev {
			i := int(pix)
			row := w[i*n : i*n+n]
			if delay == nil {
				for j, wij := range row {
					ge[j] += wij
				}
			} else {
				base := int(step) + s.ringOff
				drow := delay[i*n : i*n+n]
				for j, wij := range row {
					ring[(base+int(drow[j]))%ringLen*n+j] += wij
				}
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
				if delay != nil {
					s.pushTrace(i, step, x+1)
				}
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
		if delay != nil {
			slot := (int(step) + s.ringOff) % ringLen
			arr := ring[slot*n : slot*n+n]
			for j, g := range arr {
				ge[j] += g
				arr[j] = 0
			}
		}
		// 3. excitatory spikes: reset, θ, one-to-one excitation of the
		//    partner inhibitory cell, postsynaptic plasticity.
		for _, j32 := range s.spikedE {
			j := int(j32)
			ve[j] = p.VResetE
			lastE[j] = step
			if step < presentEnd {
				s.counts[j]++
			}
			if s.OnSpike != nil && step < presentEnd {
				s.OnSpike(step, j)
			}
			gei[j] += p.WEI
			s.activate(j32)
			if !learn {
				continue
			}
			theta[j] += p.ThetaPlus
			s.postUpdate(m, j, step)
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
}

// postUpdate applies the postsynaptic half of the plasticity rule to the
// input weights of cell j at step.
func (s *Sim) postUpdate(m *Model, j int, step int32) {
	p := &s.p
	n := s.n
	w := m.W
	if p.Rule == RulePaper {
		for i := 0; i < p.InputPerCell; i++ {
			x := 0.0
			if m.Delay != nil {
				x = s.traceAt(i, step-int32(m.Delay[i*n+j]))
			} else if s.lastPre[i] != never {
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

// relax advances a membrane whose conductances g (reversal e) and h
// (reversal f) stay fixed over the step, with leak to rest, by the exact
// solution: v relaxes toward v∞ = (rest + g·e + h·f)/(1 + g + h) by the
// factor e^−k, k = dt(1 + g + h)/τ. The forward Euler step of the
// published code multiplies v − v∞ by 1 − k instead: for k > 1 it carries
// v past v∞ (below the inhibitory reversal potential when inhibition
// dominates), and for k > 2 the error grows every step. See
// [Params.EulerMembrane].
func relax(v, rest, g, e, h, f, k float64) float64 {
	vInf := (rest + g*e + h*f) / (1 + g + h)
	return vInf + (v-vInf)*math.Exp(-k)
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

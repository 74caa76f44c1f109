package reference

import (
	"errors"
	"fmt"
	"math"
)

// DefaultMaxStepMS is the largest internal integration step (ms).
const DefaultMaxStepMS = 0.01

// SpikeThresholdMV is the voltage whose upward crossing defines a spike (mV).
const SpikeThresholdMV = 0.0

// state indices
const (
	iV = iota
	iM
	iH
	iN
	iP
	iQ
	iR
	iU
	nState
)

type state [nState]float64

// Cell is a Pospischil et al. (2008) neuron ready to run. A Cell is immutable
// after construction; Run keeps its state locally, so one Cell may be run from
// several goroutines at once.
type Cell struct {
	p Params
	// MaxStepMS is the largest internal RK4 step (ms); the sampling interval
	// of the input is divided into ⌈dt/MaxStepMS⌉ equal steps. Zero means
	// DefaultMaxStepMS.
	MaxStepMS float64

	rest state // resting state at zero current
}

// New validates p and returns a cell at rest.
func New(p Params) (*Cell, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	c := &Cell{p: p}
	v, err := restingPotential(p)
	if err != nil {
		return nil, err
	}
	c.rest = steadyState(p, v)
	return c, nil
}

func mustPreset(p Params) *Cell {
	c, err := New(p)
	if err != nil {
		// The presets are constants checked by the tests; this cannot happen.
		panic(err)
	}
	return c
}

// NewRS returns the regular-spiking pyramidal cell (see RS).
func NewRS() *Cell { return mustPreset(RS()) }

// NewRSInVitro returns the in vitro regular-spiking cell (see RSInVitro).
func NewRSInVitro() *Cell { return mustPreset(RSInVitro()) }

// NewFS returns the fast-spiking interneuron (see FS).
func NewFS() *Cell { return mustPreset(FS()) }

// NewIB returns the intrinsically bursting cell (see IB).
func NewIB() *Cell { return mustPreset(IB()) }

// NewLTS returns the low-threshold spiking cell (see LTS).
func NewLTS() *Cell { return mustPreset(LTS()) }

// Params returns the cell's parameters.
func (c *Cell) Params() Params { return c.p }

// RestingPotential is the membrane potential at rest with zero current (mV).
func (c *Cell) RestingPotential() float64 { return c.rest[iV] }

// ErrInput is returned (wrapped) for an unusable stimulus.
var ErrInput = errors.New("brain: invalid reference cell input")

// BlowUpError reports a non-finite state during integration.
type BlowUpError struct {
	Cell   string
	TimeMS float64
	Value  float64
}

func (e *BlowUpError) Error() string {
	return fmt.Sprintf("brain: reference cell %s: membrane potential %v at t = %.3f ms", e.Cell, e.Value, e.TimeMS)
}

// Run injects current (pA), sampled every dt ms and held constant over each
// sample, starting from rest at t = 0. It returns the spike times (ms, upward
// 0 mV crossings, linearly interpolated) and the membrane potential v[i] =
// V(i·dt) in mV, one value per current sample.
func (c *Cell) Run(current []float64, dt float64) (spikes, v []float64, err error) {
	v = make([]float64, len(current))
	spikes, err = c.run(current, dt, v)
	if err != nil {
		return nil, nil, err
	}
	return spikes, v, nil
}

// Spikes is Run without the voltage trace.
func (c *Cell) Spikes(current []float64, dt float64) ([]float64, error) {
	return c.run(current, dt, nil)
}

func (c *Cell) run(current []float64, dt float64, v []float64) ([]float64, error) {
	if !(dt > 0) || math.IsInf(dt, 0) {
		return nil, fmt.Errorf("%w: dt = %v ms", ErrInput, dt)
	}
	if len(current) == 0 {
		return nil, fmt.Errorf("%w: empty current", ErrInput)
	}
	for i, x := range current {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%w: current[%d] = %v", ErrInput, i, x)
		}
	}
	maxStep := c.MaxStepMS
	if maxStep == 0 {
		maxStep = DefaultMaxStepMS
	}
	if !(maxStep > 0) {
		return nil, fmt.Errorf("%w: MaxStepMS = %v", ErrInput, c.MaxStepMS)
	}
	nsub := int(math.Ceil(dt/maxStep - 1e-9))
	if nsub < 1 {
		nsub = 1
	}
	h := dt / float64(nsub)
	s := c.rest
	var spikes []float64
	rhs := newDerivs(c.p)
	for i, iPA := range current {
		if v != nil {
			v[i] = s[iV]
		}
		rhs.iDens = c.p.DensityFromPA(iPA)
		t0 := float64(i) * dt
		for k := 0; k < nsub; k++ {
			vOld := s[iV]
			if vOld < -100 || vOld > 50 {
				// Far outside the physiological range the gating rates
				// grow exponentially; subdivide so that RK4 stays within
				// its stability bound (h·λ ≤ 1).
				m := int(math.Ceil(h * c.maxRate(vOld)))
				for range max(m, 1) {
					rhs.rk4(&s, h/float64(max(m, 1)))
				}
			} else {
				rhs.rk4(&s, h)
			}
			vNew := s[iV]
			if math.IsNaN(vNew) || math.IsInf(vNew, 0) {
				return nil, &BlowUpError{Cell: c.p.Name, TimeMS: t0 + float64(k+1)*h, Value: vNew}
			}
			if vOld < SpikeThresholdMV && vNew >= SpikeThresholdMV {
				frac := (SpikeThresholdMV - vOld) / (vNew - vOld)
				spikes = append(spikes, t0+(float64(k)+frac)*h)
			}
		}
	}
	return spikes, nil
}

// maxRate is the fastest gating rate at voltage v (1/ms).
func (c *Cell) maxRate(v float64) float64 {
	u := v - c.p.VT
	am, bm := rateM(u)
	ah, bh := rateH(u)
	an, bn := rateN(u)
	r := max(am+bm, ah+bh, an+bn)
	if c.p.GL > 0 {
		aq, bq := rateQ(v)
		r = max(r, aq+bq)
	}
	return r
}

// derivs evaluates the right-hand side of the cell's ODEs.
type derivs struct {
	p     Params
	iDens float64 // injected current density (µA/cm²)
	k1    state
	k2    state
	k3    state
	k4    state
	tmp   state
}

func newDerivs(p Params) *derivs { return &derivs{p: p} }

func (d *derivs) rk4(s *state, h float64) {
	d.eval(s, &d.k1)
	for j := range d.tmp {
		d.tmp[j] = s[j] + 0.5*h*d.k1[j]
	}
	d.eval(&d.tmp, &d.k2)
	for j := range d.tmp {
		d.tmp[j] = s[j] + 0.5*h*d.k2[j]
	}
	d.eval(&d.tmp, &d.k3)
	for j := range d.tmp {
		d.tmp[j] = s[j] + h*d.k3[j]
	}
	d.eval(&d.tmp, &d.k4)
	for j := range s {
		s[j] += h / 6 * (d.k1[j] + 2*d.k2[j] + 2*d.k3[j] + d.k4[j])
	}
}

func (d *derivs) eval(s, ds *state) {
	p := &d.p
	v := s[iV]
	u := v - p.VT
	m, hh, n := s[iM], s[iH], s[iN]

	a, b := rateM(u)
	ds[iM] = a*(1-m) - b*m
	a, b = rateH(u)
	ds[iH] = a*(1-hh) - b*hh
	a, b = rateN(u)
	ds[iN] = a*(1-n) - b*n

	iIon := p.GLeak*(v-p.ELeak) +
		p.GNa*m*m*m*hh*(v-p.ENa) +
		p.GKd*n*n*n*n*(v-p.EK)

	if p.GM > 0 {
		inf, tau := infTauP(v, p.TauMax)
		ds[iP] = (inf - s[iP]) / tau
		iIon += p.GM * s[iP] * (v - p.EK)
	}
	if p.GL > 0 {
		q, r := s[iQ], s[iR]
		a, b = rateQ(v)
		ds[iQ] = a*(1-q) - b*q
		a, b = rateR(v)
		ds[iR] = a*(1-r) - b*r
		iIon += p.GL * q * q * r * (v - p.ECa)
	}
	if p.GT > 0 {
		sInf := infS(v, p.Vx)
		inf, tau := infTauU(v, p.Vx)
		ds[iU] = (inf - s[iU]) / tau
		iIon += p.GT * sInf * sInf * s[iU] * (v - p.ECa)
	}
	// mS/cm²·mV = µA/cm²; divided by µF/cm² gives mV/ms.
	ds[iV] = (d.iDens - iIon) / p.Cm
}

// steadyState returns the state with every gate at its steady state for v.
func steadyState(p Params, v float64) state {
	var s state
	s[iV] = v
	u := v - p.VT
	a, b := rateM(u)
	s[iM] = a / (a + b)
	a, b = rateH(u)
	s[iH] = a / (a + b)
	a, b = rateN(u)
	s[iN] = a / (a + b)
	if p.GM > 0 {
		s[iP], _ = infTauP(v, p.TauMax)
	}
	a, b = rateQ(v)
	s[iQ] = a / (a + b)
	a, b = rateR(v)
	s[iR] = a / (a + b)
	s[iU], _ = infTauU(v, p.Vx)
	return s
}

// steadyCurrent is the total ionic current density (µA/cm², outward
// positive) with every gate at its steady state for v.
func steadyCurrent(p Params, v float64) float64 {
	s := steadyState(p, v)
	d := derivs{p: p}
	var ds state
	d.eval(&s, &ds)
	return -ds[iV] * p.Cm
}

// restingPotential finds the most hyperpolarised zero of the steady-state
// current–voltage relation between −120 and −20 mV at which the current turns
// from inward to outward (a stable rest for the voltage equation).
func restingPotential(p Params) (float64, error) {
	const lo, hi, step = -120.0, -20.0, 0.05
	prev := steadyCurrent(p, lo)
	for v := lo + step; v <= hi; v += step {
		cur := steadyCurrent(p, v)
		if prev < 0 && cur >= 0 {
			a, b := v-step, v
			for range 60 {
				mid := 0.5 * (a + b)
				if steadyCurrent(p, mid) < 0 {
					a = mid
				} else {
					b = mid
				}
			}
			return 0.5 * (a + b), nil
		}
		prev = cur
	}
	return 0, fmt.Errorf("%w: %s has no resting potential in [%v, %v] mV", ErrParams, p.Name, lo, hi)
}

package analysis

import (
	"fmt"
	"math"
	"math/cmplx"
)

// This file holds the linear stability of the asynchronous state of Brunel's (2000) model A
// (J Comput Neurosci 8:183, sections 3–4; the same analysis as Brunel & Hakim 1999, Neural
// Comput 11:1621). In the diffusion approximation the membrane-potential density P(V, t) of the
// cells obeys the Fokker–Planck equation
//
//	∂P/∂t = −∂J/∂V + ν(t − τrp)·δ(V − Vr),   J = ((μ(t) − V)/τ)·P − (σ²(t)/2τ)·∂P/∂V,
//
// with P(θ) = 0 and the rate ν(t) = J(θ, t), and the network closes the loop through the delayed
// rate: μ(t) = CE·J·τ·(ν_ext + (1 − γg)·ν(t − D)), σ²(t) = CE·J²·τ·(ν_ext + (1 + γg²)·ν(t − D))
// (Brunel's eqs. 4–5 with the delay D). A small perturbation ν0 + ν1·e^(λt) of the stationary
// rate grows (Re λ > 0) or decays according to the roots of the eigenvalue equation
//
//	1 = e^(−λD)·[CE·J·τ·(1 − γg)·Rμ(λ) + CE·J²·τ·(1 + γg²)·Rσ²(λ)],
//
// where Rμ = ν1/μ1 and Rσ² = ν1/σ²1 are the cell's rate responses to a modulation of the mean
// and of the variance of its input at complex frequency λ. Brunel writes them with confluent
// hypergeometric (parabolic cylinder) functions; here they are computed by integrating the
// linearised Fokker–Planck equation from threshold down ("threshold integration", Richardson
// 2007, Phys Rev E 76:021919), which needs no special functions and gives the stationary
// density, the rate ν0 and both responses in one pass over a voltage grid. The asynchronous state
// loses stability where a root crosses the imaginary axis, λ = 2πi·f: a Hopf bifurcation with
// the network oscillating at f, the lines of Brunel's Fig. 2.

// fpSolver holds the stationary solution of the Fokker–Planck equation on a voltage grid running
// down from θ (index 0) in steps of h, with Vr on the grid, and the coefficients of the
// exponential integrator of each step (they do not depend on λ).
type fpSolver struct {
	h, tau, tRef, s2 float64 // mV, s, s, mV²
	kr               int     // index of Vr
	e, phi           []float64
	p0, dp0          []float64 // stationary density for a unit flux (s/mV) and its derivative
	dp0Above         float64   // the derivative just above Vr (it jumps there)
	nu0              float64   // Hz
}

// fpStepsPerSigma is the number of grid steps per σ of the input; the grid reaches 6σ below
// min(Vr, μ). Fewer steps make the responses less accurate (first order in the step); see the
// tests for the accuracy reached.
const fpStepsPerSigma = 100

// fpSteps is the number of grid steps between Vr and θ for an input of standard deviation
// sigmaMV.
func fpSteps(m MeanFieldLIF, sigmaMV float64) int {
	top := m.ThetaMV - m.VrMV
	return int(math.Ceil(top / math.Min(sigmaMV/fpStepsPerSigma, top/50)))
}

func newFPSolver(m MeanFieldLIF, muMV, sigmaMV float64) (*fpSolver, error) {
	if !(sigmaMV > 0) || math.IsInf(sigmaMV, 0) || math.IsNaN(muMV) || math.IsInf(muMV, 0) {
		return nil, fmt.Errorf("analysis: rate response: μ = %v mV, σ = %v mV: want finite μ and σ > 0", muMV, sigmaMV)
	}
	return newFPSolverSteps(m, muMV, sigmaMV, fpSteps(m, sigmaMV))
}

// newFPSolverSteps builds the solver with kr steps between Vr and θ: a fixed kr makes the
// discrete solution a smooth function of μ and σ (for derivatives by differences).
func newFPSolverSteps(m MeanFieldLIF, muMV, sigmaMV float64, kr int) (*fpSolver, error) {
	top := m.ThetaMV - m.VrMV
	h := top / float64(kr)
	lb := math.Min(m.VrMV, muMV) - 6*sigmaMV
	n := kr + int(math.Ceil((m.VrMV-lb)/h))
	if n > 2_000_000 {
		return nil, fmt.Errorf("analysis: rate response: σ = %v mV is too small for the voltage grid (%d steps)", sigmaMV, n)
	}
	f := &fpSolver{h: h, tau: m.TauMS / 1000, tRef: m.TRefMS / 1000, s2: sigmaMV * sigmaMV, kr: kr,
		e: make([]float64, n), phi: make([]float64, n), p0: make([]float64, n+1), dp0: make([]float64, n+1)}
	p, j, area := 0.0, 1.0, 0.0
	for k := 0; k < n; k++ {
		v := m.ThetaMV - float64(k)*h
		if k == kr {
			f.dp0Above = 2*(muMV-v)/f.s2*p - 2*f.tau*j/f.s2
			j = 0 // the unit flux leaves at θ and comes back at Vr
		}
		// p' = a·p + b on (v − h, v), with a taken at the midpoint (second order)
		x := 2 * (muMV - (v - h/2)) / f.s2 * h
		f.e[k] = math.Exp(-x)
		if math.Abs(x) < 1e-8 {
			f.phi[k] = 1 - x/2
		} else {
			f.phi[k] = -math.Expm1(-x) / x
		}
		b := -2 * f.tau * j / f.s2
		f.p0[k], f.dp0[k] = p, 2*(muMV-v)/f.s2*p+b
		next := p*f.e[k] - h*f.phi[k]*b
		area += h * (p + next) / 2
		p = next
	}
	f.p0[n], f.dp0[n] = p, 2*(muMV-(m.ThetaMV-float64(n)*h))/f.s2*p
	f.nu0 = 1 / (area + f.tRef)
	return f, nil
}

// response returns the rate responses Rμ (Hz/mV) and Rσ² (Hz/mV²) at complex frequency s (1/s)
// by threshold integration: the flux and density perturbations driven by a unit rate
// perturbation (reinjected at Vr after τrp), by a unit modulation of μ and by a unit modulation
// of σ² are integrated down together; the response is the combination whose flux vanishes at the
// bottom of the grid.
func (f *fpSolver) response(s complex128) (rMu, rVar complex128) {
	n := len(f.e)
	var pn, jn, pm, jm, pv, jv complex128
	jn = 1
	hs := complex(f.h/2, 0) * s
	ret := cmplx.Exp(-s * complex(f.tRef, 0))
	c := 2 / f.s2
	ct := complex(c*f.tau, 0)
	// sources b of p' = a·p + b for the three problems (P0 = ν0·p0), at grid point k
	src := func(k int, jn, jm, jv complex128, dp0 float64) (bn, bm, bv complex128) {
		return -ct * jn, complex(c*f.p0[k], 0) - ct*jm, -ct*jv - complex(c*dp0/2, 0)
	}
	for k := 0; k < n; k++ {
		if k == f.kr {
			jn -= ret
		}
		e, hp := complex(f.e[k], 0), complex(f.h*f.phi[k], 0)
		// Heun's predictor–corrector on the sources: second order in h
		bn, bm, bv := src(k, jn, jm, jv, f.dp0[k])
		pn1, pm1, pv1 := pn*e-hp*bn, pm*e-hp*bm, pv*e-hp*bv
		d1 := f.dp0[k+1]
		if k+1 == f.kr {
			d1 = f.dp0Above
		}
		bn1, bm1, bv1 := src(k+1, jn+hs*(pn+pn1), jm+hs*(pm+pm1), jv+hs*(pv+pv1), d1)
		pn2, pm2, pv2 := pn*e-hp*(bn+bn1)/2, pm*e-hp*(bm+bm1)/2, pv*e-hp*(bv+bv1)/2
		jn += hs * (pn + pn2)
		jm += hs * (pm + pm2)
		jv += hs * (pv + pv2)
		pn, pm, pv = pn2, pm2, pv2
	}
	nu := complex(f.nu0, 0)
	return -nu * jm / jn, -nu * jv / jn
}

// RateResponse returns the stationary rate ν0 (Hz) of a LIF cell whose input has mean muMV and
// standard deviation sigmaMV (white noise, as for SiegertRate) and its linear rate responses at
// the complex frequency s (1/s; s = 2πi·f for a sinusoid of f Hz): rMu = ν1/μ1 (Hz/mV) to a
// modulation μ0 + μ1·e^(st) of the mean and rVar = ν1/σ²1 (Hz/mV²) to a modulation σ0² + σ²1·e^(st)
// of the variance. They are computed by threshold integration of the Fokker–Planck equation
// (Richardson 2007) for Re s ≥ 0, s ≠ 0, up to |s| of about 2π·20 kHz; the limit s → 0 is the
// slope of the Siegert rate, ∂ν0/∂μ and ∂ν0/∂σ². The grid has 100 steps per σ and the scheme is
// of second order: ν0 and the low-frequency responses agree with the Siegert formula to about
// 10⁻⁴ (see the tests).
func (m MeanFieldLIF) RateResponse(muMV, sigmaMV float64, s complex128) (nu0Hz float64, rMu, rVar complex128, err error) {
	if err := m.validate(); err != nil {
		return 0, 0, 0, err
	}
	if s == 0 || real(s) < 0 || cmplx.IsNaN(s) || cmplx.IsInf(s) {
		return 0, 0, 0, fmt.Errorf("analysis: rate response: s = %v: want Re s ≥ 0 and s ≠ 0", s)
	}
	f, err := newFPSolver(m, muMV, sigmaMV)
	if err != nil {
		return 0, 0, 0, err
	}
	rMu, rVar = f.response(s)
	if cmplx.IsNaN(rMu) || cmplx.IsInf(rMu) || cmplx.IsNaN(rVar) || cmplx.IsInf(rVar) {
		return 0, 0, 0, fmt.Errorf("analysis: rate response: s = %v is too high for the voltage grid (the solution overflows)", s)
	}
	return f.nu0, rMu, rVar, nil
}

// AsyncState is the asynchronous (stationary) state of Brunel's model A and its linear
// stability, from [MeanFieldLIF.AsyncStability].
type AsyncState struct {
	Nu0Hz, MuMV, SigmaMV float64
	// Unstable is the number of eigenvalues λ with Re λ > 0 (complex pairs count twice): 0 where
	// the asynchronous state is stable.
	Unstable int
	// FreqHz is the frequency (Hz) at which the loop gain e^(−λD)·(…) of the eigenvalue equation
	// crosses the positive real axis furthest beyond 1 on λ = 2πi·f, the frequency of the growing
	// oscillation where Unstable > 0; NaN if it never crosses beyond 1.
	FreqHz float64
	// Gain is that crossing's value of the loop gain (> 1 where unstable).
	Gain float64
}

// LoopGain returns the right-hand side of the eigenvalue equation at the complex frequency s
// (1/s) for the stationary state with rate nu0Hz and delay delayMS:
// e^(−sD)·[CE·J·τ·(1 − γg)·Rμ(s) + CE·J²·τ·(1 + γg²)·Rσ²(s)]. The asynchronous state has an
// eigenvalue s where it equals 1.
func (m MeanFieldLIF) LoopGain(nu0Hz, delayMS float64, s complex128) (complex128, error) {
	if err := m.validate(); err != nil {
		return 0, err
	}
	if !(delayMS >= 0) || math.IsInf(delayMS, 0) {
		return 0, fmt.Errorf("analysis: loop gain: delay = %v ms out of range", delayMS)
	}
	mu, sigma := m.Input(nu0Hz)
	f, err := newFPSolver(m, mu, sigma)
	if err != nil {
		return 0, err
	}
	return m.loopGain(f, delayMS, s), nil
}

func (m MeanFieldLIF) loopGain(f *fpSolver, delayMS float64, s complex128) complex128 {
	rMu, rVar := f.response(s)
	tau, ce := m.TauMS/1000, float64(m.CE)
	kMu := ce * m.JmV * tau * (1 - m.Gamma*m.G)
	kVar := ce * m.JmV * m.JmV * tau * (1 + m.Gamma*m.G*m.G)
	return cmplx.Exp(-s*complex(delayMS/1000, 0)) * (complex(kMu, 0)*rMu + complex(kVar, 0)*rVar)
}

// Frequency range and resolution of the stability scan.
const (
	stabMinHz  = 0.25   // lowest frequency sampled (the s → 0 limit is taken from here)
	stabMaxHz  = 5000   // highest
	stabStepHz = 2.0    // largest step; halved where the loop gain turns fast
	stabMaxArg = 0.3    // largest change of arg(G − 1) accepted per step (rad)
	stabTail   = 0.95   // above 1 kHz the scan stops once |G| stays below this for 200 Hz
	stabMinDf  = 0.0005 // smallest step (Hz)
)

// AsyncStability finds the stationary rate ν0 of the network (MeanFieldRate) and counts the
// eigenvalues of its linearisation with positive real part for a transmission delay of delayMS,
// by the argument principle: the loop gain G(s) is analytic for Re s ≥ 0 and tends to a value of
// modulus below 1 as |s| grows there, so the number of roots of G(s) = 1 with Re s > 0 is the
// number of times G(2πi·f) − 1 winds clockwise around 0 as f runs from −∞ to ∞, i.e. −Δarg/π
// over f ≥ 0 (G(−f) is the conjugate of G(f)). The scan samples f from 0.25 Hz to at most 5 kHz
// with adaptive steps. An error is returned where no stationary rate exists.
func (m MeanFieldLIF) AsyncStability(delayMS float64) (AsyncState, error) {
	nu0, err := MeanFieldRate(m)
	if err != nil {
		return AsyncState{}, err
	}
	if !(delayMS >= 0) || math.IsInf(delayMS, 0) {
		return AsyncState{}, fmt.Errorf("analysis: stability: delay = %v ms out of range", delayMS)
	}
	mu, sigma := m.Input(nu0)
	fs, err := newFPSolver(m, mu, sigma)
	if err != nil {
		return AsyncState{}, err
	}
	st := AsyncState{Nu0Hz: nu0, MuMV: mu, SigmaMV: sigma, FreqHz: math.NaN(), Gain: math.NaN()}
	at := func(f float64) complex128 { return m.loopGain(fs, delayMS, complex(0, 2*math.Pi*f)) }
	f := stabMinHz
	g := at(f)
	arg0 := cmplx.Phase(g - 1)
	total := 0.0
	quiet := 0.0 // Hz scanned above 1 kHz with |G| < stabTail
	df := stabStepHz
	for f < stabMaxHz {
		f2 := f + df
		g2 := at(f2)
		d := cmplx.Phase((g2 - 1) / (g - 1))
		if math.Abs(d) > stabMaxArg && df > stabMinDf {
			df /= 2
			continue
		}
		if imag(g) != 0 && (imag(g) > 0) != (imag(g2) > 0) {
			// the gain crosses the real axis between f and f2: interpolate where
			w := imag(g) / (imag(g) - imag(g2))
			re := real(g) + w*(real(g2)-real(g))
			if re > 0 && (math.IsNaN(st.Gain) || re > st.Gain) {
				st.Gain, st.FreqHz = re, f+w*(f2-f)
			}
		}
		total += d
		f, g = f2, g2
		if f > 1000 && cmplx.Abs(g) < stabTail {
			quiet += df
			if quiet >= 200 {
				break
			}
		} else {
			quiet = 0
		}
		if math.Abs(d) < stabMaxArg/4 && df < stabStepHz {
			df *= 2
		}
	}
	// the unsampled stretch (0, stabMinHz): G is real at 0, take its argument there
	g0 := real(at(stabMinHz / 1000))
	start := 0.0
	if g0 < 1 {
		start = math.Pi
	}
	total += angleDiff(arg0, start)
	st.Unstable = int(math.Round(-total / math.Pi))
	if st.Unstable < 0 {
		st.Unstable = 0
	}
	if !(st.Gain > 1) {
		st.FreqHz, st.Gain = math.NaN(), math.NaN()
		if st.Unstable > 0 && g0 > 1 {
			st.FreqHz = 0 // a real root: the rate itself runs away
		}
	}
	return st, nil
}

// angleDiff returns a − b wrapped to (−π, π].
func angleDiff(a, b float64) float64 {
	d := math.Mod(a-b, 2*math.Pi)
	if d > math.Pi {
		d -= 2 * math.Pi
	} else if d <= -math.Pi {
		d += 2 * math.Pi
	}
	return d
}

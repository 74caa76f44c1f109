package analysis

import (
	"fmt"
	"math"
)

// MeanFieldLIF describes a sparse network of leaky integrate-and-fire cells with delta synapses,
// Brunel's (2000) model A, for the diffusion (mean-field) approximation. Potentials are measured
// from rest.
type MeanFieldLIF struct {
	TauMS   float64 // membrane time constant τ (ms; Brunel: 20)
	TRefMS  float64 // refractory period τrp (ms; Brunel: 2)
	ThetaMV float64 // threshold θ above rest (mV; Brunel: 20)
	VrMV    float64 // reset Vr above rest (mV; Brunel: 10)
	CE      int     // excitatory recurrent inputs per cell (Brunel: 1000)
	Gamma   float64 // CI/CE, inhibitory inputs per excitatory input (Brunel: 0.25)
	JmV     float64 // EPSP amplitude J (mV; Brunel: 0.1)
	G       float64 // relative inhibitory strength g (IPSP = −g·J)
	NuExtHz float64 // rate of each of the CE external Poisson inputs (Hz)
}

// BrunelMeanField returns the mean-field description of Brunel's model A with his cell (τ = 20 ms,
// τrp = 2 ms, θ = 20 mV, Vr = 10 mV, CI = CE/4) for ce inputs of amplitude jmV, inhibition g and
// external drive eta = ν_ext/ν_thr, where ν_thr = θ/(J·CE·τ) (Brunel 2000, section 2).
func BrunelMeanField(ce int, jmV, g, eta float64) MeanFieldLIF {
	m := MeanFieldLIF{TauMS: 20, TRefMS: 2, ThetaMV: 20, VrMV: 10, CE: ce, Gamma: 0.25, JmV: jmV, G: g}
	m.NuExtHz = eta * m.ThetaMV / (jmV * float64(ce) * m.TauMS) * 1000
	return m
}

func (m MeanFieldLIF) validate() error {
	check := func(name string, v float64, ok bool) error {
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("analysis: mean field: %s = %v is out of range", name, v)
		}
		return nil
	}
	for _, e := range []error{
		check("TauMS", m.TauMS, m.TauMS > 0),
		check("TRefMS", m.TRefMS, m.TRefMS > 0),
		check("ThetaMV", m.ThetaMV, m.ThetaMV > m.VrMV),
		check("VrMV", m.VrMV, m.VrMV < m.ThetaMV),
		check("CE", float64(m.CE), m.CE > 0),
		check("Gamma", m.Gamma, m.Gamma >= 0),
		check("JmV", m.JmV, m.JmV > 0),
		check("G", m.G, m.G >= 0),
		check("NuExtHz", m.NuExtHz, m.NuExtHz >= 0),
	} {
		if e != nil {
			return e
		}
	}
	return nil
}

// Input returns the mean μ and standard deviation σ (mV) of the input of a cell when every
// recurrent cell fires at nuHz (Brunel 2000, eqs. 4–5):
//
//	μ  = CE·J·τ·(ν_ext + ν·(1 − γ·g))
//	σ² = CE·J²·τ·(ν_ext + ν·(1 + γ·g²))
func (m MeanFieldLIF) Input(nuHz float64) (muMV, sigmaMV float64) {
	tau := m.TauMS / 1000 // s
	ce := float64(m.CE)
	muMV = ce * m.JmV * tau * (m.NuExtHz + nuHz*(1-m.Gamma*m.G))
	sigmaMV = math.Sqrt(ce * m.JmV * m.JmV * tau * (m.NuExtHz + nuHz*(1+m.Gamma*m.G*m.G)))
	return muMV, sigmaMV
}

// SiegertRate is the stationary rate (Hz) of a LIF cell with Gaussian white-noise input of mean
// muMV and standard deviation sigmaMV (Siegert 1951; Amit & Brunel 1997; Brunel 2000, eq. 21):
//
//	1/ν = τrp + τ·√π ∫ from (Vr−μ)/σ to (θ−μ)/σ of e^(u²)·(1 + erf u) du
//
// The integral is taken by Simpson's rule on 2000 intervals, using e^(u²)·erfc(−u) and its
// asymptote 1/(−u·√π) below u = −20, where e^(u²) would overflow.
func (m MeanFieldLIF) SiegertRate(muMV, sigmaMV float64) float64 {
	f := func(u float64) float64 {
		if u < -20 {
			return 1 / (-u * math.Sqrt(math.Pi))
		}
		return math.Exp(u*u) * math.Erfc(-u)
	}
	lo, hi := (m.VrMV-muMV)/sigmaMV, (m.ThetaMV-muMV)/sigmaMV
	const n = 2000 // Simpson's rule, n even
	h := (hi - lo) / n
	s := f(lo) + f(hi)
	for k := 1; k < n; k++ {
		s += float64(2+2*(k%2)) * f(lo+float64(k)*h)
	}
	tau, tRef := m.TauMS/1000, m.TRefMS/1000 // s
	return 1 / (tRef + tau*math.Sqrt(math.Pi)*s*h/3)
}

// MeanFieldRate returns the self-consistent stationary rate ν0 (Hz) of the network: the ν with
// SiegertRate(Input(ν)) = ν (Brunel 2000, eqs. 4–5 and 21), found by bisection on
// (10⁻³ Hz, 1/τrp − 10⁻³ Hz) to 10⁻¹² relative precision. It describes the asynchronous
// state; where that state is unstable (synchronous regimes) the network's measured rate may
// differ. An error names the first invalid field.
func MeanFieldRate(m MeanFieldLIF) (float64, error) {
	if err := m.validate(); err != nil {
		return 0, err
	}
	g := func(nu float64) float64 { return m.SiegertRate(m.Input(nu)) - nu }
	a, b := 1e-3, 1000/m.TRefMS-1e-3
	if g(a) < 0 {
		return 0, fmt.Errorf("analysis: mean field: no self-consistent rate above %v Hz (the network is silent)", a)
	}
	if g(b) > 0 {
		return 0, fmt.Errorf("analysis: mean field: rate saturates at 1/τrp = %v Hz", 1000/m.TRefMS)
	}
	for range 200 {
		mid := (a + b) / 2
		if g(mid) > 0 {
			a = mid
		} else {
			b = mid
		}
		if b-a < 1e-12*b {
			break
		}
	}
	return (a + b) / 2, nil
}

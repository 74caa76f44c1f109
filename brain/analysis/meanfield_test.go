package analysis_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/brain/analysis"
)

// With almost no noise the Siegert rate must approach the deterministic LIF rate
// 1/(τrp + τ ln((μ − Vr)/(μ − θ))) for μ > θ (Tuckwell 1988), and zero for μ < θ.
func TestSiegertRateDeterministicLimit(t *testing.T) {
	m := analysis.BrunelMeanField(1000, 0.1, 5, 2)
	for _, tc := range []struct {
		mu, sigma, tol float64 // mV, mV, relative
	}{
		{25, 0.5, 0.01},
		{30, 1, 0.01},
		{40, 1, 0.005},
		{60, 0.5, 0.001},
	} {
		want := 1000 / (m.TRefMS + m.TauMS*math.Log((tc.mu-m.VrMV)/(tc.mu-m.ThetaMV)))
		got := m.SiegertRate(tc.mu, tc.sigma)
		if math.Abs(got/want-1) > tc.tol {
			t.Errorf("μ = %v mV, σ = %v mV: rate %.4f Hz, deterministic %.4f Hz (tolerance %v)", tc.mu, tc.sigma, got, want, tc.tol)
		}
	}
	if r := m.SiegertRate(10, 0.5); r > 1e-10 {
		t.Errorf("μ = 10 mV (θ − 20 σ): rate %g Hz, want ≈ 0", r)
	}
}

// siegertIdentity evaluates the Siegert integral through the identity
// ∫ from a to b of e^(u²)(1 + erf u) du = ∫ from 0 to ∞ of e^(−x²)(e^(2bx) − e^(2ax))/x dx,
// divided by √π (so that τ√π times the first is τ times the second), by the midpoint rule on a
// fine grid: an independent route to the same number.
func siegertIdentity(m analysis.MeanFieldLIF, mu, sigma float64) float64 {
	a, b := (m.VrMV-mu)/sigma, (m.ThetaMV-mu)/sigma
	const h = 1e-4
	s := 0.0
	for x := h / 2; x < 12+b; x += h {
		s += math.Exp(-x*x) * (math.Exp(2*b*x) - math.Exp(2*a*x)) / x
	}
	return 1000 / (m.TRefMS + m.TauMS*s*h)
}

func TestSiegertRateIdentity(t *testing.T) {
	m := analysis.BrunelMeanField(1000, 0.1, 5, 2)
	for _, tc := range []struct{ mu, sigma float64 }{
		{15, 5}, {18, 3}, {20, 2}, {10, 4}, {22, 6}, {5, 5},
	} {
		got, want := m.SiegertRate(tc.mu, tc.sigma), siegertIdentity(m, tc.mu, tc.sigma)
		if math.Abs(got/want-1) > 1e-5 {
			t.Errorf("μ = %v, σ = %v mV: Simpson %.8g Hz, identity %.8g Hz", tc.mu, tc.sigma, got, want)
		}
	}
}

// The stationary rate is a fixed point of the transfer function, rises with the external drive
// η and falls with the inhibition g, over a grid of the inhibition-dominated region.
func TestMeanFieldRateFixedPointAndMonotone(t *testing.T) {
	prevG := map[float64]float64{}
	for _, g := range []float64{4.5, 5, 6, 8} {
		prevEta := 0.0
		for _, eta := range []float64{1, 1.5, 2, 3, 4} {
			m := analysis.BrunelMeanField(1000, 0.1, g, eta)
			nu, err := analysis.MeanFieldRate(m)
			if err != nil {
				t.Fatalf("g = %v, η = %v: %v", g, eta, err)
			}
			if back := m.SiegertRate(m.Input(nu)); math.Abs(back-nu) > 1e-9*nu {
				t.Errorf("g = %v, η = %v: ν0 = %v Hz but the transfer function gives %v Hz", g, eta, nu, back)
			}
			if nu <= prevEta {
				t.Errorf("g = %v: ν0(η = %v) = %.3f Hz not above the previous η's %.3f Hz", g, eta, nu, prevEta)
			}
			if p, ok := prevG[eta]; ok && nu >= p {
				t.Errorf("η = %v: ν0(g = %v) = %.3f Hz not below the smaller g's %.3f Hz", eta, g, nu, p)
			}
			prevEta, prevG[eta] = nu, nu
		}
	}
}

// As the synapses become many and small (CE·J fixed, J → 0) the input noise σ vanishes and ν0
// must approach the self-consistent rate of noiseless LIF cells, the ν that solves
// ν = 1/(τrp + τ ln((μ(ν) − Vr)/(μ(ν) − θ))) with μ(ν) = CE·J·τ·(ν_ext + ν(1 − γg)), found here
// by its own bisection.
func TestMeanFieldRateNoiselessLimit(t *testing.T) {
	base := analysis.BrunelMeanField(1000, 0.1, 8, 4)
	det := func(nu float64) float64 {
		mu, _ := base.Input(nu)
		if mu <= base.ThetaMV {
			return 0
		}
		return 1000 / (base.TRefMS + base.TauMS*math.Log((mu-base.VrMV)/(mu-base.ThetaMV)))
	}
	lo, hi := 1e-6, 499.0
	for range 200 {
		if mid := (lo + hi) / 2; det(mid) > mid {
			lo = mid
		} else {
			hi = mid
		}
	}
	want := lo
	for _, tc := range []struct {
		k   int
		tol float64
	}{{100, 0.01}, {10000, 0.001}} {
		m := analysis.BrunelMeanField(1000*tc.k, 0.1/float64(tc.k), 8, 4)
		nu, err := analysis.MeanFieldRate(m)
		if err != nil {
			t.Fatal(err)
		}
		_, sigma := m.Input(nu)
		if math.Abs(nu/want-1) > tc.tol {
			t.Errorf("CE = %d (σ = %.2f mV): ν0 = %.4f Hz, noiseless limit %.4f Hz (tolerance %v)", m.CE, sigma, nu, want, tc.tol)
		}
	}
}

func TestMeanFieldRateErrors(t *testing.T) {
	good := analysis.BrunelMeanField(1000, 0.1, 5, 2)
	for _, tc := range []struct {
		field string
		edit  func(*analysis.MeanFieldLIF)
	}{
		{"TauMS", func(m *analysis.MeanFieldLIF) { m.TauMS = 0 }},
		{"TRefMS", func(m *analysis.MeanFieldLIF) { m.TRefMS = math.NaN() }},
		{"CE", func(m *analysis.MeanFieldLIF) { m.CE = 0 }},
		{"JmV", func(m *analysis.MeanFieldLIF) { m.JmV = -1 }},
		{"NuExtHz", func(m *analysis.MeanFieldLIF) { m.NuExtHz = math.Inf(1) }},
	} {
		m := good
		tc.edit(&m)
		_, err := analysis.MeanFieldRate(m)
		if err == nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("bad %s: error %v, want one naming the field", tc.field, err)
		}
	}
	silent := good
	silent.NuExtHz = 0
	if _, err := analysis.MeanFieldRate(silent); err == nil {
		t.Error("no external drive: want an error (silent network), got none")
	}
}

func ExampleMeanFieldRate() {
	// Brunel 2000, Fig. 8 point B (asynchronous irregular): g = 5, η = 2, CE = 1000, J = 0.1 mV.
	m := analysis.BrunelMeanField(1000, 0.1, 5, 2)
	nu, err := analysis.MeanFieldRate(m)
	if err != nil {
		fmt.Println(err)
		return
	}
	mu, sigma := m.Input(nu)
	fmt.Printf("ν_ext = %.0f Hz, ν0 = %.1f Hz, μ = %.1f mV, σ = %.1f mV\n", m.NuExtHz, nu, mu, sigma)
	// Output:
	// ν_ext = 20 Hz, ν0 = 37.9 Hz, μ = 21.0 mV, σ = 7.7 mV
}

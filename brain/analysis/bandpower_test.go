package analysis

import (
	"math"
	"math/rand/v2"
	"testing"
)

// BandPower of white noise is the same in every band (its density is
// flat at 2σ²·dt one-sided), and a sine adds its power to the band that
// holds its frequency only.
func TestBandPower(t *testing.T) {
	const n, dtMS, sigma = 1 << 16, 1.0, 2.0
	r := rand.New(rand.NewPCG(1, 2))
	noise := make([]float64, n)
	sine := make([]float64, n)
	for k := range noise {
		noise[k] = sigma * r.NormFloat64()
		sine[k] = noise[k] + 3*math.Sin(2*math.Pi*40*float64(k)*dtMS/1000)
	}
	f, p := PowerSpectrum(noise, dtMS, 512)
	want := 2 * sigma * sigma * dtMS / 1000 // one-sided density of white noise (units²/Hz)
	for _, b := range [][2]float64{{5, 50}, {100, 200}, {300, 450}} {
		if got := BandPower(f, p, b[0], b[1]); math.Abs(got/want-1) > 0.05 {
			t.Errorf("white noise, %v Hz: BandPower = %.4g, want %.4g ± 5 %%", b, got, want)
		}
	}
	f, p = PowerSpectrum(sine, dtMS, 512)
	gamma, floor := BandPower(f, p, 30, 50), BandPower(f, p, 200, 450)
	if math.Abs(floor/want-1) > 0.05 || !(gamma > 10*floor) {
		t.Errorf("40 Hz sine on noise: 30–50 Hz %.4g, 200–450 Hz %.4g (noise %.4g): want the band ≫ the floor ≈ noise", gamma, floor, want)
	}
	if got := BandPower(f, p, 600, 700); !math.IsNaN(got) {
		t.Errorf("band above Nyquist: %v, want NaN", got)
	}
}

package analysis

import (
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
)

// PowerSpectrum is Welch's estimate (Welch 1967) of the one-sided power
// spectral density of a signal sampled every dtMS: the mean is removed,
// the signal is cut into segments of segLen samples overlapping by half,
// each weighted by a Hann window, and the periodograms are averaged. It
// returns the frequencies (Hz, 0 … Nyquist) and the density (signal units²
// per Hz). segLen ≤ 0 or > len(signal) uses the whole signal as one
// segment.
func PowerSpectrum(signal []float64, dtMS float64, segLen int) (freqHz, power []float64) {
	n := len(signal)
	if n < 4 || !(dtMS > 0) {
		return nil, nil
	}
	if segLen <= 0 || segLen > n {
		segLen = n
	}
	var mean float64
	for _, x := range signal {
		mean += x
	}
	mean /= float64(n)
	win := make([]float64, segLen)
	var wss float64
	for k := range win {
		win[k] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(k)/float64(segLen))
		wss += win[k] * win[k]
	}
	fft := fourier.NewFFT(segLen)
	seg := make([]float64, segLen)
	var coef []complex128
	nf := segLen/2 + 1
	power = make([]float64, nf)
	dt := dtMS / 1000 // s
	step := max(segLen/2, 1)
	nseg := 0
	for start := 0; start+segLen <= n; start += step {
		for k := range seg {
			seg[k] = (signal[start+k] - mean) * win[k]
		}
		coef = fft.Coefficients(coef, seg)
		for k := range nf {
			a := real(coef[k])*real(coef[k]) + imag(coef[k])*imag(coef[k])
			power[k] += a
		}
		nseg++
	}
	norm := dt / wss / float64(nseg)
	freqHz = make([]float64, nf)
	for k := range nf {
		power[k] *= norm
		if k != 0 && !(segLen%2 == 0 && k == nf-1) {
			power[k] *= 2 // one-sided
		}
		freqHz[k] = float64(k) / (float64(segLen) * dt)
	}
	return freqHz, power
}

// SpectralPeak returns the frequency (Hz) and power of the largest
// spectral density in [fMinHz, fMaxHz], and the peak's prominence: its
// power divided by the mean power in that band (≈ 1 for white noise, large
// for a clear rhythm).
func SpectralPeak(freqHz, power []float64, fMinHz, fMaxHz float64) (fPeak, pPeak, prominence float64) {
	var sum float64
	n := 0
	fPeak, pPeak = math.NaN(), math.Inf(-1)
	for k, f := range freqHz {
		if f < fMinHz || f > fMaxHz {
			continue
		}
		sum += power[k]
		n++
		if power[k] > pPeak {
			fPeak, pPeak = f, power[k]
		}
	}
	if n == 0 || sum == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	return fPeak, pPeak, pPeak / (sum / float64(n))
}

// BandPower returns the mean spectral density (power units per Hz, as
// PowerSpectrum's) over the frequencies in [fMinHz, fMaxHz], or NaN if
// none lies there. Divided by the same measure over a band far above any
// rhythm, where the spectrum of a spiking population is flat at the level
// of independent firing, it says how far a band rises above that noise.
func BandPower(freqHz, power []float64, fMinHz, fMaxHz float64) float64 {
	var sum float64
	n := 0
	for k, f := range freqHz {
		if f >= fMinHz && f <= fMaxHz {
			sum += power[k]
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// Synchrony is the synchrony measure χ of Golomb & Rinzel 1993 (Physica D
// 72:259; Golomb 2007, Scholarpedia 2:1347) for equally long signals, one
// per neuron:
//
//	χ² = Var_t(mean_i x_i(t)) / mean_i Var_t(x_i(t))
//
// χ is 1 for identical signals and falls as 1/√N for independent ones.
func Synchrony(signals [][]float64) float64 {
	if len(signals) == 0 || len(signals[0]) < 2 {
		return math.NaN()
	}
	nt := len(signals[0])
	pop := make([]float64, nt)
	var sumVar float64
	for _, s := range signals {
		if len(s) != nt {
			return math.NaN()
		}
		sumVar += variance(s)
		for k, x := range s {
			pop[k] += x
		}
	}
	inv := 1 / float64(len(signals))
	for k := range pop {
		pop[k] *= inv
	}
	if sumVar == 0 {
		return math.NaN()
	}
	return math.Sqrt(variance(pop) / (sumVar * inv))
}

// SpikeSynchrony is Synchrony of the trains' spike counts in the whole
// bins of binMS in [t0, t1) (Brunel & Hakim 1999 use the binned population
// activity the same way). Silent trains count in the mean variance (as
// zero) so that sparse asynchronous firing gives χ ≈ 1/√N.
func SpikeSynchrony(trains [][]float64, t0, t1, binMS float64) float64 {
	// Whole bins only: a partial last bin (or one and a half bins lumped
	// into the last, as rounding the quotient did) has another mean
	// count and would add its own variance.
	nb := wholeBins(t0, t1, binMS)
	if nb < 2 || len(trains) == 0 {
		return math.NaN()
	}
	t1 = t0 + float64(nb)*binMS
	pop := make([]float64, nb)
	cnt := make([]float64, nb)
	var sumVar float64
	for _, tr := range trains {
		clear(cnt)
		for _, t := range window(tr, t0, t1) {
			cnt[min(int((t-t0)/binMS), nb-1)]++
		}
		sumVar += variance(cnt)
		for k, c := range cnt {
			pop[k] += c
		}
	}
	inv := 1 / float64(len(trains))
	for k := range pop {
		pop[k] *= inv
	}
	if sumVar == 0 {
		return math.NaN()
	}
	return math.Sqrt(variance(pop) / (sumVar * inv))
}

func variance(x []float64) float64 {
	var s, s2 float64
	for _, v := range x {
		s += v
		s2 += v * v
	}
	n := float64(len(x))
	m := s / n
	return math.Max(s2/n-m*m, 0)
}

// Autocorrelation fills dst with the normalised autocorrelation of a
// signal (mean removed) at lags 0 … maxLag samples; dst[0] = 1. It is NaN
// for a constant signal.
func Autocorrelation(dst []float64, signal []float64, maxLag int) []float64 {
	n := len(signal)
	maxLag = min(maxLag, n-1)
	if maxLag < 0 {
		return dst[:0]
	}
	dst = resize(dst, maxLag+1)
	var m float64
	for _, x := range signal {
		m += x
	}
	m /= float64(n)
	var s0 float64
	for _, x := range signal {
		s0 += (x - m) * (x - m)
	}
	for l := range dst {
		var s float64
		for k := 0; k+l < n; k++ {
			s += (signal[k] - m) * (signal[k+l] - m)
		}
		dst[l] = s / s0
	}
	return dst
}

// OscillationIndex measures how rhythmic a signal is (e.g. a population
// rate): the height of the first side peak of its autocorrelation, i.e.
// the largest autocorrelation between its first and second zero crossings
// after lag 0, and that lag (the period, in samples). It is near 0 for
// noise or damped fluctuations and tends to 1 for a sustained rhythm
// (the side-peak height of the autocorrelogram; cf. Brunel & Hakim 1999,
// Neural Comput 11:1621, for the population activity of sparse networks).
// maxLag bounds the lags searched. It returns (0, 0) when the
// autocorrelation does not cross zero twice within maxLag.
func OscillationIndex(signal []float64, maxLag int) (height float64, period int) {
	ac := Autocorrelation(nil, signal, maxLag)
	k := 1
	for k < len(ac) && ac[k] > 0 {
		k++
	}
	for k < len(ac) && ac[k] <= 0 {
		k++
	}
	for ; k < len(ac) && ac[k] > 0; k++ {
		if ac[k] > height {
			height, period = ac[k], k
		}
	}
	if k == len(ac) {
		return 0, 0 // the side lobe did not end within maxLag
	}
	return height, period
}

package fit

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/optimize"
)

// DynamicIV is a first estimate of the somatic AdEx parameters from a voltage
// recording by the dynamic I–V method (Badel et al. 2008, J Neurophysiol
// 99:656). With the membrane equation written as
//
//	C dV/dt = I_ion(V) + I_in(t)
//
// the capacitance C is the value that makes the ionic current
// I_ion = C dV/dt − I_in the least variable at fixed V (within 0.5 mV voltage
// bins, below the spike-initiation zone), i.e. the pooled within-bin
// regression slope of I_in on dV/dt. The dynamic I–V curve
// F(V) = ⟨I_ion⟩_V / C is then fitted by the exponential integrate-and-fire
// form
//
//	F(V) = (EL − V + ΔT exp((V − VT)/ΔT)) / τm,   GL = C/τm
//
// Samples closer than PostSpikeMS after a spike are excluded (refractory
// currents), as are samples above CutMV (the action potential itself).
type DynamicIV struct {
	C      float64 // capacitance (pF)
	GL     float64 // leak conductance (nS)
	EL     float64 // resting potential of the I–V curve (mV)
	TauM   float64 // C/GL (ms)
	DeltaT float64 // spike slope factor (mV)
	VT     float64 // threshold of the exponential (mV)
	VReset float64 // median after-spike trough within 5 ms of each spike (mV); NaN without spikes

	VBins   []float64 // bin centres (mV)
	F       []float64 // mean I_ion/C per bin (mV/ms)
	Counts  []int     // samples per bin
	Samples int       // samples used
}

// IVOptions tune EstimateDynamicIV. Zero fields take the defaults shown.
type IVOptions struct {
	PostSpikeMS float64 // exclusion after each spike (ms); default 30
	CutMV       float64 // samples above this voltage are ignored (mV); default −30
	BinMV       float64 // voltage bin width (mV); default 0.5
	MinCount    int     // fewest samples for a bin to count; default 10
	MaxF        float64 // bins with F above this are left out of the fit (mV/ms); default 10
}

func (o IVOptions) withDefaults() IVOptions {
	if o.PostSpikeMS == 0 {
		o.PostSpikeMS = 30
	}
	if o.CutMV == 0 {
		o.CutMV = -30
	}
	if o.BinMV == 0 {
		o.BinMV = 0.5
	}
	if o.MinCount == 0 {
		o.MinCount = 10
	}
	if o.MaxF == 0 {
		o.MaxF = 10
	}
	return o
}

// EstimateDynamicIV applies the dynamic I–V method to voltage v (mV) and
// current (pA) sampled every dt ms, with the spike times (ms) used to mask
// the refractory periods. Only samples in w are used.
func EstimateDynamicIV(v, current []float64, dt float64, spikes []float64, w Window, o IVOptions) (DynamicIV, error) {
	o = o.withDefaults()
	if len(v) != len(current) || len(v) < 3 {
		return DynamicIV{}, fmt.Errorf("%w: dynamic I–V needs voltage and current of equal length ≥ 3 (got %d, %d)", ErrInput, len(v), len(current))
	}
	i0 := max(0, int(math.Ceil(w.StartMS/dt)))
	i1 := min(len(v)-1, int(math.Floor(w.EndMS/dt)))
	// usable samples: dV/dt over [i, i+1] with the current of sample i,
	// attributed to the midpoint voltage.
	type sample struct{ v, d, i float64 }
	var ss []sample
	k := sort.SearchFloat64s(spikes, float64(i0)*dt-o.PostSpikeMS)
	for i := i0; i < i1; i++ {
		t := float64(i) * dt
		for k < len(spikes) && spikes[k]+o.PostSpikeMS < t {
			k++
		}
		// excluded if a spike happened in (t − PostSpikeMS, t]
		if k < len(spikes) && spikes[k] <= t+dt {
			continue
		}
		vm := 0.5 * (v[i] + v[i+1])
		if vm > o.CutMV || v[i+1] > o.CutMV {
			continue
		}
		ss = append(ss, sample{v: vm, d: (v[i+1] - v[i]) / dt, i: current[i]})
	}
	if len(ss) < 100 {
		return DynamicIV{}, fmt.Errorf("%w: dynamic I–V: only %d usable voltage samples", ErrInput, len(ss))
	}
	vs := make([]float64, len(ss))
	for j, s := range ss {
		vs[j] = s.v
	}
	sort.Float64s(vs)
	vLo := vs[0]
	vCapMax := vs[int(0.6*float64(len(vs)-1))]

	nb := int(math.Floor((o.CutMV-vLo)/o.BinMV)) + 1
	bin := func(x float64) int { return int(math.Floor((x - vLo) / o.BinMV)) }
	type acc struct {
		n                   int
		sd, si, sdd, sdi, f float64
	}
	bins := make([]acc, nb)
	for _, s := range ss {
		b := bin(s.v)
		if b < 0 || b >= nb {
			continue
		}
		a := &bins[b]
		a.n++
		a.sd += s.d
		a.si += s.i
		a.sdd += s.d * s.d
		a.sdi += s.d * s.i
	}
	// C: pooled within-bin slope of I_in on dV/dt, over bins below vCapMax.
	var num, den float64
	for b := range bins {
		a := &bins[b]
		if a.n < o.MinCount || vLo+(float64(b)+1)*o.BinMV > vCapMax {
			continue
		}
		n := float64(a.n)
		num += a.sdi - a.sd*a.si/n
		den += a.sdd - a.sd*a.sd/n
	}
	if !(den > 0) || !(num > 0) {
		return DynamicIV{}, fmt.Errorf("%w: dynamic I–V: capacitance not identifiable (current does not vary at fixed voltage)", ErrInput)
	}
	res := DynamicIV{C: num / den, Samples: len(ss), VReset: math.NaN()}
	// F(V) = mean(dV/dt − I_in/C) per bin.
	for b := range bins {
		a := &bins[b]
		if a.n < o.MinCount {
			continue
		}
		n := float64(a.n)
		res.VBins = append(res.VBins, vLo+(float64(b)+0.5)*o.BinMV)
		res.F = append(res.F, (a.sd-a.si/res.C)/n)
		res.Counts = append(res.Counts, a.n)
	}
	if err := res.fitCurve(vCapMax, o.MaxF); err != nil {
		return DynamicIV{}, err
	}
	res.VReset = afterSpikeTrough(v, dt, spikes, w)
	return res, nil
}

// fitCurve fits the exponential I–V form to the binned F(V).
func (r *DynamicIV) fitCurve(vLin, maxF float64) error {
	// Linear part (V ≤ vLin): F = (EL − V)/τm.
	var sw, sx, sy, sxx, sxy float64
	for j, x := range r.VBins {
		if x > vLin {
			break
		}
		wt := float64(r.Counts[j])
		y := r.F[j]
		sw += wt
		sx += wt * x
		sy += wt * y
		sxx += wt * x * x
		sxy += wt * x * y
	}
	slope := (sw*sxy - sx*sy) / (sw*sxx - sx*sx)
	if !(slope < 0) || math.IsNaN(slope) {
		return fmt.Errorf("%w: dynamic I–V: subthreshold slope %v is not negative", ErrInput, slope)
	}
	icpt := (sy - slope*sx) / sw
	tauM := -1 / slope
	el := icpt * tauM
	// Nonlinear least squares on the bins up to the first one above the
	// resting potential whose F exceeds maxF (the spike-initiation zone
	// beyond which the samples are too few); weights capped so that the
	// sparse spike-initiation bins are not swamped. Below rest F is large
	// and positive only because the voltage is far from EL (strongly
	// hyperpolarising input), and a bin there with F > maxF is skipped,
	// not taken for the top of the curve.
	var xs, ys, ws []float64
	vTop := r.VBins[0]
	for j, x := range r.VBins {
		if r.F[j] > maxF {
			if x > el {
				break
			}
			continue
		}
		xs = append(xs, x)
		ys = append(ys, r.F[j])
		ws = append(ws, math.Min(float64(r.Counts[j]), 200))
		vTop = x
	}
	model := func(p []float64, v float64) float64 {
		tm, e, dT, vt := math.Exp(p[0]), p[1], math.Exp(p[2]), p[3]
		return (e - v + dT*math.Exp(math.Min((v-vt)/dT, 50))) / tm
	}
	obj := func(p []float64) float64 {
		if math.Exp(p[2]) > 15 || math.Exp(p[2]) < 0.05 {
			return math.Inf(1)
		}
		s := 0.0
		for j, x := range xs {
			d := model(p, x) - ys[j]
			s += ws[j] * d * d
		}
		return s
	}
	x0 := []float64{math.Log(tauM), el, math.Log(1.5), vTop - 3}
	res, err := optimize.Minimize(optimize.Problem{Func: obj}, x0,
		&optimize.Settings{FuncEvaluations: 4000, Converger: &optimize.FunctionConverge{Absolute: 1e-10, Relative: 1e-10, Iterations: 200}},
		&optimize.NelderMead{SimplexSize: 0.5})
	p := x0
	if err == nil || res != nil {
		if res != nil && !math.IsInf(res.F, 0) && !math.IsNaN(res.F) {
			p = res.X
		}
	}
	r.TauM = math.Exp(p[0])
	r.EL = p[1]
	r.DeltaT = math.Exp(p[2])
	r.VT = p[3]
	r.GL = r.C / r.TauM
	return nil
}

// afterSpikeTrough is the median over the spikes in w of the lowest voltage
// within 5 ms after each spike (mV), the natural reset of an integrate-and-
// fire model of the cell; NaN if there is no such spike.
func afterSpikeTrough(v []float64, dt float64, spikes []float64, w Window) float64 {
	var lows []float64
	for _, t := range spikes {
		if t < w.StartMS || t >= w.EndMS {
			continue
		}
		i0 := int(t/dt) + 1
		i1 := min(len(v), int((t+5)/dt)+1)
		if i0 >= i1 {
			continue
		}
		m := v[i0]
		for _, x := range v[i0:i1] {
			m = math.Min(m, x)
		}
		lows = append(lows, m)
	}
	if len(lows) == 0 {
		return math.NaN()
	}
	sort.Float64s(lows)
	return lows[len(lows)/2]
}

package fit

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// Subthreshold is the AdEx membrane and adaptation estimated from a voltage
// recording by linear regression of dV/dt (the "generalised
// integrate-and-fire" fitting of Mensi et al. 2012, J Neurophysiol
// 107:1756, written for the AdEx of Brette & Gerstner 2005). With a slow
// adaptation current (spike-triggered and subthreshold) and a fast
// spike-triggered after-current,
//
//	w(t)  = b Σ_{t_s<t} e^{−(t−t_s)/τw} + a ∫ e^{−(t−s)/τw} (V(s) − EL) ds/τw
//	wf(t) = bf Σ_{t_s<t} e^{−(t−t_s)/τf}
//
// the membrane equation
//
//	C dV/dt = −GL (V − EL) + GL ΔT e^{(V−VT)/ΔT} − w − wf + I
//
// is linear in (1/C, GL/C, GL·EL/C, b/C, a/C, bf/C, GL·ΔT/C) for fixed τw,
// τf, VT and ΔT. ΔT and a first VT come from the dynamic I–V curve; the
// coefficient of the exponential then refines VT; τw and τf are chosen on
// grids by the smallest residual. Samples within ExcludeMS after a spike
// (the action potential), above CutMV and below MinMV are left out.
//
// With the best τw and τf, a spike-triggered moving threshold
// VT + Δθ Σ e^{−(t−t_s)/τθ} in the exponential term (the GeneralizedNeuron's
// DeltaTheta, TauTheta; cf. the moving threshold of Mensi et al. 2012) is
// tried on a grid, and kept only if it explains at least ThetaMinGain of
// the residual variance (IB of Pospischil et al. 2008: 52 %, kept; RS: 8 %
// and FS: 6 %, fixed threshold).
//
// The GeneralizedNeuron has one adaptation current, which takes the slow
// component (a, b, τw: spike-frequency adaptation, which sets the f–I
// curve); the fast after-current, brief against the membrane time constant,
// acts as an extra hyperpolarising kick after each spike and is folded into
// the reset: VReset = V(ExcludeMS after the spike) − bf·τf/C · τm/(τm+τf).
type Subthreshold struct {
	C, GL, EL  float64 // pF, nS, mV
	A, B, TauW float64 // nS, pA, ms (slow adaptation)
	BFast      float64 // pA, fast after-current amplitude
	TauFast    float64 // ms
	VT, DeltaT float64 // mV, mV
	// DeltaTheta and TauTheta are the spike-triggered threshold increment
	// (mV) and its decay (ms) of the moving threshold that explains the
	// voltage best (0 if a fixed threshold does).
	DeltaTheta, TauTheta float64
	VReset               float64 // mV, effective reset (see above); NaN without spikes
	VPost                float64 // mV, median voltage ExcludeMS after a spike; NaN without spikes
	ExcludeMS            float64 // the exclusion after spikes used (ms), a natural refractory period
	RMSResidual          float64 // of dV/dt (mV/ms)
	// RMSFixedThreshold is the residual with the threshold held fixed
	// (mV/ms); equal to RMSResidual when DeltaTheta = 0.
	RMSFixedThreshold float64
	R2                float64 // fraction of dV/dt variance explained
	Samples           int
}

// RegressOptions tune EstimateSubthreshold; zero fields take the defaults.
type RegressOptions struct {
	ExcludeMS float64 // after each spike (ms) [3]
	CutMV     float64 // upper voltage limit of the samples (mV) [−40]
	// MinMV is the lower voltage limit of the samples (mV) [none; Fit uses
	// the resting potential of a first pass over all samples].
	MinMV    float64
	TauWGrid []float64 // slow adaptation time constants tried (ms) [50 … 800]
	TauFGrid []float64 // fast after-current time constants tried (ms) [2, 4, 8, 16]
	// DeltaThetaGrid and TauThetaGrid are the spike-triggered threshold
	// increments (mV) and their decay time constants (ms) tried, with the
	// best τw and τf, for a moving threshold in the exponential term
	// [0.25, 0.5, 1, 1.5, 2, 3, 4 mV × 5, 10, 20, 40, 80 ms]; see
	// Subthreshold.DeltaTheta. An empty, non-nil grid keeps the threshold
	// fixed.
	DeltaThetaGrid, TauThetaGrid []float64
	// ThetaMinGain is the fraction of the residual variance of the best
	// fixed-threshold fit that a moving threshold must explain to be kept
	// [0.2]; below it the estimate keeps a fixed threshold (DeltaTheta = 0).
	ThetaMinGain float64
}

// EstimateSubthreshold fits the AdEx membrane and adaptation to v (mV),
// current (pA), sampled every dt ms, with the recorded spike times (ms), on
// the samples of window w. vt and deltaT set the exponential term (from
// EstimateDynamicIV).
func EstimateSubthreshold(v, current []float64, dt float64, spikes []float64, w Window, vt, deltaT float64, o RegressOptions) (Subthreshold, error) {
	if o.ExcludeMS == 0 {
		o.ExcludeMS = 3
	}
	if o.CutMV == 0 {
		o.CutMV = -40
	}
	if o.TauWGrid == nil {
		o.TauWGrid = []float64{50, 75, 100, 150, 200, 300, 500, 800}
	}
	if o.TauFGrid == nil {
		o.TauFGrid = []float64{2, 4, 8, 16}
	}
	if o.DeltaThetaGrid == nil {
		o.DeltaThetaGrid = []float64{0.25, 0.5, 1, 1.5, 2, 3, 4}
	}
	if o.TauThetaGrid == nil {
		o.TauThetaGrid = []float64{5, 10, 20, 40, 80}
	}
	if o.ThetaMinGain == 0 {
		o.ThetaMinGain = 0.2
	}
	if len(v) != len(current) || len(v) < 3 {
		return Subthreshold{}, fmt.Errorf("%w: regression needs voltage and current of equal length", ErrInput)
	}
	if !(deltaT > 0) {
		return Subthreshold{}, fmt.Errorf("%w: regression needs ΔT > 0 (got %v)", ErrInput, deltaT)
	}
	i0 := max(0, int(math.Ceil(w.StartMS/dt)))
	i1 := min(len(v)-1, int(math.Floor(w.EndMS/dt)))
	var idx []int
	k := 0
	for i := i0; i < i1; i++ {
		t := float64(i) * dt
		for k < len(spikes) && spikes[k]+o.ExcludeMS < t {
			k++
		}
		if k < len(spikes) && spikes[k] <= t+dt {
			continue
		}
		if v[i] > o.CutMV || v[i+1] > o.CutMV {
			continue
		}
		if o.MinMV != 0 && v[i] < o.MinMV {
			continue
		}
		idx = append(idx, i)
	}
	n := len(idx)
	if n < 100 {
		return Subthreshold{}, fmt.Errorf("%w: regression: only %d usable samples", ErrInput, n)
	}
	// Fixed columns: I, V, 1, exp; and the target dV/dt.
	const nf = 7
	X := mat.NewDense(n, nf, nil)
	y := mat.NewVecDense(n, nil)
	var ym float64
	for r, i := range idx {
		vm := 0.5 * (v[i] + v[i+1])
		X.Set(r, 0, current[i])
		X.Set(r, 1, vm)
		X.Set(r, 2, 1)
		d := (v[i+1] - v[i]) / dt
		y.SetVec(r, d)
		ym += d
	}
	ym /= float64(n)
	var ss float64
	for r := range n {
		d := y.AtVec(r) - ym
		ss += d * d
	}
	// The subthreshold adaptation filter sees V clipped at CutMV (the AdEx
	// voltage stays below VPeak and sits at VReset while refractory).
	vClip := func(i int) float64 { return math.Min(v[i], o.CutMV) }
	kernel := func(tau float64, col int) {
		decay := math.Exp(-dt / tau)
		S := 0.0
		sp := 0
		r := 0
		for i := 0; i < i1 && r < n; i++ {
			t := float64(i) * dt
			for sp < len(spikes) && spikes[sp] <= t {
				S += math.Exp(-(t - spikes[sp]) / tau)
				sp++
			}
			if i == idx[r] {
				X.Set(r, col, S)
				r++
			}
			S *= decay
		}
	}
	filter := func(tau float64, col int) {
		decay := math.Exp(-dt / tau)
		U := vClip(0)
		r := 0
		for i := 0; i < i1 && r < n; i++ {
			if i == idx[r] {
				X.Set(r, col, U)
				r++
			}
			U = U*decay + (1-decay)*vClip(i)
		}
	}
	// expCol fills the exponential column, with the threshold moved by
	// dTheta·Σ e^{−(t−t_s)/tauTheta} over the earlier spikes.
	vexp := make([]float64, n)
	for r, i := range idx {
		vexp[r] = 0.5 * (v[i] + v[i+1])
	}
	expCol := func(dTheta, tauTheta float64) {
		if dTheta != 0 {
			kernel(tauTheta, 6)
		}
		for r := range n {
			th := 0.0
			if dTheta != 0 {
				th = dTheta * X.At(r, 6)
			}
			X.Set(r, 6, math.Exp(math.Min((vexp[r]-vt-th)/deltaT, 50)))
		}
	}
	var ls lsq
	var theta, res mat.VecDense
	// solve fits the regression with the columns as they are and returns
	// the estimate (ok false if it is not a valid membrane).
	solve := func(tauF, tauW, dTheta, tauTheta float64) (Subthreshold, bool) {
		if err := ls.solve(&theta, &res, X, y); err != nil {
			return Subthreshold{}, false
		}
		rms := math.Sqrt(mat.Dot(&res, &res) / float64(n))
		invC := theta.AtVec(0)
		if !(invC > 0) {
			return Subthreshold{}, false
		}
		c := 1 / invC
		// dV/dt = I/C − (GL/C)·V − (a/C)·U + (GL + a)·EL/C − (b/C)·S − (bf/C)·Sf + …
		gl := -theta.AtVec(1) * c
		a := -theta.AtVec(4) * c
		if !(gl > 0) || !(gl+a > 0) {
			return Subthreshold{}, false
		}
		st := Subthreshold{
			C: c, GL: gl, A: a, EL: theta.AtVec(2) * c / (gl + a),
			B: -theta.AtVec(3) * c, TauW: tauW,
			BFast: -theta.AtVec(5) * c, TauFast: tauF,
			VT: vt, DeltaT: deltaT, DeltaTheta: dTheta, TauTheta: tauTheta,
			ExcludeMS:   o.ExcludeMS,
			RMSResidual: rms, R2: 1 - rms*rms*float64(n)/ss, Samples: n,
		}
		// The exponential's coefficient GL·ΔT/C·e^{(vt−VT)/ΔT} refines VT.
		if e := theta.AtVec(6) * c / (gl * deltaT); e > 0 {
			st.VT = vt - deltaT*math.Log(e)
		}
		return st, true
	}
	best := Subthreshold{RMSResidual: math.Inf(1)}
	expCol(0, 0)
	for _, tauF := range o.TauFGrid {
		kernel(tauF, 5)
		for _, tauW := range o.TauWGrid {
			kernel(tauW, 3)
			filter(tauW, 4)
			if st, ok := solve(tauF, tauW, 0, 0); ok && st.RMSResidual < best.RMSResidual {
				best = st
			}
		}
	}
	fixed := best
	if !math.IsInf(best.RMSResidual, 1) && len(o.DeltaThetaGrid) > 0 {
		kernel(best.TauFast, 5)
		kernel(best.TauW, 3)
		filter(best.TauW, 4)
		for _, tauTh := range o.TauThetaGrid {
			for _, dTh := range o.DeltaThetaGrid {
				if dTh == 0 {
					continue
				}
				expCol(dTh, tauTh)
				if st, ok := solve(best.TauFast, best.TauW, dTh, tauTh); ok && st.RMSResidual < best.RMSResidual {
					best = st
				}
			}
		}
	}
	if math.IsInf(best.RMSResidual, 1) {
		return Subthreshold{}, fmt.Errorf("%w: regression failed for every τw", ErrInput)
	}
	if g := 1 - math.Pow(best.RMSResidual/fixed.RMSResidual, 2); g < o.ThetaMinGain {
		best = fixed
	}
	best.RMSFixedThreshold = fixed.RMSResidual
	// Effective reset: median voltage ExcludeMS after the spikes in w,
	// lowered by the kick of the fast after-current.
	var post []float64
	for _, t := range spikes {
		if t < w.StartMS || t >= w.EndMS {
			continue
		}
		if i := int(math.Round((t + o.ExcludeMS) / dt)); i < len(v) {
			post = append(post, v[i])
		}
	}
	best.VReset, best.VPost = math.NaN(), math.NaN()
	if len(post) > 0 {
		sort.Float64s(post)
		tauM := best.C / best.GL
		best.VPost = post[len(post)/2]
		best.VReset = best.VPost - best.BFast*best.TauFast/best.C*tauM/(tauM+best.TauFast)
	}
	return best, nil
}

// lsq solves linear least-squares problems min ‖Xθ − y‖ with tall, narrow
// X by the normal equations on unit-norm columns, followed by iterative
// refinement on the residual (Björck 1967, BIT 7:1): each step solves the
// normal equations for the correction from the current residual, so the
// solution reaches the accuracy of a QR solve as long as the scaled normal
// matrix is well inside double precision (condition number ≪ 10¹⁶). It is
// several times faster than a Householder QR of X, which matters on the
// grids of EstimateSubthreshold.
type lsq struct {
	a    mat.SymDense
	chol mat.Cholesky
	d    []float64
	rhs  mat.VecDense
	dz   mat.VecDense
}

// solve sets theta to the least-squares solution and res to y − X·theta.
func (l *lsq) solve(theta, res *mat.VecDense, X *mat.Dense, y *mat.VecDense) error {
	n, k := X.Dims()
	if cap(l.d) < k {
		l.d = make([]float64, k)
	}
	d := l.d[:k]
	for j := range k {
		nrm := mat.Norm(X.ColView(j), 2)
		if !(nrm > 0) {
			return fmt.Errorf("%w: regression column %d is zero", ErrInput, j)
		}
		d[j] = 1 / nrm
	}
	l.a.Reset()
	l.a.SymOuterK(1, X.T())
	for i := range k {
		for j := i; j < k; j++ {
			l.a.SetSym(i, j, l.a.At(i, j)*d[i]*d[j])
		}
	}
	if ok := l.chol.Factorize(&l.a); !ok {
		return fmt.Errorf("%w: regression normal equations are not positive definite", ErrInput)
	}
	theta.Reset()
	theta.ReuseAsVec(k)
	res.Reset()
	res.ReuseAsVec(n)
	res.CopyVec(y)
	for range 3 {
		// correction from the residual: (DXᵀXD) δz = D Xᵀ r, θ += D δz
		l.rhs.Reset()
		l.rhs.MulVec(X.T(), res)
		for j := range k {
			l.rhs.SetVec(j, l.rhs.AtVec(j)*d[j])
		}
		l.dz.Reset()
		if err := l.chol.SolveVecTo(&l.dz, &l.rhs); err != nil {
			return err
		}
		for j := range k {
			theta.SetVec(j, theta.AtVec(j)+l.dz.AtVec(j)*d[j])
		}
		res.MulVec(X, theta)
		res.SubVec(y, res)
	}
	return nil
}

package brain

import "math"

// expTable[j] = 2^(j/64), j = 0…63, correctly rounded (math.Exp2 is exact
// to within an ulp and these are computed once).
var expTable = func() (t [64]float64) {
	for j := range t {
		t[j] = math.Exp2(float64(j) / 64)
	}
	return t
}()

// expKernel returns e^x for the integration kernels, at math.Exp's
// accuracy (relative error below 4e-15 against math.Exp over [−700, 700],
// tested) and a fraction of its cost (no special-case branches beyond the
// range checks, short dependency chains):
//
//	x = (64·m + j)·ln2/64 + r,   |r| ≤ ln2/128
//	e^x = 2^m · 2^(j/64) · e^r
//
// with 2^(j/64) from a 64-entry table and e^r from its degree-5 Taylor
// polynomial (remainder r^6/720 < 4e-17). Arguments above 709 give +Inf,
// below −708 give 0, NaN gives NaN.
func expKernel(x float64) float64 {
	const (
		n      = 64
		invL   = n / math.Ln2
		lhi    = 0.010830417275428772  // ln2/64 rounded to 20 significant bits: kf·lhi is exact
		llo    = 7.420820373486988e-09 // ln2/64 − lhi
		round  = 1.5 * (1 << 52)       // adding and subtracting it rounds to an integer
		c2, c3 = 1.0 / 2, 1.0 / 6
		c4, c5 = 1.0 / 24, 1.0 / 120
	)
	if !(x > -708) {
		if x != x {
			return x
		}
		return 0
	}
	if x > 709 {
		return math.Inf(1)
	}
	kf := (x*invL + round) - round
	k := int64(kf)
	r := (x - kf*lhi) - kf*llo
	r2 := r * r
	p := (1 + r) + r2*((c2+c3*r)+r2*(c4+c5*r))
	t := expTable[k&(n-1)]
	// multiply t by 2^m, m = k >> 6, through the exponent bits (t ∈ [1, 2),
	// and m ≥ −1022 − 1 only when the result is subnormal: handled by the
	// two-step scaling below)
	m := k >> 6
	if m < -1000 {
		return p * t * math.Float64frombits(uint64(m+1023+200)<<52) * 0x1p-200
	}
	return p * math.Float64frombits(math.Float64bits(t)+uint64(m)<<52)
}

// expInline is expKernel's core for arguments already known to lie in
// [−700, 700]. It is just over the Go compiler's inlining budget, and a
// call would make Go spill every live floating-point register, so the
// general kernel (neuron_full.go) repeats this body inline; this function
// is the reference copy that the tests compare against math.Exp.
func expInline(x float64) float64 {
	// y = x·64/ln2 + 1.5·2^52 holds k = round(x·64/ln2) in its low mantissa
	// bits (as base + k, base's low 48 bits zero), so bits 0–5 index the
	// table and bits 6–17 are k>>6 mod 2^12, the binary exponent to add.
	y := x*(64/math.Ln2) + 1.5*(1<<52)
	kf := y - 1.5*(1<<52)
	b := math.Float64bits(y)
	r := (x - kf*0.010830417275428772) - kf*7.420820373486988e-09
	r2 := r * r
	p := (1 + r) + r2*((0.5+r*(1.0/6))+r2*(1.0/24+r*(1.0/120)))
	return p * math.Float64frombits(math.Float64bits(expTable[b&63])+(b>>6)<<52)
}

// exp256Bits[j] holds the bits of 2^(j/256), j = 0…255, correctly rounded.
var exp256Bits = func() (t [256]uint64) {
	for j := range t {
		t[j] = math.Float64bits(math.Exp2(float64(j) / 256))
	}
	return t
}()

// expFast returns e^x for x in [−700, 50] (the range the exponential-
// integrator kernels clamp to) with a relative error below 5e-13 (tested
// against math.Exp): far below the integration error, at about half the
// cost of expKernel. It is inlined where it is called; the fused Heun
// passes (neuron_heun.go) repeat its body with its constants held in
// registers, and this function is the reference copy of that code:
//
//	x = k·ln2/256 + r,   |r| ≤ ln2/512 ≈ 0.00135
//	e^x = 2^(k>>8) · 2^((k&255)/256) · (1 + r + r²/2 + r³/6)
//
// The polynomial's remainder is r⁴/24 < 1.4e-13; reducing with one
// rounded constant ln2/256 adds at most |k|·2⁻⁶¹ ≈ 1e-13 for |x| ≤ 700.
// Outside [−700, 50] the result is meaningless (no range checks).
func expFast(x float64) float64 {
	// y holds k = round(x·256/ln2) in its low mantissa bits (see
	// expInline); bits 0–7 index the table, bits 8–19 are added to the
	// exponent.
	y := x*(256/math.Ln2) + 0x1.8p52
	kf := y - 0x1.8p52
	b := math.Float64bits(y)
	r := x - kf*(math.Ln2/256)
	return ((1 + r) + r*r*(0.5+r*(1.0/6))) * math.Float64frombits(exp256Bits[b&255]+(b>>8)<<52)
}

// expFastClamp is expFast with arguments below −700 raised to −700 (whose
// exponential, 1e-304, is zero for every use here); the argument must not
// exceed 50. Small enough to be inlined.
func expFastClamp(x float64) float64 {
	if x < -700 {
		x = -700
	}
	return expFast(x)
}

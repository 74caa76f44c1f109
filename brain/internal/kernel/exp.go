package kernel

import "math"

// exp256Bits[j] holds the bits of 2^(j/256), j = 0…255, correctly rounded
// (math.Exp2 is within an ulp, and the table is computed once).
var exp256Bits = func() (t [256]uint64) {
	for j := range t {
		t[j] = math.Float64bits(math.Exp2(float64(j) / 256))
	}
	return t
}()

// Exp returns e^x for x ≤ 50, the one exponential of the kernels. Its
// relative error is below 5e-13 for x in [−700, 50] (tested against
// math.Exp on a fine grid; the largest measured is about 3e-13), far
// below the second-order schemes' local error, and it costs about a
// third of math.Exp because it has no special cases:
//
//	x = k·ln2/256 + r,   |r| ≤ ln2/512 ≈ 0.00135
//	e^x = 2^(k>>8) · 2^((k&255)/256) · (1 + r + r²/2 + r³/6)
//
// with 2^(j/256) from a table. The polynomial's remainder is
// r⁴/24 < 1.4e-13; reducing with one rounded constant ln2/256 adds at
// most |k|·2⁻⁶¹ ≈ 1e-13 for |x| ≤ 700. Arguments below −700 are raised
// to −700 (e^−700 ≈ 1e-304 is zero for every use here). Arguments above
// 50 give meaningless results: the kernels cap theirs at 50 (xMax). NaN
// gives a meaningless finite value or NaN: the kernels test the state,
// not the exponential. Exp is small enough for the compiler to inline.
func Exp(x float64) float64 {
	if x < -700 {
		x = -700
	}
	// y = x·256/ln2 + 1.5·2^52 holds k = round(x·256/ln2) in its low
	// mantissa bits (as base + k, base's low 48 bits zero), so bits 0–7
	// index the table and bits 8–19 are k>>8 mod 2^12, the binary exponent
	// to add.
	y := x*(256/math.Ln2) + 0x1.8p52
	kf := y - 0x1.8p52
	b := math.Float64bits(y)
	r := x - kf*(math.Ln2/256)
	return ((1 + r) + r*r*(0.5+r*(1.0/6))) * math.Float64frombits(exp256Bits[b&255]+(b>>8)<<52)
}

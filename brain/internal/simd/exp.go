package simd

import "math"

// Exp is the one exponential of the integration kernels (package kernel
// calls it as kernel.Exp). It lives here because the vector kernels repeat
// it lane by lane (ExpVec8), and the two must round alike.
//
//	x = k·ln2/256 + r,   |r| ≤ ln2/512 ≈ 0.00135
//	e^x = 2^(k>>8) · 2^((k&255)/256) · (1 + r + r²/2 + r³/6)
//
// 2^(j/256) is the product, rounded once, of 2^((j>>4)/16) and
// 2^((j&15)/256): two 16-entry tables, each of which fits two vector
// registers and is looked up with one permute instruction, so the vector
// form needs no gather. The scalar form reads the 256 products from one
// table (expBits), computed from the same two tables, so both forms use
// the same numbers bit for bit. (The form used before, one register-sized
// table of 2^(j/8), needs a degree-6 polynomial for the same accuracy:
// with it the portable conductance kernel took about 1.5 times as long.)
//
// The cubic's remainder is r⁴/24 < 1.4e-13; reducing with one rounded
// constant ln2/256 adds at most |k|·2⁻⁶¹ ≈ 1e-13 for |x| ≤ 700, and the
// table's products are within 2 ulp. The relative error is below 3e-13
// on [−700, 50] (tested against math.Exp). Arguments below −700 are raised
// to −700 (e^−700 ≈ 1e-304 is zero for every use here); arguments above
// 50 give meaningless results (the kernels keep theirs below); NaN gives
// NaN or a meaningless finite value (the kernels test the state, not the
// exponential).
//
// Every product is converted to float64 explicitly so that no compiler
// fuses it with an addition (the vector code rounds every operation). Exp
// is small enough to be inlined, and so is kernel.Exp, which calls it;
// keep it so (go build -gcflags=-m ./brain/internal/kernel).
func Exp(x float64) float64 {
	if x < -700 {
		x = -700
	}
	// y = x·256/ln2 + 1.5·2^52 holds k = round(x·256/ln2) in its low
	// mantissa bits (as base + k, base's low 48 bits zero), so bits 0–7
	// index the table and bits 8–19 are k>>8 mod 2^12, the binary exponent
	// to add.
	y := float64(x*(256/math.Ln2)) + expMagic
	b := math.Float64bits(y)
	r := x - float64((y-expMagic)*(math.Ln2/256))
	return ((1 + r) + float64(float64(r*r)*(expC2+float64(r*expC3)))) *
		math.Float64frombits(expBits[uint8(b)]+(b>>8)<<52)
}

// The cubic's Taylor coefficients (1/k!) and the constant that rounds to
// an integer when added and subtracted (1.5·2^52).
const (
	expC2, expC3 = 1.0 / 2, 1.0 / 6
	expMagic     = 0x1.8p52
)

// expHi[j] = 2^(j/16) and expLo[j] = 2^(j/256), j = 0…15 (math.Exp2, within
// an ulp); expBits[j] holds the bits of expHi[j>>4]·expLo[j&15], rounded,
// j = 0…255: 2^(j/256) in [1, 2).
var expHi, expLo, expBits = func() (hi, lo [16]float64, bits [256]uint64) {
	for j := range 16 {
		hi[j] = math.Exp2(float64(j) / 16)
		lo[j] = math.Exp2(float64(j) / 256)
	}
	for j := range bits {
		bits[j] = math.Float64bits(hi[j>>4] * lo[j&15])
	}
	return hi, lo, bits
}()

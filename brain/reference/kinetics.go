package reference

import "math"

// Gating kinetics of Pospischil et al. (2008), Sect. 2, in ms⁻¹ and mV.

// exprel returns z/(exp(z)−1), continued smoothly through z = 0.
func exprel(z float64) float64 {
	if math.Abs(z) < 1e-6 {
		return 1 - z/2
	}
	return z / math.Expm1(z)
}

// Na⁺ activation m and inactivation h (Traub & Miles 1991), u = V − V_T:
//
//	α_m = −0.32 (u−13) / (exp(−(u−13)/4) − 1)    β_m = 0.28 (u−40) / (exp((u−40)/5) − 1)
//	α_h = 0.128 exp(−(u−17)/18)                    β_h = 4 / (1 + exp(−(u−40)/5))
func rateM(u float64) (a, b float64) {
	a = 0.32 * 4 * exprel(-(u-13)/4)
	b = 0.28 * 5 * exprel((u-40)/5)
	return
}

func rateH(u float64) (a, b float64) {
	a = 0.128 * math.Exp(-(u-17)/18)
	b = 4 / (1 + math.Exp(-(u-40)/5))
	return
}

// K⁺ delayed-rectifier activation n (Traub & Miles 1991), u = V − V_T:
//
//	α_n = −0.032 (u−15) / (exp(−(u−15)/5) − 1)   β_n = 0.5 exp(−(u−10)/40)
func rateN(u float64) (a, b float64) {
	a = 0.032 * 5 * exprel(-(u-15)/5)
	b = 0.5 * math.Exp(-(u-10)/40)
	return
}

// M-current activation p (Yamada et al. 1989):
//
//	p∞ = 1 / (1 + exp(−(V+35)/10))
//	τ_p = τ_max / (3.3 exp((V+35)/20) + exp(−(V+35)/20))
func infTauP(v, tauMax float64) (inf, tau float64) {
	e := math.Exp((v + 35) / 20)
	inf = 1 / (1 + 1/(e*e))
	tau = tauMax / (3.3*e + 1/e)
	return
}

// L-type Ca²⁺ activation q and inactivation r (Reuveni et al. 1993):
//
//	α_q = 0.055 (−27−V) / (exp((−27−V)/3.8) − 1)   β_q = 0.94 exp((−75−V)/17)
//	α_r = 0.000457 exp((−13−V)/50)                  β_r = 0.0065 / (exp((−15−V)/28) + 1)
func rateQ(v float64) (a, b float64) {
	a = 0.055 * 3.8 * exprel((-27-v)/3.8)
	b = 0.94 * math.Exp((-75-v)/17)
	return
}

func rateR(v float64) (a, b float64) {
	a = 0.000457 * math.Exp((-13-v)/50)
	b = 0.0065 / (math.Exp((-15-v)/28) + 1)
	return
}

// T-type Ca²⁺ (Destexhe et al. 1996), activation at steady state, with the
// inactivation time constant scaled to 36 °C by 3^{1.2} ≈ 3.7:
//
//	s∞ = 1 / (1 + exp(−(V+Vx+57)/6.2))
//	u∞ = 1 / (1 + exp((V+Vx+81)/4))
//	τ_u = [30.8 + (211.4 + exp((V+Vx+113.2)/5)) / (1 + exp((V+Vx+84)/3.2))] / 3.7
func infS(v, vx float64) float64 {
	return 1 / (1 + math.Exp(-(v+vx+57)/6.2))
}

func infTauU(v, vx float64) (inf, tau float64) {
	w := v + vx
	inf = 1 / (1 + math.Exp((w+81)/4))
	tau = (30.8 + (211.4+math.Exp((w+113.2)/5))/(1+math.Exp((w+84)/3.2))) / 3.7
	return
}

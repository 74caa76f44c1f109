package analysis

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"
)

// HopfPoint is a point of a line on which the asynchronous state of Brunel's model A loses its
// stability: the relative inhibition G, the external drive Eta = ν_ext/ν_thr, the network's
// rate Nu0Hz there and the frequency FreqHz of the oscillation that sets in.
type HopfPoint struct {
	G      float64 `json:"g"`
	Eta    float64 `json:"eta"`
	Nu0Hz  float64 `json:"nu0_hz"`
	FreqHz float64 `json:"freq_hz"`
}

// HopfLine is a named line of Hopf points, in order along the line.
type HopfLine struct {
	Name   string      `json:"name"`
	Points []HopfPoint `json:"points"`
}

// PhaseLines are the lines that bound the stable asynchronous (AI) region of Brunel's phase
// diagram for one network, as BrunelPhaseLines returns them.
type PhaseLines struct {
	CE      int        `json:"ce"`
	JmV     float64    `json:"j_mv"`
	DelayMS float64    `json:"delay_ms"`
	Lines   []HopfLine `json:"lines"`
	// Missing names the lines searched for and not found, with the reason.
	Missing []string `json:"missing,omitempty"`
}

// HopfLineOptions describes the network and the region of a Hopf-line trace: CE excitatory
// inputs per cell of JmV each (Brunel's cell, CI = CE/4; see BrunelMeanField), delay DelayMS,
// and the box [GMin, GMax] × [EtaMin, EtaMax] the line is followed in. Step is the length of a
// continuation step in the plane (g, η, f/100 Hz) (default 0.05); MaxPoints bounds the points
// per direction (default 400).
type HopfLineOptions struct {
	CE                         int
	JmV, DelayMS               float64
	GMin, GMax, EtaMin, EtaMax float64
	Step                       float64
	MaxPoints                  int
}

const hopfFScale = 100 // Hz: f enters the continuation as f/100 Hz

// hopfSystem evaluates G(2πi·f) − 1 at (g, η, f/hopfFScale) for a grid of kr steps (0: the
// default for the point's σ).
type hopfSystem struct {
	o HopfLineOptions
}

func (h hopfSystem) eval(u [3]float64, kr int) (complex128, float64, int, error) {
	m := BrunelMeanField(h.o.CE, h.o.JmV, u[0], u[1])
	nu0, err := MeanFieldRate(m)
	if err != nil {
		return 0, 0, 0, err
	}
	mu, sigma := m.Input(nu0)
	if kr == 0 {
		kr = fpSteps(m, sigma)
	}
	f, err := newFPSolverSteps(m, mu, sigma, kr)
	if err != nil {
		return 0, 0, 0, err
	}
	return m.loopGain(f, h.o.DelayMS, complex(0, 2*math.Pi*u[2]*hopfFScale)) - 1, nu0, kr, nil
}

// jacobian returns F(u) and the 2 × 3 matrix of its derivatives (rows: real and imaginary part)
// by central differences on a fixed grid.
func (h hopfSystem) jacobian(u [3]float64) (fu complex128, nu0 float64, jac [2][3]float64, err error) {
	fu, nu0, kr, err := h.eval(u, 0)
	if err != nil {
		return 0, 0, jac, err
	}
	for i := range 3 {
		d := 1e-5 * math.Max(1, math.Abs(u[i]))
		up, dn := u, u
		up[i] += d
		dn[i] -= d
		fp, _, _, err := h.eval(up, kr)
		if err != nil {
			return 0, 0, jac, err
		}
		fm, _, _, err := h.eval(dn, kr)
		if err != nil {
			return 0, 0, jac, err
		}
		jac[0][i] = real(fp-fm) / (2 * d)
		jac[1][i] = imag(fp-fm) / (2 * d)
	}
	return fu, nu0, jac, nil
}

func cross(a, b [3]float64) [3]float64 {
	return [3]float64{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

func norm3(a [3]float64) [3]float64 {
	n := math.Sqrt(a[0]*a[0] + a[1]*a[1] + a[2]*a[2])
	return [3]float64{a[0] / n, a[1] / n, a[2] / n}
}

func det3(a [3][3]float64) float64 {
	return a[0][0]*(a[1][1]*a[2][2]-a[1][2]*a[2][1]) - a[0][1]*(a[1][0]*a[2][2]-a[1][2]*a[2][0]) + a[0][2]*(a[1][0]*a[2][1]-a[1][1]*a[2][0])
}

// solve3 solves a·x = b by Cramer's rule.
func solve3(a [3][3]float64, b [3]float64) ([3]float64, bool) {
	d := det3(a)
	if d == 0 || math.IsNaN(d) {
		return [3]float64{}, false
	}
	var x [3]float64
	for i := range 3 {
		ai := a
		for r := range 3 {
			ai[r][i] = b[r]
		}
		x[i] = det3(ai) / d
	}
	return x, true
}

// correct moves u onto the line by Newton's method within the hyperplane through u normal to t
// (pseudo-arclength continuation; Keller 1977). It returns the point, its rate and the line's
// tangent there.
func (h hopfSystem) correct(u, t [3]float64) ([3]float64, float64, [3]float64, error) {
	u0 := u
	for range 12 {
		fu, nu0, jac, err := h.jacobian(u)
		if err != nil {
			return u, 0, t, err
		}
		tan := norm3(cross(jac[0], jac[1]))
		if tan[0]*t[0]+tan[1]*t[1]+tan[2]*t[2] < 0 {
			tan = [3]float64{-tan[0], -tan[1], -tan[2]}
		}
		if cmplx.Abs(fu) < 1e-9 {
			return u, nu0, tan, nil
		}
		a := [3][3]float64{jac[0], jac[1], t}
		r := [3]float64{-real(fu), -imag(fu), -((u[0]-u0[0])*t[0] + (u[1]-u0[1])*t[1] + (u[2]-u0[2])*t[2])}
		dx, ok := solve3(a, r)
		if !ok {
			return u, 0, t, errors.New("singular system")
		}
		for i := range 3 {
			u[i] += dx[i]
		}
	}
	return u, 0, t, errors.New("no convergence")
}

// BrunelHopfLine finds the point where the asynchronous state of Brunel's model A loses its
// stability on the segment from (gStable, etaStable), where it must be stable, to (gUnstable,
// etaUnstable), where it must not be (by AsyncStability and bisection), and follows the line of
// Hopf bifurcations through it in both directions by pseudo-arclength continuation of the
// eigenvalue equation G(2πi·f) = 1 in (g, η, f), until the line leaves the box, the
// stationary rate ceases to exist (MeanFieldRate fails) or the frequency drops to zero. The
// points come in order along the line.
func BrunelHopfLine(o HopfLineOptions, gStable, etaStable, gUnstable, etaUnstable float64) ([]HopfPoint, error) {
	if o.Step == 0 {
		o.Step = 0.05
	}
	if o.MaxPoints == 0 {
		o.MaxPoints = 400
	}
	if !(o.DelayMS > 0) || !(o.Step > 0) || o.MaxPoints < 0 || !(o.GMin < o.GMax) || !(o.EtaMin < o.EtaMax) {
		return nil, fmt.Errorf("analysis: Hopf line: options %+v out of range (want DelayMS > 0, Step > 0, GMin < GMax, EtaMin < EtaMax)", o)
	}
	stab := func(t float64) (AsyncState, error) {
		g, eta := gStable+t*(gUnstable-gStable), etaStable+t*(etaUnstable-etaStable)
		return BrunelMeanField(o.CE, o.JmV, g, eta).AsyncStability(o.DelayMS)
	}
	a, err := stab(0)
	if err != nil {
		return nil, fmt.Errorf("analysis: Hopf line: stable end: %w", err)
	}
	b, err := stab(1)
	if err != nil {
		return nil, fmt.Errorf("analysis: Hopf line: unstable end: %w", err)
	}
	if a.Unstable != 0 || b.Unstable == 0 || !(b.FreqHz > 0) {
		return nil, fmt.Errorf("analysis: Hopf line: (%v, %v) has %d unstable eigenvalues, (%v, %v) has %d at %v Hz: want 0 and an oscillatory instability",
			gStable, etaStable, a.Unstable, gUnstable, etaUnstable, b.Unstable, b.FreqHz)
	}
	lo, hi, f := 0.0, 1.0, b.FreqHz
	for range 10 {
		mid := (lo + hi) / 2
		s, err := stab(mid)
		if err != nil {
			return nil, fmt.Errorf("analysis: Hopf line: %w", err)
		}
		if s.Unstable == 0 {
			lo = mid
		} else {
			hi = mid
			if s.FreqHz > 0 {
				f = s.FreqHz
			}
		}
	}
	t := (lo + hi) / 2
	h := hopfSystem{o}
	u := [3]float64{gStable + t*(gUnstable-gStable), etaStable + t*(etaUnstable-etaStable), f / hopfFScale}
	// first correction on the segment: within the plane spanned by the segment and f
	dir := norm3([3]float64{etaStable - etaUnstable, gUnstable - gStable, 0})
	u, nu0, tan, err := h.correct(u, dir)
	if err != nil {
		return nil, fmt.Errorf("analysis: Hopf line: no Hopf point near (%.3g, %.3g) at %.0f Hz: %v", u[0], u[1], f, err)
	}
	seed := HopfPoint{G: u[0], Eta: u[1], Nu0Hz: nu0, FreqHz: u[2] * hopfFScale}
	var halves [2][]HopfPoint
	for side, sign := range []float64{1, -1} {
		p, t := u, [3]float64{sign * tan[0], sign * tan[1], sign * tan[2]}
		ds := o.Step
		for len(halves[side]) < o.MaxPoints && ds >= o.Step/64 {
			pred := [3]float64{p[0] + ds*t[0], p[1] + ds*t[1], p[2] + ds*t[2]}
			q, nu, t2, err := h.correct(pred, t)
			if err != nil || math.Abs(q[0]-p[0])+math.Abs(q[1]-p[1])+math.Abs(q[2]-p[2]) > 3*ds {
				ds /= 2
				continue
			}
			if q[0] < o.GMin || q[0] > o.GMax || q[1] < o.EtaMin || q[1] > o.EtaMax || q[2] <= 0 {
				break
			}
			halves[side] = append(halves[side], HopfPoint{G: q[0], Eta: q[1], Nu0Hz: nu, FreqHz: q[2] * hopfFScale})
			p, t = q, t2
			ds = math.Min(o.Step, ds*2)
		}
	}
	line := make([]HopfPoint, 0, len(halves[0])+len(halves[1])+1)
	for i := len(halves[1]) - 1; i >= 0; i-- {
		line = append(line, halves[1][i])
	}
	line = append(line, seed)
	return append(line, halves[0]...), nil
}

// phaseSearch is where BrunelPhaseLines looks for the first unstable point of each line: from a
// point in the AI region along a straight path in (g, η).
var phaseSearch = []struct {
	name               string
	g0, eta0, dg, deta float64
	steps              int
}{
	{"SR", 4.5, 2, -0.1, 0, 40},         // along η = 2 towards excitation dominance
	{"SI fast", 7, 1.5, 0, 0.1, 30},     // up the column g = 7
	{"SI slow", 4.5, 1.2, 0, -0.01, 60}, // down the column g = 4.5
}

// BrunelPhaseLines traces the Hopf lines that bound the region where the asynchronous state of
// Brunel's model A is stable, for CE inputs of jmV and delay delayMS, in the box g ∈ [0, 8.2],
// η ∈ [0, 4.2]: "SR", the boundary towards the synchronous regular state on the excitation side
// (found along η = 2 from g = 4.5 down), "SI fast", towards fast synchronous oscillations at
// strong drive (found up the column g = 7 from η = 1.5), and "SI slow", towards slow ones near
// η = 1 (found down the column g = 4.5 from η = 1.2). Each search steps along its path with
// AsyncStability until the state turns unstable, then BrunelHopfLine follows the line. A line
// not found is named in Missing with the reason.
func BrunelPhaseLines(ce int, jmV, delayMS float64) (PhaseLines, error) {
	out := PhaseLines{CE: ce, JmV: jmV, DelayMS: delayMS}
	o := HopfLineOptions{CE: ce, JmV: jmV, DelayMS: delayMS, GMin: 0, GMax: 8.2, EtaMin: 0, EtaMax: 4.2}
	if err := BrunelMeanField(ce, jmV, 5, 2).validate(); err != nil {
		return out, err
	}
	for _, s := range phaseSearch {
		g, eta := s.g0, s.eta0
		st, err := BrunelMeanField(ce, jmV, g, eta).AsyncStability(delayMS)
		if err != nil {
			return out, fmt.Errorf("analysis: phase lines: %s: start (%v, %v): %w", s.name, g, eta, err)
		}
		if st.Unstable != 0 {
			out.Missing = append(out.Missing, fmt.Sprintf("%s: the start (%v, %v) is not stable", s.name, g, eta))
			continue
		}
		found := false
		for range s.steps {
			g2, eta2 := g+s.dg, eta+s.deta
			st, err := BrunelMeanField(ce, jmV, g2, eta2).AsyncStability(delayMS)
			if err != nil {
				break // no stationary rate: the path left the diagram
			}
			if st.Unstable > 0 {
				line, err := BrunelHopfLine(o, g, eta, g2, eta2)
				if err != nil {
					out.Missing = append(out.Missing, fmt.Sprintf("%s: %v", s.name, err))
				} else {
					out.Lines = append(out.Lines, HopfLine{Name: s.name, Points: line})
				}
				found = true
				break
			}
			g, eta = g2, eta2
		}
		if !found {
			out.Missing = append(out.Missing, fmt.Sprintf("%s: stable all along the search path from (%v, %v)", s.name, s.g0, s.eta0))
		}
	}
	return out, nil
}

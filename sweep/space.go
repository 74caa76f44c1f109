package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"
)

// Axis is one parameter of a grid: either an explicit list of Values, or N
// values from Min to Max (inclusive), spaced evenly or, with Log,
// geometrically. A single value makes the parameter a constant that is still
// recorded in every row.
type Axis struct {
	Name   string    `json:"name"`
	Values []float64 `json:"values,omitempty"`
	Min    float64   `json:"min,omitempty"`
	Max    float64   `json:"max,omitempty"`
	N      int       `json:"n,omitempty"`
	Log    bool      `json:"log,omitempty"`
}

// Range is one parameter of a random or Latin-hypercube sample: uniform on
// [Min, Max), or log-uniform with Log (then 0 < Min).
type Range struct {
	Name string  `json:"name"`
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
	Log  bool    `json:"log,omitempty"`
}

// Sample draws N points from Ranges with the random stream Seed: Method
// "random" draws every coordinate independently; "lhs" (Latin hypercube)
// cuts every range into N equal strata and puts exactly one point in each
// stratum of each parameter, with the strata paired by independent random
// permutations (McKay, Beckman & Conover 1979, Technometrics 21:239).
type Sample struct {
	Method string  `json:"method"`
	N      int     `json:"n"`
	Seed   uint64  `json:"seed"`
	Ranges []Range `json:"ranges"`
}

// Spec describes a sweep: the registered function Func evaluated on the
// product of the Grid, the Sample and the Seeds. With no Seeds every point
// runs once with seed 1.
type Spec struct {
	Name   string   `json:"name"`
	Func   string   `json:"func"`
	Grid   []Axis   `json:"grid,omitempty"`
	Sample *Sample  `json:"sample,omitempty"`
	Seeds  []uint64 `json:"seeds,omitempty"`
}

// Point is one evaluation of a sweep: Params[k] is the value of the
// parameter Names[k].
type Point struct {
	Index  int       // position in the enumeration order
	ID     string    // hash of names, values and seed (16 hex digits)
	Seed   uint64    // random seed handed to the function
	Names  []string  // parameter names, shared by all points of a sweep
	Params []float64 // parameter values
}

// Get returns the value of the named parameter and whether it exists.
func (p Point) Get(name string) (float64, bool) {
	for k, n := range p.Names {
		if n == name {
			return p.Params[k], true
		}
	}
	return 0, false
}

// Float returns the value of the named parameter, or an error naming it.
func (p Point) Float(name string) (float64, error) {
	v, ok := p.Get(name)
	if !ok {
		return 0, fmt.Errorf("sweep: point %d has no parameter %q (have %v)", p.Index, name, p.Names)
	}
	return v, nil
}

var nameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// reserved names are the table's own columns.
var reserved = map[string]bool{"index": true, "id": true, "seed": true, "error": true, "wall_ms": true}

func checkName(what, n string, seen map[string]bool) error {
	if !nameRE.MatchString(n) {
		return fmt.Errorf("sweep: %s name %q: want letters, digits and _ (not starting with a digit)", what, n)
	}
	if reserved[n] {
		return fmt.Errorf("sweep: %s name %q is reserved for a table column", what, n)
	}
	if seen[n] {
		return fmt.Errorf("sweep: %s name %q appears twice", what, n)
	}
	seen[n] = true
	return nil
}

// values returns the axis' values.
func (a Axis) values() ([]float64, error) {
	if len(a.Values) > 0 {
		if a.N != 0 || a.Min != 0 || a.Max != 0 || a.Log {
			return nil, fmt.Errorf("sweep: axis %q: give either values or min/max/n, not both", a.Name)
		}
		for _, v := range a.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("sweep: axis %q: value %v is not finite", a.Name, v)
			}
		}
		return a.Values, nil
	}
	switch {
	case a.N < 1:
		return nil, fmt.Errorf("sweep: axis %q: n = %d, want ≥ 1 (or a list of values)", a.Name, a.N)
	case !finite(a.Min) || !finite(a.Max) || a.Max < a.Min:
		return nil, fmt.Errorf("sweep: axis %q: min %v, max %v: want finite min ≤ max", a.Name, a.Min, a.Max)
	case a.Log && !(a.Min > 0):
		return nil, fmt.Errorf("sweep: axis %q: log spacing needs min > 0, have %v", a.Name, a.Min)
	case a.N == 1 && a.Min != a.Max:
		return nil, fmt.Errorf("sweep: axis %q: n = 1 needs min = max, have %v and %v", a.Name, a.Min, a.Max)
	}
	v := make([]float64, a.N)
	for k := range v {
		f := 0.0
		if a.N > 1 {
			f = float64(k) / float64(a.N-1)
		}
		if a.Log {
			v[k] = math.Exp(math.Log(a.Min) + f*(math.Log(a.Max)-math.Log(a.Min)))
		} else {
			v[k] = a.Min + f*(a.Max-a.Min)
		}
		// Round to 12 significant digits so that 0.1-steps print as 0.3, not 0.30000000000000004.
		v[k], _ = strconv.ParseFloat(strconv.FormatFloat(v[k], 'g', 12, 64), 64)
	}
	return v, nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// draw returns the sample's points, N rows of len(Ranges) values.
func (s *Sample) draw() ([][]float64, error) {
	if s.N < 1 {
		return nil, fmt.Errorf("sweep: sample: n = %d, want ≥ 1", s.N)
	}
	if len(s.Ranges) == 0 {
		return nil, fmt.Errorf("sweep: sample: no ranges")
	}
	for _, r := range s.Ranges {
		if !finite(r.Min) || !finite(r.Max) || !(r.Max > r.Min) {
			return nil, fmt.Errorf("sweep: sample range %q: min %v, max %v: want finite min < max", r.Name, r.Min, r.Max)
		}
		if r.Log && !(r.Min > 0) {
			return nil, fmt.Errorf("sweep: sample range %q: log needs min > 0, have %v", r.Name, r.Min)
		}
	}
	rng := rand.New(rand.NewPCG(s.Seed, 0x5eed5eed))
	u := make([][]float64, s.N) // unit-cube coordinates
	for i := range u {
		u[i] = make([]float64, len(s.Ranges))
	}
	switch s.Method {
	case "random":
		for i := range u {
			for k := range u[i] {
				u[i][k] = rng.Float64()
			}
		}
	case "lhs":
		for k := range s.Ranges {
			perm := rng.Perm(s.N)
			for i := range u {
				u[i][k] = (float64(perm[i]) + rng.Float64()) / float64(s.N)
			}
		}
	default:
		return nil, fmt.Errorf("sweep: sample: method %q, want random or lhs", s.Method)
	}
	for i := range u {
		for k, r := range s.Ranges {
			if r.Log {
				u[i][k] = math.Exp(math.Log(r.Min) + u[i][k]*(math.Log(r.Max)-math.Log(r.Min)))
			} else {
				u[i][k] = r.Min + u[i][k]*(r.Max-r.Min)
			}
		}
	}
	return u, nil
}

// Names returns the parameter names of the spec's points: the grid axes,
// then the sample's ranges.
func (s *Spec) Names() []string {
	var n []string
	for _, a := range s.Grid {
		n = append(n, a.Name)
	}
	if s.Sample != nil {
		for _, r := range s.Sample.Ranges {
			n = append(n, r.Name)
		}
	}
	return n
}

// Validate checks names, axes, sample and seeds.
func (s *Spec) Validate() error {
	if s.Func == "" {
		return fmt.Errorf("sweep: spec %q: func is empty", s.Name)
	}
	seen := map[string]bool{}
	for _, n := range s.Names() {
		if err := checkName("parameter", n, seen); err != nil {
			return err
		}
	}
	if len(s.Grid) == 0 && s.Sample == nil {
		return fmt.Errorf("sweep: spec %q: neither grid nor sample", s.Name)
	}
	dup := map[uint64]bool{}
	for _, sd := range s.Seeds {
		if dup[sd] {
			return fmt.Errorf("sweep: spec %q: seed %d appears twice", s.Name, sd)
		}
		dup[sd] = true
	}
	_, err := s.Points()
	return err
}

// maxPoints bounds a sweep's size so that a typo cannot exhaust memory.
const maxPoints = 50_000_000

// Points enumerates the spec's points in their fixed order: the first grid
// axis varies slowest, the seeds fastest.
func (s *Spec) Points() ([]Point, error) {
	var axes [][]float64
	total := 1
	for _, a := range s.Grid {
		v, err := a.values()
		if err != nil {
			return nil, err
		}
		axes = append(axes, v)
		total *= len(v)
		if total > maxPoints {
			return nil, fmt.Errorf("sweep: spec %q has more than %d points", s.Name, maxPoints)
		}
	}
	samples := [][]float64{nil}
	if s.Sample != nil {
		var err error
		if samples, err = s.Sample.draw(); err != nil {
			return nil, err
		}
	}
	seeds := s.Seeds
	if len(seeds) == 0 {
		seeds = []uint64{1}
	}
	total *= len(samples) * len(seeds)
	if total > maxPoints {
		return nil, fmt.Errorf("sweep: spec %q has more than %d points", s.Name, maxPoints)
	}
	names := s.Names()
	pts := make([]Point, 0, total)
	idx := make([]int, len(axes))
	for {
		for _, smp := range samples {
			for _, sd := range seeds {
				par := make([]float64, 0, len(names))
				for k, i := range idx {
					par = append(par, axes[k][i])
				}
				par = append(par, smp...)
				pts = append(pts, Point{Index: len(pts), Seed: sd, Names: names, Params: par, ID: pointID(names, par, sd)})
			}
		}
		k := len(idx) - 1
		for ; k >= 0; k-- {
			if idx[k]++; idx[k] < len(axes[k]) {
				break
			}
			idx[k] = 0
		}
		if k < 0 {
			break
		}
	}
	return pts, nil
}

// pointID hashes the names, the exact bits of the values and the seed.
func pointID(names []string, params []float64, seed uint64) string {
	h := sha256.New()
	var b [8]byte
	for k, n := range names {
		h.Write([]byte(n))
		h.Write([]byte{0})
		v := params[k]
		if v == 0 {
			v = 0 // −0 and +0 are the same point
		}
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
		h.Write(b[:])
	}
	binary.LittleEndian.PutUint64(b[:], seed)
	h.Write(b[:])
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// ParseSpec decodes a JSON spec (the fields of Spec, unknown fields
// rejected) and validates it.
func ParseSpec(b []byte) (Spec, error) {
	var s Spec
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("sweep: spec: %w", err)
	}
	return s, s.Validate()
}

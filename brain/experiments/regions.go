package experiments

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"

	"github.com/neuron-sim/neuron/brain"
)

// ParamsDiff lists the fields (and Synapse sub-fields) in which b differs from a, except Name,
// as "Field old → new".
func ParamsDiff(a, b brain.Params) []string {
	var out []string
	var walk func(prefix string, x, y reflect.Value)
	walk = func(prefix string, x, y reflect.Value) {
		for i := range x.NumField() {
			f := x.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			if f.Type.Kind() == reflect.Struct {
				walk(prefix+f.Name+".", x.Field(i), y.Field(i))
				continue
			}
			if f.Name != "Name" && !reflect.DeepEqual(x.Field(i).Interface(), y.Field(i).Interface()) {
				out = append(out, fmt.Sprintf("%s%s %v → %v", prefix, f.Name, x.Field(i).Interface(), y.Field(i).Interface()))
			}
		}
	}
	walk("", reflect.ValueOf(a), reflect.ValueOf(b))
	return out
}

// RecorderRate is the mean rate (Hz) of the spikes of a recorder's n neurons in [t0, t1) ms.
func RecorderRate(rec *brain.SpikeRecorder, t0, t1 float64) float64 {
	steps, _ := rec.Spikes()
	c := 0
	for _, s := range steps {
		if t := float64(s+1) * rec.DT; t >= t0 && t < t1 {
			c++
		}
	}
	return float64(c) / float64(rec.N) / (t1 - t0) * 1000
}

// Purkinjes returns n cerebellar Purkinje cells (brain.Cerebellum.Adjust(brain.Purkinje())) with
// a ±15 % spread of bias current and initial potentials uniform between reset and threshold,
// from a seeded generator.
func Purkinjes(n int, seed uint64) (*brain.Population, error) {
	p := brain.Cerebellum.Adjust(brain.Purkinje())
	pop, err := brain.NewPopulation("purkinje", n, p)
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(seed, 1))
	for i := range n {
		pop.IBias[i] = p.IBias * (0.85 + 0.3*r.Float64())
		pop.V[i] = p.VReset + (p.VT-p.VReset)*r.Float64()
	}
	return pop, nil
}

// DCN stand-in (Person & Raman 2012, Nature 481:502): the generic LIF cell with IPSC decay
// 2.5 ms, driven by a tonic DCNDrivePA to fire at about 90 Hz.
const DCNDrivePA = 380.0

// DCNParams are the parameters of the DCN stand-in.
func DCNParams() brain.Params {
	p := brain.Generic()
	p.Name = "dcn"
	p.Synapse.TauI = 2.5
	return p
}

// CerebellarNet builds 100 Purkinje cells (seed 7) projecting with IPSC amplitude wPA onto 20 DCN
// cells through FixedInDegree{K: 40} with a 1 ms delay (wPA = 0: not connected), the DCN driven
// by DCNDrivePA, the Purkinje cells optionally paused by −1 nA in [pauseOn, pauseOff) ms.
func CerebellarNet(wPA, pauseOn, pauseOff float64) (net *brain.Network, pc, dcn *brain.Population, err error) {
	net = brain.NewNetwork(0.1, 7)
	if pc, err = Purkinjes(100, 7); err != nil {
		return
	}
	if dcn, err = brain.NewPopulation("dcn", 20, DCNParams()); err != nil {
		return
	}
	for _, e := range []error{net.AddPopulation(pc), net.AddPopulation(dcn),
		net.Inject(dcn, nil, brain.Proximal, brain.DCClamp{AmpPA: DCNDrivePA})} {
		if e != nil {
			return nil, nil, nil, e
		}
	}
	if pauseOff > pauseOn {
		if err = net.Inject(pc, nil, brain.Proximal, brain.DCClamp{AmpPA: -1000, StartMS: pauseOn, StopMS: pauseOff}); err != nil {
			return
		}
	}
	if wPA > 0 { // Dale's law: Purkinje cells are inhibitory, so the weight is negative
		_, err = net.Connect(pc, dcn, brain.FixedInDegree{K: 40}, brain.SynapseSpec{Weight: brain.Const(-wPA), Delay: brain.Const(1)})
	}
	return
}

// MossyWeightPA is the mossy-fibre EPSC amplitude onto granule cells (unitary EPSP ≈ 8 mV).
const MossyWeightPA = 36.0

// GranuleParams are the cerebellar granule cell (brain.Cerebellum.Adjust(brain.Granule())).
func GranuleParams() brain.Params { return brain.Cerebellum.Adjust(brain.Granule()) }

// Coincidence drives one granule cell with its 4 mossy fibres firing at the given times (ms; nil:
// silent) for 100 ms and returns its spike times and membrane potential.
func Coincidence(times [][]float64) (spikes, t, v []float64, err error) {
	net := brain.NewNetwork(0.1, 1)
	g, err := brain.NewPopulation("granule", 1, GranuleParams())
	if err != nil {
		return nil, nil, nil, err
	}
	mf, err := brain.NewSpikeSourceArray("mf", times)
	if err != nil {
		return nil, nil, nil, err
	}
	if _, err := net.ConnectSource(mf, g, brain.AllToAll{}, brain.SynapseSpec{Weight: brain.Const(MossyWeightPA), Delay: brain.Const(1)}); err != nil {
		return nil, nil, nil, err
	}
	rec, err := net.RecordSpikes(g)
	if err != nil {
		return nil, nil, nil, err
	}
	vr, err := net.RecordState(g, []int{0}, []string{"V"}, 1)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := net.Run(context.Background(), 100, nil); err != nil {
		return nil, nil, nil, err
	}
	v, err = vr.Trace(0, "V")
	return rec.Times(0), vr.Times(), v, err
}

// GranuleLayer builds 2000 granule cells with 4 inputs each (FixedInDegree) from 400 mossy-fibre
// sources src (network seed 5).
func GranuleLayer(src brain.Source) (*brain.Network, *brain.Population, *brain.Projection, error) {
	net := brain.NewNetwork(0.1, 5)
	g, err := brain.NewPopulation("granule", 2000, GranuleParams())
	if err != nil {
		return nil, nil, nil, err
	}
	proj, err := net.ConnectSource(src, g, brain.FixedInDegree{K: 4}, brain.SynapseSpec{Weight: brain.Const(MossyWeightPA), Delay: brain.Const(1)})
	return net, g, proj, err
}

// BinomTail is P(X ≥ 3) for X ~ Binomial(4, p).
func BinomTail(p float64) float64 { return 4*p*p*p*(1-p) + p*p*p*p }

// HyperTail is P(X ≥ 3) when a cell draws 4 distinct fibres out of n of which k are active
// (hypergeometric: the exact law for FixedInDegree wiring and a volley on exactly k fibres).
func HyperTail(n, k int) float64 {
	c := func(a, b int) float64 {
		if b < 0 || b > a {
			return 0
		}
		r := 1.0
		for i := range b {
			r = r * float64(a-i) / float64(i+1)
		}
		return r
	}
	return (c(k, 3)*c(n-k, 1) + c(k, 4)) / c(n, 4)
}

// GranuleVolley fires one synchronous volley at 20 ms on exactly k of the 400 mossy fibres
// (chosen with seed 99) into the granule layer and returns the number of granule cells that
// fired and the number that have at least 3 of their 4 fibres in the volley (from the wiring).
func GranuleVolley(k int) (fired, ge3 int, err error) {
	r := rand.New(rand.NewPCG(99, uint64(k)))
	times, active := make([][]float64, 400), make([]bool, 400)
	for _, i := range r.Perm(400)[:k] {
		times[i], active[i] = []float64{20}, true
	}
	src, err := brain.NewSpikeSourceArray("mf", times)
	if err != nil {
		return 0, 0, err
	}
	net, g, proj, err := GranuleLayer(src)
	if err != nil {
		return 0, 0, err
	}
	rec, err := net.RecordSpikes(g)
	if err != nil {
		return 0, 0, err
	}
	if err := net.Run(context.Background(), 60, nil); err != nil {
		return 0, 0, err
	}
	for _, c := range rec.Counts() {
		if c > 0 {
			fired++
		}
	}
	nAct, tg := make([]int, g.N), proj.Targets()
	for i := range 400 {
		if lo, hi := proj.Row(i); active[i] {
			for s := lo; s < hi; s++ {
				nAct[tg[s]]++
			}
		}
	}
	for _, c := range nAct {
		if c >= 3 {
			ge3++
		}
	}
	return fired, ge3, nil
}

// GranuleSparseness runs the granule layer for 1 s under independent Poisson mossy-fibre input at
// rateHz and returns the mean granule rate (Hz), the fraction of cells that fired at least once,
// the mean fraction that fired in a 20-ms window, and the recorder.
func GranuleSparseness(rateHz float64) (meanRate, ever, perWindow float64, rec *brain.SpikeRecorder, err error) {
	src, err := brain.NewPoissonGroup("mf", 400, rateHz)
	if err != nil {
		return
	}
	net, g, _, err := GranuleLayer(src)
	if err != nil {
		return
	}
	if rec, err = net.RecordSpikes(g); err != nil {
		return
	}
	if err = net.Run(context.Background(), 1000, nil); err != nil {
		return
	}
	n := 0
	for _, c := range rec.Counts() {
		if c > 0 {
			n++
		}
	}
	steps, ids := rec.Spikes()
	seen := map[[2]int]bool{}
	for k, st := range steps {
		seen[[2]int{int(float64(st+1) * rec.DT / 20), int(ids[k])}] = true
	}
	return RecorderRate(rec, 0, 1000), float64(n) / float64(g.N), float64(len(seen)) / float64(g.N) / 50, rec, nil
}

// Recruitment drives brainstem motor neurons of the given sizes (Population.Size) with one ramp
// 0 → rampToPA over rampMS and returns the ramp current (pA) at each cell's first spike (NaN if it
// never fires) and the spike recorder.
func Recruitment(sizes []float64, rampToPA, rampMS float64) ([]float64, *brain.SpikeRecorder, error) {
	net := brain.NewNetwork(0.1, 3)
	mn, err := brain.NewPopulation("motor", len(sizes), brain.Brainstem.Adjust(brain.Motor()))
	if err != nil {
		return nil, nil, err
	}
	copy(mn.Size, sizes)
	if err := net.Inject(mn, nil, brain.Proximal, brain.RampClamp{FromPA: 0, ToPA: rampToPA, StartMS: 0, StopMS: rampMS}); err != nil {
		return nil, nil, err
	}
	rec, err := net.RecordSpikes(mn)
	if err != nil {
		return nil, nil, err
	}
	if err := net.Run(context.Background(), rampMS, nil); err != nil {
		return nil, nil, err
	}
	out := make([]float64, len(sizes))
	for i, tt := range rec.AllTimes() {
		out[i] = math.NaN()
		if len(tt) > 0 { // the ramp during the step of the first spike (reported at the step's end)
			out[i] = rampToPA * (tt[0] - 0.1) / rampMS
		}
	}
	return out, rec, nil
}

// MotorPSP returns the potential of a generic LIF target after one spike of a motor neuron with
// parameters pre (weight 50 pA, delay 1 ms; the spike forced by a 2 ms, 20 nA pulse at 10 ms).
func MotorPSP(pre brain.Params) (t, v []float64, err error) {
	net := brain.NewNetwork(0.1, 4)
	mn, err := brain.NewPopulation("motor", 1, pre)
	if err != nil {
		return nil, nil, err
	}
	tg, err := brain.NewPopulation("target", 1, brain.Generic())
	if err != nil {
		return nil, nil, err
	}
	if err := net.Inject(mn, nil, brain.Proximal, brain.DCClamp{AmpPA: 20000, StartMS: 10, StopMS: 12}); err != nil {
		return nil, nil, err
	}
	if _, err := net.Connect(mn, tg, brain.OneToOne{}, brain.SynapseSpec{Weight: brain.Const(50), Delay: brain.Const(1)}); err != nil {
		return nil, nil, err
	}
	rec, err := net.RecordSpikes(mn)
	if err != nil {
		return nil, nil, err
	}
	vr, err := net.RecordState(tg, []int{0}, []string{"V"}, 1)
	if err != nil {
		return nil, nil, err
	}
	if err := net.Run(context.Background(), 100, nil); err != nil {
		return nil, nil, err
	}
	if rec.Len() != 1 {
		return nil, nil, fmt.Errorf("experiments: MotorPSP: the presynaptic motor neuron fired %d spikes, want 1", rec.Len())
	}
	v, err = vr.Trace(0, "V")
	return vr.Times(), v, err
}

package kernel

// heunVecSupports reports whether the vector Heun kernel (heun_vec.go)
// computes the model of p: the fused Heun kernel's (current synapses, one
// substep), with every Size 1 and without the sensory rule. It compares p
// with a copy that holds only the fields the vector kernel knows, so a
// term added to Params later (a field whose zero value turns it off) makes
// the populations that use it run the scalar kernels until the vector
// kernel learns it.
func heunVecSupports(p Params, c *Consts) bool {
	known := Params{
		C: p.C, GL: p.GL, EL: p.EL, VT: p.VT, DeltaT: p.DeltaT, VPeak: p.VPeak, VReset: p.VReset, TRef: p.TRef,
		A: p.A, B: p.B, TauW: p.TauW,
		Cd: p.Cd, GLd: p.GLd, Gc: p.Gc,
		DeltaTheta: p.DeltaTheta, TauTheta: p.TauTheta,
		Cond: p.Cond, Euler: p.Euler,
		TauE: p.TauE, TauI: p.TauI, EE: p.EE, EI: p.EI,
	}
	return c.kind == Heun && c.k.unitSize && p == known
}

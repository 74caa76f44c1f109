package brain_test

import (
	"context"
	"fmt"

	"github.com/neuron-sim/neuron/brain"
)

// Two LIF cells joined by a 5 nS gap junction, a DC current into cell 0:
// the steady-state coupling coefficient is g/(g + gL) = 5/15.
func ExampleNetwork_AddGapJunctions() {
	pop, _ := brain.NewPopulation("pair", 2, brain.Generic()) // gL = 10 nS
	rest := pop.V[0]
	net := brain.NewNetwork(0.1, 1)
	if _, err := net.AddGapJunctions(pop, [][2]int{{0, 1}}, 5); err != nil {
		fmt.Println(err)
		return
	}
	_ = net.Inject(pop, []int{0}, brain.Proximal, brain.DCClamp{AmpPA: 50})
	if err := net.Run(context.Background(), 500, nil); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("coupling coefficient %.6f\n", (pop.V[1]-rest)/(pop.V[0]-rest))
	// Output: coupling coefficient 0.333333
}

// An NMDA synapse targeted by name on a cell with four receptors.
func ExampleSynapseSpec_receptor() {
	cell, _ := brain.NewModelPopulation("cell", 1, &brain.ReceptorLIF{})
	src, _ := brain.NewSpikeSourceArray("in", [][]float64{{1}})
	net := brain.NewNetwork(0.1, 1)
	proj, err := net.ConnectSource(src, cell, brain.OneToOne{}, brain.SynapseSpec{Weight: brain.Const(1), Receptor: "NMDA"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cell.Receptors(), cell.Receptors()[proj.Receptor()])
	fmt.Printf("NMDA peak %.1f ms after a spike; unblocked at −70 mV: %.3f\n", brain.DualExpPeakMS(4, 40), brain.MgBlock(-70, 1))
	// Output:
	// [AMPA GABA_A NMDA GABA_B] NMDA
	// NMDA peak 10.2 ms after a spike; unblocked at −70 mV: 0.044
}

// Cells on a periodic grid wired by a Gaussian kernel, with delays growing
// with distance.
func ExampleDistanceProbability() {
	sp := brain.Space{Dim: 2, ExtentMM: [3]float64{1, 1}, Periodic: true}
	pos, _ := brain.GridPositions(sp, 30, 30)
	pop, _ := brain.NewPopulation("sheet", pos.Len(), brain.Generic())
	net := brain.NewNetwork(0.1, 1)
	conn := brain.DistanceProbability{Pre: pos, Kernel: brain.GaussianKernel{P0: 0.5, SigmaMM: 0.1},
		NoSelf: true, DelayMS: 0.5, SpeedMMPerMS: 0.2}
	proj, _ := net.Connect(pop, pop, conn, brain.SynapseSpec{Weight: brain.Const(1)})
	if err := net.Build(); err != nil {
		fmt.Println(err)
		return
	}
	// Expected in-degree ≈ 900 cells/mm² · 0.5 · 2πσ² ≈ 28.
	fmt.Println(proj.NumSynapses()/pos.Len() > 20 && proj.NumSynapses()/pos.Len() < 36)
	// Output: true
}

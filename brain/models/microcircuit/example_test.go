package microcircuit_test

import (
	"context"
	"fmt"

	"github.com/neuron-sim/neuron/brain/models/microcircuit"
)

// A 5 % model (5 % of the cells, 10 % of the in-degrees) run for 200 ms.
func Example() {
	c, err := microcircuit.Build(microcircuit.Scaled(0.05, 0.1), 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.Net.Run(context.Background(), 200, nil); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("cells:", c.NumCells(), "synapses:", c.NumSynapses())
	fmt.Printf("full-scale weight: %.1f pA\n", 0.15*microcircuit.PSCPerPSP())
	r := c.Rates(50, 200)
	for l := 0; l < microcircuit.NumPops; l += 2 {
		fmt.Printf("%s faster than %s: %v\n", microcircuit.Names[l+1], microcircuit.Names[l], r[l+1] > r[l])
	}
	// Output:
	// cells: 3859 synapses: 1494402
	// full-scale weight: 87.8 pA
	// L23i faster than L23e: true
	// L4i faster than L4e: true
	// L5i faster than L5e: true
	// L6i faster than L6e: true
}

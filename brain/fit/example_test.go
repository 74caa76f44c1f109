package fit_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/neuron-sim/neuron/brain/fit"
	"github.com/neuron-sim/neuron/brain/reference"
)

// Example fits a GeneralizedNeuron to a fast-spiking interneuron of
// Pospischil et al. 2008 driven by frozen noise, then predicts the spikes of
// the held-out second half.
func Example() {
	cell := reference.NewFS()
	// 6 s of Ornstein–Uhlenbeck current (τ = 5 ms), sampled at 0.1 ms.
	current, err := reference.OU(nil, 60000, 0.1, 100, 384, 5, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		panic(err)
	}
	spikes, voltage, err := cell.Run(current, 0.1) // the "recording"
	if err != nil {
		panic(err)
	}
	rec := fit.Recording{DT: 0.1, Current: current, Spikes: spikes, Voltage: voltage}
	res, err := fit.Fit(rec, fit.Options{
		Train:    fit.Window{StartMS: 0, EndMS: 3000},
		Test:     fit.Window{StartMS: 3000, EndMS: 6000},
		Seed:     1,
		MaxEvals: 100,
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("Γ(test) ≥ 0.9: %v\n", res.GammaTest >= 0.9)
	fmt.Printf("rate error ≤ 5 %%: %v\n", res.Test.RateError() <= 0.05)
	// The fitted parameters drive any brain population, or fit.Simulate:
	predicted, _, err := fit.Simulate(res.Params, current, 0.1, 0, false)
	if err != nil {
		panic(err)
	}
	fmt.Printf("predicted spikes within 10 %% of recorded: %v\n", abs(len(predicted)-len(spikes)) <= len(spikes)/10)
	// Output:
	// Γ(test) ≥ 0.9: true
	// rate error ≤ 5 %: true
	// predicted spikes within 10 % of recorded: true
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

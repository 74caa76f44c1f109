package brain

import (
	"fmt"
	"slices"
)

// A ReceptorModel is a NeuronModel with its own set of synaptic inputs:
// more than one excitatory and one inhibitory receptor per cell (AMPA,
// NMDA, GABA_A, GABA_B, …). Receptor k of the list is Receptor(k):
// State.Input(Receptor(k)) is where the spikes of the projections that
// target it land, and SynapseSpec.Receptor selects it by name. Receptor 0
// receives the projections of excitatory cells that name no receptor and
// receptor 1 those of inhibitory cells, so that the Excitatory/Inhibitory
// API keeps working: list the default fast excitatory receptor first and
// the default fast inhibitory one second.
type ReceptorModel interface {
	NeuronModel
	// Receptors names the model's synaptic inputs, in order: at least 2,
	// at most MaxReceptors, non-empty and unique.
	Receptors() []string
}

// MaxReceptors bounds the receptors of a ReceptorModel.
const MaxReceptors = 64

// modelReceptors checks and returns the receptor names of m (nil when m is
// not a ReceptorModel).
func modelReceptors(pop, model string, m NeuronModel) ([]string, error) {
	rm, ok := m.(ReceptorModel)
	if !ok {
		return nil, nil
	}
	recs := slices.Clone(rm.Receptors())
	if len(recs) < int(NumReceptors) || len(recs) > MaxReceptors {
		return nil, fmt.Errorf("brain: population %q: model %s: Receptors() has %d names: must be in [%d, %d]", pop, model, len(recs), NumReceptors, MaxReceptors)
	}
	for k, r := range recs {
		if r == "" || slices.Index(recs, r) != k {
			return nil, fmt.Errorf("brain: population %q: model %s: Receptors()[%d] = %q: must be non-empty and unique", pop, model, k, r)
		}
	}
	return recs, nil
}

// Receptors returns the names of the population's receptors, in Receptor
// order: a ReceptorModel's own, else "Excitatory" and "Inhibitory".
func (p *Population) Receptors() []string {
	if p.mod != nil && p.mod.recs != nil {
		return slices.Clone(p.mod.recs)
	}
	return []string{Excitatory.String(), Inhibitory.String()}
}

// ReceptorIndex returns the receptor called name (one of Receptors), or an
// error naming the population's receptors.
func (p *Population) ReceptorIndex(name string) (Receptor, error) {
	recs := p.Receptors()
	if k := slices.Index(recs, name); k >= 0 {
		return Receptor(k), nil
	}
	return 0, fmt.Errorf("brain: population %q has no receptor %q (it has %q)", p.Name, name, recs)
}

// receptorName names receptor r of p, for messages.
func (p *Population) receptorName(r Receptor) string {
	if recs := p.Receptors(); int(r) < len(recs) {
		return recs[r]
	}
	return r.String()
}

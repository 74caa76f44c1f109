package brain

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// stateMagic starts every MarshalBinary encoding (format version 1).
const stateMagic = "brainpop1"

// ErrBadState is wrapped by UnmarshalBinary errors.
var ErrBadState = errors.New("brain: bad population state")

// stateSlices lists, in encoding order, every slice that makes up the
// dynamic state and per-neuron configuration of the population.
func (p *Population) stateSlices() [][]float64 {
	// The inputs beyond the first two (a ReceptorModel's) come after
	// them, and a dendrite's inputs last, so the layout of a two-receptor
	// model without a dendrite is the same for every model.
	st := &p.mod.st
	ss := append(slices.Clone(st.vars), p.IExt, p.syn[Proximal][Excitatory], p.syn[Proximal][Inhibitory])
	ss = append(ss, st.in[NumReceptors:]...)
	if st.dendrite {
		ss = append(ss, p.IExtDist)
		ss = append(ss, st.inD...)
	}
	return ss
}

// MarshalBinary encodes the population's state: its model's declared
// variables (for the GeneralizedNeuron V, Vd, W, Theta, the per-neuron
// IBias, Theta0 and Size, the refractory clocks and the running input
// statistics), IExt, the synaptic inputs (with a dendrite also IExtDist
// and the distal inputs) and, if the model is Stateful, its own state.
// Parameters are not included: restore into a population built with the
// same model, Params and N.
func (p *Population) MarshalBinary() ([]byte, error) {
	ss := p.stateSlices()
	buf := make([]byte, 0, len(stateMagic)+16+len(ss)*p.N*8)
	buf = append(buf, stateMagic...)
	buf = binary.LittleEndian.AppendUint64(buf, uint64(p.N))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(len(ss)))
	for _, s := range ss {
		for _, x := range s {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(x))
		}
	}
	if st, ok := p.Model().(Stateful); ok {
		e := &StateEncoder{b: buf}
		st.SaveState(e)
		buf = e.b
	}
	return buf, nil
}

// UnmarshalBinary restores a state written by MarshalBinary into p, which
// must have the same N and dendrite (Gc > 0 or not). It copies into the
// existing slices, so slices taken from p stay valid. Call Prepare again if
// Size changed.
func (p *Population) UnmarshalBinary(data []byte) error {
	ss := p.stateSlices()
	if len(data) < len(stateMagic)+16 || string(data[:len(stateMagic)]) != stateMagic {
		return fmt.Errorf("%w: not a population state (bad header)", ErrBadState)
	}
	data = data[len(stateMagic):]
	n := binary.LittleEndian.Uint64(data)
	m := binary.LittleEndian.Uint64(data[8:])
	data = data[16:]
	if n != uint64(p.N) {
		return fmt.Errorf("%w: N = %d, population %q has N = %d", ErrBadState, n, p.Name, p.N)
	}
	if m != uint64(len(ss)) {
		return fmt.Errorf("%w: %d state arrays, population %q has %d (dendrite mismatch?)", ErrBadState, m, p.Name, len(ss))
	}
	st, stateful := p.Model().(Stateful)
	if uint64(len(data)) < m*n*8 || (!stateful && uint64(len(data)) != m*n*8) {
		return fmt.Errorf("%w: %d bytes of data, want %d", ErrBadState, len(data), m*n*8)
	}
	for _, s := range ss {
		for i := range s {
			s[i] = math.Float64frombits(binary.LittleEndian.Uint64(data))
			data = data[8:]
		}
	}
	if stateful {
		d := &StateDecoder{b: data, what: "model of population " + p.Name}
		if err := st.RestoreState(d); err != nil {
			return fmt.Errorf("%w: %w", ErrBadState, err)
		}
		if d.err == nil && len(d.b) != 0 {
			d.Fail("%d trailing bytes", len(d.b))
		}
		if d.err != nil {
			return fmt.Errorf("%w: %w", ErrBadState, d.err)
		}
	}
	return nil
}

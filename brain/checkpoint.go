package brain

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"reflect"
)

// checkpointMagic starts the state payload of a network checkpoint
// (payload version 2: STDP traces with the step of their last update),
// which checkpoint_envelope.go wraps with the file format's header and
// checksum.
const checkpointMagic = "brainnet2"

// ErrCheckpoint is wrapped by every Restore error about the checkpoint's
// content.
var ErrCheckpoint = errors.New("brain: bad network checkpoint")

// MarshalBinary encodes the complete dynamic state of a built network: the
// step counter; every population's state (membrane, adaptation, threshold
// and synaptic variables, refractory clocks); the spikes in flight in the
// delay rings; every weight and STDP trace; the random state and pending
// spikes of every spike source; the state and random streams of noise
// currents; the state of every Stateful Modulator (a Dopamine's rewards),
// once however many projections share it. It does not include the model itself (restore into a network
// constructed the same way) nor recorder contents.
//
// run(a) + MarshalBinary + UnmarshalBinary + run(b) is bit-identical to
// run(a+b). The encoding is versioned and ends with a CRC-32C checksum
// over everything before it (checkpoint_envelope.go).
func (n *Network) MarshalBinary() ([]byte, error) {
	if err := n.acquire("MarshalBinary"); err != nil {
		return nil, err
	}
	defer n.release()
	if !n.built {
		if err := n.buildAll(); err != nil {
			return nil, err
		}
	}
	payload, err := n.marshalState()
	if err != nil {
		return nil, err
	}
	return n.seal(payload), nil
}

// marshalState encodes the state payload of a built network.
func (n *Network) marshalState() ([]byte, error) {
	b := []byte(checkpointMagic)
	b = binary.LittleEndian.AppendUint64(b, uint64(n.step))
	b = appendLen(b, len(n.pops))
	for _, p := range n.pops {
		ps, err := p.MarshalBinary()
		if err != nil {
			return nil, err
		}
		b = appendBytes(b, ps)
	}
	b = appendLen(b, len(n.rings))
	for _, r := range n.rings {
		b = appendF64s(b, r.buf)
		b = appendBools(b, r.slotsHeld())
	}
	b = appendLen(b, len(n.projs))
	for _, p := range n.projs {
		b = appendF32s(b, p.weights)
		if st, ok := p.rule.(Stateful); ok {
			e := &StateEncoder{b: b}
			st.SaveState(e)
			b = e.b
		}
	}
	e := &StateEncoder{b: appendLen(b, len(n.srcs))}
	for _, s := range n.srcs {
		if st, ok := s.(Stateful); ok {
			st.SaveState(e)
		}
	}
	e.b = appendLen(e.b, len(n.injs))
	for _, in := range n.injs {
		if st, ok := in.src.(Stateful); ok {
			st.SaveState(e)
		}
	}
	if mods := n.statefulModulators(); len(mods) > 0 { // absent without: older checkpoints still read
		e.b = appendLen(e.b, len(mods))
		for _, m := range mods {
			m.SaveState(e)
		}
	}
	return n.appendRankSection(e.b), nil
}

// UnmarshalBinary restores a state written by MarshalBinary into a network
// constructed the same way (same populations, projections, sources and
// current sources, in the same order, and the same seed); it builds the
// network first if needed. Recorders keep what they hold and continue.
// A checkpoint of another format version, of a network of another shape,
// dt or seed, or one that fails its checksum is refused with an error
// wrapping ErrCheckpoint that says which, and the network is left as it
// was.
func (n *Network) UnmarshalBinary(data []byte) (err error) {
	if err := n.acquire("UnmarshalBinary"); err != nil {
		return err
	}
	defer n.release()
	defer n.recoverBug("UnmarshalBinary", &err)
	if !n.built {
		if err := n.buildAll(); err != nil {
			return err
		}
	}
	payload, err := n.open(data)
	if err != nil {
		return err
	}
	before, err := n.marshalState()
	if err != nil {
		return err
	}
	if err := n.unmarshalState(payload, true); err != nil {
		// a payload of another shape may have been partly applied
		if e := n.unmarshalState(before, false); e != nil {
			return fmt.Errorf("%w (and restoring the previous state failed: %w)", err, e)
		}
		return err
	}
	return nil
}

// unmarshalState restores a state payload written by marshalState; with
// check, it refuses weights outside their projection's bounds.
func (n *Network) unmarshalState(data []byte, check bool) error {
	if len(data) < len(checkpointMagic)+8 || string(data[:len(checkpointMagic)]) != checkpointMagic {
		return fmt.Errorf("%w: missing header", ErrCheckpoint)
	}
	d := &StateDecoder{b: data[len(checkpointMagic)+8:], what: "header"}
	step := int64(binary.LittleEndian.Uint64(data[len(checkpointMagic):]))
	if step < 0 || step > MaxSteps {
		return fmt.Errorf("%w: step counter %d outside [0, 2⁵³]", ErrCheckpoint, step)
	}
	count := func(what string, want int) {
		d.what = what
		d.length(want, 0)
	}
	count("populations", len(n.pops))
	for _, p := range n.pops {
		d.what = "population " + p.Name
		ps := d.bytes()
		if d.err != nil {
			break
		}
		if err := p.UnmarshalBinary(ps); err != nil {
			return fmt.Errorf("%w: population %q: %w", ErrCheckpoint, p.Name, err)
		}
	}
	count("rings", len(n.rings))
	for _, r := range n.rings {
		d.what = "delay ring of " + n.pops[r.pop].Name
		d.Float64s(r.buf)
		slots := r.slotDirty()
		d.Bools(slots)
		r.setSlotDirty(slots)
	}
	count("projections", len(n.projs))
	for _, p := range n.projs {
		d.what = "projection " + p.Name
		if p.weights == nil && d.err == nil {
			// SetWeight may have made the checkpointed projection per-synapse.
			if nw, k := binary.Uvarint(d.b); k > 0 && nw != 0 {
				_ = p.SetWeight(0, p.constW)
			}
		}
		d.Float32s(p.weights)
		if check && d.err == nil && p.weights != nil {
			// The checksum vouches for the bytes, not for the network
			// they are restored into: a twin whose rule has other
			// bounds (STDP WMax lowered) would run on with weights
			// outside them.
			lo, hi, what := 0.0, float64(MaxWeight), "[0, MaxWeight]"
			if b, ok := p.rule.(WeightBounder); ok {
				lo, hi, _ = b.WeightBounds()
				what = fmt.Sprintf("the bounds of its plasticity rule %T", p.rule)
			}
			if err := p.checkWeights(lo, hi); err != nil {
				d.Fail("%v, %s", err, what)
			}
		}
		if st, ok := p.rule.(Stateful); ok {
			if err := st.RestoreState(d); err != nil {
				d.Fail("%v", unwrapPrefix(err))
			}
		}
	}
	count("sources", len(n.srcs))
	for _, s := range n.srcs {
		d.what = "source " + s.SourceName()
		if st, ok := s.(Stateful); ok {
			if err := st.RestoreState(d); err != nil {
				d.Fail("%v", unwrapPrefix(err))
				break
			}
		}
	}
	count("current sources", len(n.injs))
	for _, in := range n.injs {
		d.what = "current source " + in.src.String()
		if st, ok := in.src.(Stateful); ok {
			if err := st.RestoreState(d); err != nil {
				d.Fail("%v", unwrapPrefix(err))
				break
			}
		}
	}
	if mods := n.statefulModulators(); len(mods) > 0 {
		count("modulators", len(mods))
		for _, m := range mods {
			d.what = "modulator"
			if err := m.RestoreState(d); err != nil {
				d.Fail("%v", unwrapPrefix(err))
				break
			}
		}
	}
	n.readRankSection(d)
	if d.err == nil && len(d.b) != 0 {
		d.Fail("%d trailing bytes", len(d.b))
	}
	if d.err != nil {
		return fmt.Errorf("%w: %w", ErrCheckpoint, unwrapPrefix(d.err))
	}
	n.step = step
	return nil
}

// statefulModulators lists the projections' Modulators that are Stateful
// (plasticity.Dopamine, with its rewards), each once, in the order of
// their first projection.
func (n *Network) statefulModulators() []Stateful {
	var out []Stateful
	for _, p := range n.projs {
		st, ok := p.spec.Modulator.(Stateful)
		if !ok {
			continue
		}
		seen := false
		if reflect.TypeOf(st).Comparable() {
			for _, o := range out {
				if reflect.TypeOf(o).Comparable() && any(o) == any(st) {
					seen = true
					break
				}
			}
		}
		if !seen {
			out = append(out, st)
		}
	}
	return out
}

// Save writes the network's state (MarshalBinary) to w.
func (n *Network) Save(w io.Writer) error {
	b, err := n.MarshalBinary()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Restore reads a state written by Save (see UnmarshalBinary). It reads
// no more than the largest checkpoint this network can have written, so
// an endless or oversized input is an error, not an unbounded read.
func (n *Network) Restore(r io.Reader) error {
	limit, err := n.checkpointLimit()
	if err != nil {
		return err
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return fmt.Errorf("brain: Restore: %w", err)
	}
	if int64(len(b)) > limit {
		return fmt.Errorf("%w: more than %d bytes, the largest checkpoint this network can write", ErrCheckpoint, limit)
	}
	return n.UnmarshalBinary(b)
}

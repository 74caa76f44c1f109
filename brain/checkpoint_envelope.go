package brain

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
)

// The file format of a network checkpoint (MarshalBinary), little-endian:
//
//	offset  size  field
//	0       8     magic "brainnet"
//	8       1     format version, the digit '4'
//	9       8     total length of the checkpoint in bytes, checksum included
//	17      8     Network.DT (ms, float64 bits)
//	25      8     Network.Seed
//	33      …     state payload (marshalState: "brainnet2", step, populations,
//	              rings, projections, sources, current sources and, when
//	              there are any, Stateful modulators)
//	len−4   4     CRC-32C (Castagnoli) of bytes [0, len−4)
//
// CRC-32C detects every error confined to 32 consecutive bits, so any
// corrupted byte, and any truncation or extension (through the length),
// is found before the state is touched. Format 2 (before this envelope)
// was the bare payload; format 3 had this envelope around the population
// layout from before every population became a NeuronModel (spike offsets
// saved, two synaptic inputs per compartment). Both are refused with a
// message saying so.

const (
	envelopeMagic   = "brainnet"
	envelopeVersion = '4'
	envelopeHeader  = len(envelopeMagic) + 1 + 8 + 8 + 8
	envelopeCRC     = 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// seal wraps a state payload into the checkpoint file format.
func (n *Network) seal(payload []byte) []byte {
	total := envelopeHeader + len(payload) + envelopeCRC
	b := make([]byte, 0, total)
	b = append(b, envelopeMagic...)
	b = append(b, envelopeVersion)
	b = binary.LittleEndian.AppendUint64(b, uint64(total))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(n.builtDT))
	b = binary.LittleEndian.AppendUint64(b, n.builtSeed)
	b = append(b, payload...)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// open checks a checkpoint's header and checksum against n and returns its
// state payload.
func (n *Network) open(data []byte) ([]byte, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrCheckpoint, fmt.Sprintf(format, a...))
	}
	if len(data) < len(envelopeMagic)+1 || string(data[:len(envelopeMagic)]) != envelopeMagic {
		return nil, bad("not a network checkpoint (%d bytes, no %q header)", len(data), envelopeMagic)
	}
	if v := data[len(envelopeMagic)]; v != envelopeVersion {
		switch v {
		case '2':
			return nil, bad("format version 2, written by an older release without a checksum; this release reads version %q only (rerun the simulation to write a new checkpoint)", envelopeVersion)
		case '3':
			return nil, bad("format version 3, written by an older release whose populations were laid out differently (spike offsets, two synaptic inputs per compartment); this release reads version %q only (rerun the simulation to write a new checkpoint)", envelopeVersion)
		}
		return nil, bad("format version %q, this release reads version %q only", v, envelopeVersion)
	}
	if len(data) < envelopeHeader+envelopeCRC {
		return nil, bad("truncated: %d bytes, shorter than the %d-byte header and checksum", len(data), envelopeHeader+envelopeCRC)
	}
	if total := binary.LittleEndian.Uint64(data[len(envelopeMagic)+1:]); total != uint64(len(data)) {
		return nil, bad("%d bytes where its header says %d (truncated, extended or corrupted)", len(data), total)
	}
	body := data[:len(data)-envelopeCRC]
	want := binary.LittleEndian.Uint32(data[len(data)-envelopeCRC:])
	if got := crc32.Checksum(body, castagnoli); got != want {
		return nil, bad("checksum mismatch (stored CRC-32C %08x, computed %08x): the checkpoint is corrupted", want, got)
	}
	dt := math.Float64frombits(binary.LittleEndian.Uint64(data[len(envelopeMagic)+9:]))
	seed := binary.LittleEndian.Uint64(data[len(envelopeMagic)+17:])
	if dt != n.builtDT {
		return nil, bad("written by a network with dt = %v ms; this network has dt = %v ms", dt, n.builtDT)
	}
	if seed != n.builtSeed {
		return nil, bad("written by a network with seed %d; this network has seed %d", seed, n.builtSeed)
	}
	return body[envelopeHeader:], nil
}

// checkpointLimit is the size (bytes) of the largest checkpoint n can
// write: its present one plus per-synapse weights for every projection
// that holds a constant weight now (SetWeight can make it per-synapse).
func (n *Network) checkpointLimit() (int64, error) {
	if err := n.acquire("Restore"); err != nil {
		return 0, err
	}
	defer n.release()
	if !n.built {
		if err := n.buildAll(); err != nil {
			return 0, err
		}
	}
	payload, err := n.marshalState()
	if err != nil {
		return 0, err
	}
	limit := int64(envelopeHeader+envelopeCRC+len(payload)) + 64
	// A Modulator's state may grow as it runs (a Dopamine's rewards).
	limit += int64(len(n.statefulModulators())) << 24
	for _, p := range n.projs {
		if p.weights == nil {
			limit += 4 * int64(p.NumSynapses())
		}
	}
	return limit, nil
}

// slotsHeld is, per slot of the delay ring, whether it holds a nonzero
// value: the checkpoint's canonical form of the dirty flags (a restored
// ring marks a slot for every part while the running one marks only the
// parts that wrote to it, so the raw flags of two equal states can differ;
// an empty slot needs no draining either way).
func (r *ring) slotsHeld() []bool {
	flags := r.slotDirty()
	for k := range flags {
		if flags[k] {
			flags[k] = false
			for _, v := range r.buf[k*r.n : (k+1)*r.n] {
				if v != 0 {
					flags[k] = true
					break
				}
			}
		}
	}
	return flags
}

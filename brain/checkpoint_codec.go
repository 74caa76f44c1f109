package brain

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
)

// Checkpoint encoding: little-endian, every slice prefixed by its length
// (uvarint), so a restore into a network of a different shape fails with
// an error instead of silently misreading.

// Stateful is implemented by a component (spike source, current source,
// neuron model, plasticity rule) that carries dynamic state of its own
// from one step to the next: random generators, queues, per-synapse
// variables. Network.Save writes it with SaveState and Network.Restore
// reads it back with RestoreState, in the same order, so a component
// that writes its slices with a StateEncoder and reads them with a
// StateDecoder in the same order is restored bit-exactly. Components with
// no state of their own need not implement it. State that a Population
// holds for a model (its declared variables) is saved by the population
// and needs no Stateful.
type Stateful interface {
	// SaveState appends the component's state to e.
	SaveState(e *StateEncoder)
	// RestoreState reads what SaveState wrote into the component's
	// existing slices. It returns d.Err() (or an error of its own naming
	// the bad field and value).
	RestoreState(d *StateDecoder) error
}

// StateEncoder appends state to a checkpoint. Every slice is written with
// its length, so that a restore into a component of another shape fails.
type StateEncoder struct{ b []byte }

// Bytes returns what has been written so far.
func (e *StateEncoder) Bytes() []byte { return e.b }

// Float64s writes x.
func (e *StateEncoder) Float64s(x []float64) { e.b = appendF64s(e.b, x) }

// Float32s writes x.
func (e *StateEncoder) Float32s(x []float32) { e.b = appendF32s(e.b, x) }

// Int64s writes x.
func (e *StateEncoder) Int64s(x []int64) { e.b = appendI64s(e.b, x) }

// Int32s writes x.
func (e *StateEncoder) Int32s(x []int32) { e.b = appendI32s(e.b, x) }

// Bools writes x.
func (e *StateEncoder) Bools(x []bool) { e.b = appendBools(e.b, x) }

// Int64 writes one value.
func (e *StateEncoder) Int64(x int64) { e.b = appendI64s(e.b, []int64{x}) }

// PCG writes the state of a random generator.
func (e *StateEncoder) PCG(p *rand.PCG) { e.b, _ = p.AppendBinary(e.b) }

func appendLen(b []byte, n int) []byte { return binary.AppendUvarint(b, uint64(n)) }

func appendF64s(b []byte, x []float64) []byte {
	b = appendLen(b, len(x))
	for _, v := range x {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

func appendF32s(b []byte, x []float32) []byte {
	b = appendLen(b, len(x))
	for _, v := range x {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

func appendI64s(b []byte, x []int64) []byte {
	b = appendLen(b, len(x))
	for _, v := range x {
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	return b
}

func appendI32s(b []byte, x []int32) []byte {
	b = appendLen(b, len(x))
	for _, v := range x {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	return b
}

func appendBytes(b, x []byte) []byte {
	b = appendLen(b, len(x))
	return append(b, x...)
}

func appendBools(b []byte, x []bool) []byte {
	b = appendLen(b, len(x))
	for _, v := range x {
		if v {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	return b
}

// StateDecoder reads what a StateEncoder wrote, into existing slices of
// the same length. The first failure (a length that differs, truncated
// data) sticks in Err and later reads do nothing, so a RestoreState can
// read everything and return d.Err() once.
type StateDecoder struct {
	b    []byte
	err  error
	what string // section being read, for messages
}

// Err returns the first failure, or nil.
func (d *StateDecoder) Err() error { return d.err }

// Fail records a failure (the first one sticks) described by format and
// its arguments, and returns the sticky error.
func (d *StateDecoder) Fail(format string, a ...any) error {
	if d.err == nil {
		d.err = fmt.Errorf("brain: checkpoint %s: %s", d.what, fmt.Sprintf(format, a...))
	}
	return d.err
}

func (d *StateDecoder) length(want, width int) bool {
	if d.err != nil {
		return false
	}
	n, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.Fail("truncated")
		return false
	}
	if want >= 0 && int(n) != want {
		d.Fail("holds %d values where this network has %d: a checkpoint of a network of another shape (restore into a network built the same way)", n, want)
		return false
	}
	if uint64(len(d.b)-k) < n*uint64(width) {
		d.Fail("truncated")
		return false
	}
	d.b = d.b[k:]
	return true
}

// Float64s reads len(x) values into x.
func (d *StateDecoder) Float64s(x []float64) {
	if !d.length(len(x), 8) {
		return
	}
	for i := range x {
		x[i] = math.Float64frombits(binary.LittleEndian.Uint64(d.b[8*i:]))
	}
	d.b = d.b[8*len(x):]
}

// AppendFloat64s reads values written by StateEncoder.Float64s whose
// number the reader does not know in advance (a component whose state
// grows as it runs) and appends them to x.
func (d *StateDecoder) AppendFloat64s(x []float64) []float64 {
	if d.err != nil {
		return x
	}
	n, k := binary.Uvarint(d.b)
	if k <= 0 || uint64(len(d.b)-k)/8 < n {
		d.Fail("truncated")
		return x
	}
	d.b = d.b[k:]
	for i := range int(n) {
		x = append(x, math.Float64frombits(binary.LittleEndian.Uint64(d.b[8*i:])))
	}
	d.b = d.b[8*n:]
	return x
}

// Float32s reads len(x) values into x.
func (d *StateDecoder) Float32s(x []float32) {
	if !d.length(len(x), 4) {
		return
	}
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(d.b[4*i:]))
	}
	d.b = d.b[4*len(x):]
}

// Int64s reads len(x) values into x.
func (d *StateDecoder) Int64s(x []int64) {
	if !d.length(len(x), 8) {
		return
	}
	for i := range x {
		x[i] = int64(binary.LittleEndian.Uint64(d.b[8*i:]))
	}
	d.b = d.b[8*len(x):]
}

// Int32s reads len(x) values into x.
func (d *StateDecoder) Int32s(x []int32) {
	if !d.length(len(x), 4) {
		return
	}
	for i := range x {
		x[i] = int32(binary.LittleEndian.Uint32(d.b[4*i:]))
	}
	d.b = d.b[4*len(x):]
}

// Bools reads len(x) values into x.
func (d *StateDecoder) Bools(x []bool) {
	if !d.length(len(x), 1) {
		return
	}
	for i := range x {
		x[i] = d.b[i] != 0
	}
	d.b = d.b[len(x):]
}

// Int64 reads one value written by StateEncoder.Int64.
func (d *StateDecoder) Int64() int64 {
	var x [1]int64
	d.Int64s(x[:])
	return x[0]
}

// bytes returns the next length-prefixed byte string (any length).
func (d *StateDecoder) bytes() []byte {
	if d.err != nil {
		return nil
	}
	n, k := binary.Uvarint(d.b)
	if k <= 0 || uint64(len(d.b)-k) < n {
		d.Fail("truncated")
		return nil
	}
	x := d.b[k : k+int(n)]
	d.b = d.b[k+int(n):]
	return x
}

// pcgSize is the length of rand.PCG's binary form.
const pcgSize = 20

// PCG reads the state of a random generator into p.
func (d *StateDecoder) PCG(p *rand.PCG) {
	if d.err != nil {
		return
	}
	if len(d.b) < pcgSize {
		d.Fail("truncated")
		return
	}
	if err := p.UnmarshalBinary(d.b[:pcgSize]); err != nil {
		d.Fail("random state: %v", err)
		return
	}
	d.b = d.b[pcgSize:]
}

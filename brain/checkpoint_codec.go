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

// decoder reads what the append functions wrote; the first failure sticks
// in err and later reads do nothing.
type decoder struct {
	b    []byte
	err  error
	what string // section being read, for messages
}

func (d *decoder) fail(format string, a ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("brain: checkpoint %s: %s", d.what, fmt.Sprintf(format, a...))
	}
}

func (d *decoder) length(want, width int) bool {
	if d.err != nil {
		return false
	}
	n, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.fail("truncated")
		return false
	}
	if want >= 0 && int(n) != want {
		d.fail("holds %d values where the network has %d (built differently?)", n, want)
		return false
	}
	if uint64(len(d.b)-k) < n*uint64(width) {
		d.fail("truncated")
		return false
	}
	d.b = d.b[k:]
	return true
}

func (d *decoder) f64s(x []float64) {
	if !d.length(len(x), 8) {
		return
	}
	for i := range x {
		x[i] = math.Float64frombits(binary.LittleEndian.Uint64(d.b[8*i:]))
	}
	d.b = d.b[8*len(x):]
}

func (d *decoder) f32s(x []float32) {
	if !d.length(len(x), 4) {
		return
	}
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(d.b[4*i:]))
	}
	d.b = d.b[4*len(x):]
}

func (d *decoder) i64s(x []int64) {
	if !d.length(len(x), 8) {
		return
	}
	for i := range x {
		x[i] = int64(binary.LittleEndian.Uint64(d.b[8*i:]))
	}
	d.b = d.b[8*len(x):]
}

func (d *decoder) i32s(x []int32) {
	if !d.length(len(x), 4) {
		return
	}
	for i := range x {
		x[i] = int32(binary.LittleEndian.Uint32(d.b[4*i:]))
	}
	d.b = d.b[4*len(x):]
}

func (d *decoder) bools(x []bool) {
	if !d.length(len(x), 1) {
		return
	}
	for i := range x {
		x[i] = d.b[i] != 0
	}
	d.b = d.b[len(x):]
}

// bytes returns the next length-prefixed byte string (any length).
func (d *decoder) bytes() []byte {
	if d.err != nil {
		return nil
	}
	n, k := binary.Uvarint(d.b)
	if k <= 0 || uint64(len(d.b)-k) < n {
		d.fail("truncated")
		return nil
	}
	x := d.b[k : k+int(n)]
	d.b = d.b[k+int(n):]
	return x
}

// pcgSize is the length of rand.PCG's binary form.
const pcgSize = 20

func (d *decoder) pcg(p *rand.PCG) error {
	if d.err != nil {
		return d.err
	}
	if len(d.b) < pcgSize {
		d.fail("truncated")
		return d.err
	}
	if err := p.UnmarshalBinary(d.b[:pcgSize]); err != nil {
		d.fail("random state: %v", err)
		return d.err
	}
	d.b = d.b[pcgSize:]
	return nil
}

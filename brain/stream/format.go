package stream

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrFormat is wrapped by every error about a file that is not a valid
// stream file.
var ErrFormat = errors.New("brain/stream: bad stream file")

const (
	magic      = "NRNSTREAM"
	version    = 1
	headerSize = 16
	blockSize  = 32 // block header bytes
)

// block kinds
const (
	kindMeta    = 1
	kindDeclare = 2
	kindSpikes  = 3
	kindSamples = 4
	kindEnd     = 5
)

// Stream kinds (StreamInfo.Kind).
const (
	KindSpikes = "spikes"
	KindState  = "state"
)

// StreamInfo describes one recorded stream; it is stored, as JSON, in the
// stream's declare block.
type StreamInfo struct {
	// ID numbers the stream within its file (1, 2, …).
	ID int `json:"id"`
	// Kind is KindSpikes or KindState.
	Kind string `json:"kind"`
	// Name is the recorded population's (or spike source's) name.
	Name string `json:"name"`
	// Source is true for the spikes of a spike source (generators), false
	// for a population.
	Source bool `json:"source,omitempty"`
	// N is the number of neurons (or generators) of the population.
	N int `json:"n"`
	// DT is the network time step (ms).
	DT float64 `json:"dt_ms"`
	// Neurons, Variables and Every describe a state stream: the sampled
	// neurons, the variable names (brain.StateVariables) and the
	// decimation (a sample after every step k with k % Every == 0).
	Neurons   []int    `json:"neurons,omitempty"`
	Variables []string `json:"variables,omitempty"`
	Every     int64    `json:"every,omitempty"`
}

// blockHeader is the fixed part of a block.
type blockHeader struct {
	kind   byte
	stream uint16
	size   uint32
	first  int64
	last   int64
	count  uint32
	crc    uint32
}

func (h blockHeader) append(b []byte) []byte {
	b = append(b, h.kind, 0)
	b = binary.LittleEndian.AppendUint16(b, h.stream)
	b = binary.LittleEndian.AppendUint32(b, h.size)
	b = binary.LittleEndian.AppendUint64(b, uint64(h.first))
	b = binary.LittleEndian.AppendUint64(b, uint64(h.last))
	b = binary.LittleEndian.AppendUint32(b, h.count)
	return binary.LittleEndian.AppendUint32(b, h.crc)
}

func parseBlockHeader(b []byte) (blockHeader, error) {
	h := blockHeader{
		kind:   b[0],
		stream: binary.LittleEndian.Uint16(b[2:]),
		size:   binary.LittleEndian.Uint32(b[4:]),
		first:  int64(binary.LittleEndian.Uint64(b[8:])),
		last:   int64(binary.LittleEndian.Uint64(b[16:])),
		count:  binary.LittleEndian.Uint32(b[24:]),
		crc:    binary.LittleEndian.Uint32(b[28:]),
	}
	if h.kind < kindMeta || h.kind > kindEnd || b[1] != 0 {
		return h, fmt.Errorf("%w: block kind %d flags %d", ErrFormat, b[0], b[1])
	}
	if h.first > h.last || h.first < 0 {
		return h, fmt.Errorf("%w: block steps [%d, %d]", ErrFormat, h.first, h.last)
	}
	return h, nil
}

func fileHeader() []byte {
	b := make([]byte, headerSize)
	copy(b, magic)
	b[len(magic)] = version
	return b
}

// zigzag maps a signed delta onto an unsigned varint.
func zigzag(d int64) uint64   { return uint64(d<<1) ^ uint64(d>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// Package stream records spikes and sampled state variables of a running
// network to a file in bounded memory, and reads them back.
//
// A Recorder is a brain.Monitor: add it to a network, declare what it
// records (Spikes, SourceSpikes, State), run, then Close. During a run the
// step loop only appends the step's spikes or samples to an in-memory
// buffer of Options.BufferBytes; a full buffer is handed to a writer
// goroutine and replaced by a spare one. The step loop waits only when
// every spare buffer is still being written, that is for at most one
// buffer write. Memory stays at (streams + Options.Buffers) buffers
// whatever the length of the run.
//
// A File (Open) gives the data back: Spikes.Recorder and State.Trace return
// what the in-memory brain.SpikeRecorder and brain.StateRecorder would
// hold after the same run, and Spikes.Each, Spikes.Window, Spikes.Counts,
// Spikes.Rate and State.TraceWindow read the file block by block, so a
// chart of a long run never loads the whole file.
//
// Times follow the in-memory recorders: a spike recorded for step k is at
// (k+1)·dt (ms), and so is a state sample taken after step k.
//
// # File format (version 1)
//
// All integers are little-endian. A file is a 16-byte header followed by
// blocks:
//
//	header:  magic "NRNSTREAM" (9 bytes), version byte (1), 6 zero bytes
//	block:   kind    uint8   1 meta, 2 declare, 3 spikes, 4 samples, 5 end
//	         flags   uint8   0
//	         stream  uint16  the stream the block belongs to (0 for meta, end)
//	         size    uint32  payload bytes
//	         first   int64   first step in the block
//	         last    int64   last step in the block
//	         count   uint32  spikes (kind 3) or samples (kind 4) in the block
//	         crc     uint32  CRC-32 (IEEE) of the payload
//	         payload size bytes
//
// Payloads:
//
//   - meta: JSON object, Options.Meta (provenance: version, seed, parameters).
//   - declare: JSON StreamInfo. A stream's declare block precedes its data.
//   - spikes: one group per step with spikes, in step order: uvarint(step −
//     previous step, the first relative to first), uvarint(n), then n
//     zigzag varints of neuron − previous neuron (starting from 0), so a
//     spike of a 64 000-cell population takes about 2 bytes.
//   - samples: per sample uvarint(step − previous step, the first relative
//     to first), then len(Variables)·len(Neurons) float64 values,
//     variable-major, bit-exact.
//   - end: JSON with the total spikes and samples per stream, written by
//     Close. A file without it (a crashed run) still reads up to its last
//     complete block; File.Complete reports which case it is.
//
// A step group or sample never spans two blocks, so every block decodes on
// its own, and a reader skips blocks outside a time window by their header.
package stream

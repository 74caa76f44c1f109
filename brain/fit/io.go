package fit

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrFormat is wrapped by every error about a malformed input file.
var ErrFormat = errors.New("brain: malformed recording file")

// File formats
//
// A trace (injected current in pA, membrane voltage in mV) is either
//
//   - raw little-endian IEEE-754 float32 samples, no header (files ending in
//     .f32, .bin, .raw or .dat), or
//   - text (.csv, .txt, .tsv or anything else): one sample per line; a line
//     with several comma-, semicolon-, tab- or space-separated fields
//     contributes its last field (so "t_ms,value" rows work); an optional
//     first line that does not parse as a number is a header; empty lines and
//     lines starting with '#' are skipped.
//
// The sampling interval dt is not stored in the file; it is given alongside
// (Recording.DT, the --dt flag).
//
// Spike times are text, one per line (last field of the line), with an
// optional header; they are sorted on reading. They are in ms unless the
// header names seconds as its last field's unit ("t_s", "time (s)",
// "t [s]", "seconds"; see SpikeUnit), in which case they are converted.

// ReadTrace reads a trace file in either format (chosen by extension).
func ReadTrace(path string) ([]float64, error) {
	f, err := openInput(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if isRawExt(path) {
		var hint int64
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			hint = st.Size()
		}
		x, err := readFloat32(f, hint)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return x, nil
	}
	x, err := ReadColumn(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return x, nil
}

func isRawExt(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".f32", ".bin", ".raw", ".dat":
		return true
	}
	return false
}

// ReadFloat32 reads little-endian float32 samples until EOF, in chunks
// (no copy of the whole input is held), and refuses inputs of more than
// MaxSamples samples, so an endless reader (a link to /dev/zero) is an
// error after MaxSamples·4 bytes, not an out-of-memory death.
func ReadFloat32(r io.Reader) ([]float64, error) {
	return readFloat32(r, 0)
}

// readFloat32 is ReadFloat32 with a size hint (bytes; 0: unknown).
func readFloat32(r io.Reader, hint int64) ([]float64, error) {
	if hint/4 > int64(MaxSamples) {
		return nil, fmt.Errorf("%w: %d bytes are %d float32 samples, more than MaxSamples = %d", ErrFormat, hint, hint/4, MaxSamples)
	}
	out := make([]float64, 0, max(hint/4, 0))
	buf := make([]byte, 64*1024)
	var tail int // bytes of a partial sample kept at the start of buf
	for {
		k, err := r.Read(buf[tail:])
		k += tail
		whole := k / 4 * 4
		if len(out)+whole/4 > MaxSamples {
			return nil, fmt.Errorf("%w: more than MaxSamples = %d float32 samples (%d bytes); raise fit.MaxSamples for longer traces", ErrFormat, MaxSamples, 4*MaxSamples)
		}
		for i := 0; i < whole; i += 4 {
			v := math.Float32frombits(binary.LittleEndian.Uint32(buf[i:]))
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("%w: sample %d = %v", ErrFormat, len(out), v)
			}
			out = append(out, float64(v))
		}
		tail = copy(buf, buf[whole:k])
		if err == io.EOF {
			if tail != 0 {
				return nil, fmt.Errorf("%w: %d bytes is not a whole number of float32 samples", ErrFormat, 4*len(out)+tail)
			}
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// WriteFloat32 writes x as little-endian float32 samples.
func WriteFloat32(w io.Writer, x []float64) error {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(float32(v)))
	}
	_, err := w.Write(b)
	return err
}

// ReadColumn reads one number per line of text (the last field of each
// line), skipping an optional header line, blank lines and '#' comments.
func ReadColumn(r io.Reader) ([]float64, error) {
	x, _, err := readColumn(r)
	return x, err
}

// readColumn is ReadColumn that also returns the header's last field ("" if
// the file has no header).
func readColumn(r io.Reader) ([]float64, string, error) {
	var head string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var out []float64
	line := 0
	first := true // the first non-comment line may be a header
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		fields := strings.FieldsFunc(s, func(r rune) bool {
			return r == ',' || r == ';' || r == '\t' || r == ' '
		})
		if len(fields) == 0 {
			continue
		}
		header := first
		first = false
		v, err := strconv.ParseFloat(fields[len(fields)-1], 64)
		if err != nil {
			if header {
				head = fields[len(fields)-1]
				continue
			}
			return nil, "", fmt.Errorf("%w: line %d: %q is not a number", ErrFormat, line, fields[len(fields)-1])
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, "", fmt.Errorf("%w: line %d: %v", ErrFormat, line, v)
		}
		if len(out) == MaxSamples {
			return nil, "", fmt.Errorf("%w: line %d: more than MaxSamples = %d values; raise fit.MaxSamples for longer traces", ErrFormat, line, MaxSamples)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		return nil, "", err
	}
	return out, head, nil
}

// SpikeUnit is the unit of the spike times in a file: UnitAuto (the
// header's, ms without one), UnitMS or UnitS.
type SpikeUnit string

// The spike time units ReadSpikesIn accepts.
const (
	UnitAuto SpikeUnit = ""
	UnitMS   SpikeUnit = "ms"
	UnitS    SpikeUnit = "s"
)

// headerUnit is the time unit a header field names: "ms" for t_ms, time_ms,
// time(ms), [ms], ms, msec; "s" for t_s, time_s, (s), [s], s, sec, seconds;
// "" for anything else (no unit recognised).
func headerUnit(field string) SpikeUnit {
	f := strings.ToLower(strings.TrimSpace(field))
	if i := strings.LastIndexAny(f, "([_"); i >= 0 {
		f = strings.TrimRight(f[i+1:], ")]")
	}
	switch f {
	case "ms", "msec", "millisecond", "milliseconds":
		return UnitMS
	case "s", "sec", "second", "seconds":
		return UnitS
	}
	return UnitAuto
}

// ReadSpikes reads spike times from a text file, converts them to ms
// (seconds if the header says so, see SpikeUnit) and sorts them.
func ReadSpikes(path string) ([]float64, error) {
	return ReadSpikesIn(path, UnitAuto)
}

// ReadSpikesIn is ReadSpikes with the file's unit given: UnitMS or UnitS
// override a header without a recognised unit and are an error when the
// header names the other one.
func ReadSpikesIn(path string, unit SpikeUnit) ([]float64, error) {
	if unit != UnitAuto && unit != UnitMS && unit != UnitS {
		return nil, fmt.Errorf("%w: spike time unit %q: want ms or s", ErrInput, unit)
	}
	f, err := openInput(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, head, err := readColumn(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	switch hu := headerUnit(head); {
	case unit == UnitAuto:
		unit = hu
	case hu != UnitAuto && hu != unit:
		return nil, fmt.Errorf("%w: %s: the header %q names %s, the unit given is %s", ErrFormat, path, head, hu, unit)
	}
	if unit == UnitS {
		for i := range s {
			s[i] *= 1000
		}
	}
	sortFloats(s)
	return s, nil
}

// WriteSpikes writes spike times (ms) one per line under the header "t_ms".
func WriteSpikes(w io.Writer, spikes []float64) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("t_ms\n"); err != nil {
		return err
	}
	for _, t := range spikes {
		if _, err := bw.WriteString(strconv.FormatFloat(t, 'f', 4, 64)); err != nil {
			return err
		}
		if err := bw.WriteByte('\n'); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteColumn writes one value per line with an optional header (none if
// header is empty).
func WriteColumn(w io.Writer, header string, x []float64) error {
	bw := bufio.NewWriter(w)
	if header != "" {
		if _, err := bw.WriteString(header + "\n"); err != nil {
			return err
		}
	}
	for _, v := range x {
		if _, err := bw.WriteString(strconv.FormatFloat(v, 'g', -1, 64)); err != nil {
			return err
		}
		if err := bw.WriteByte('\n'); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// openInput opens a recording file, refusing device files (a link to
// /dev/zero or /dev/random would be read until MaxSamples); pipes and
// regular files are accepted.
func openInput(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.Mode()&os.ModeDevice != 0 {
		f.Close()
		return nil, fmt.Errorf("%w: %s is a device, not a recording file", ErrFormat, path)
	}
	return f, nil
}

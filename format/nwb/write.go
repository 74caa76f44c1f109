// Package nwb writes simulated networks to Neurodata Without Borders 2
// files (HDF5) and reads intracellular current-clamp recordings from them.
//
// A written file follows the NWB 2 core schema (version 2.6.0) and the
// hdmf-common schema it builds on: the root carries nwb_version,
// neurodata_type "NWBFile", namespace and object_id; the required datasets
// identifier, session_description, session_start_time,
// timestamps_reference_time and file_create_date and the groups
// acquisition, analysis, processing, stimulus/presentation,
// stimulus/templates and general are present. Then:
//
//   - /units (Units, a DynamicTable) holds one row per cell of every
//     population: spike_times (VectorData, s) with spike_times_index
//     (VectorIndex, whose target attribute references spike_times), the
//     columns population (text) and cell (index within the population),
//     and id (ElementIdentifiers, 0…rows−1). A spike recorded for step k
//     is at (k+1)·dt ms, stored as that number of ms divided by 1000.
//   - sampled state variables are TimeSeries in /acquisition (membrane
//     potentials and other state) and injected currents TimeSeries in
//     /stimulus/presentation; data are stored as recorded (mV, pA) with
//     the conversion attribute to SI (volts 1e-3, amperes 1e-12) and
//     starting_time with its rate (or timestamps when sampling is
//     irregular).
//   - /general/experiment_description is the network's description,
//     /general/notes the run's provenance as JSON (program version, seed,
//     parameters), /general/source_script the program.
//
// Spike times are written in passes over the spikes that keep memory
// bounded (Units.MaxSpikesInMemory), so a stream file of 10⁸ spikes
// converts without loading it. The package links the HDF5 C library
// through format/internal/h5. Debian's HDF5 is built without thread
// safety: use one file at a time from one goroutine.
package nwb

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/neuron-sim/neuron/format/internal/h5"
)

// SchemaVersion is the NWB core schema version the files declare.
const SchemaVersion = "2.6.0"

// Session is the file-level metadata of an NWB file.
type Session struct {
	// Identifier is unique to the file; "" means a new random UUID.
	Identifier string
	// Description is the session_description (required, not empty).
	Description string
	// StartTime is the session start; the zero time means now. Simulation
	// time 0 is this instant (timestamps_reference_time).
	StartTime time.Time
	// Network describes the simulated network
	// (general/experiment_description), e.g. brain.Network.Summary().
	Network string
	// Provenance is stored as JSON in general/notes: the program version,
	// the seed, the parameters.
	Provenance map[string]any
	// Program names the program and version that wrote the file
	// (general/source_script).
	Program string
}

// Writer writes one NWB file. Call Close to finish it.
type Writer struct {
	f     *h5.File
	path  string
	units bool
	names map[string]bool
}

// uuid4 returns a random (version 4) UUID, the form NWB uses for
// object_id.
func uuid4() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// typed marks o as an instance of neurodata type t of namespace ns.
func typed(o h5.Obj, ns, t string) error {
	for _, kv := range [][2]string{{"namespace", ns}, {"neurodata_type", t}, {"object_id", uuid4()}} {
		if err := h5.AttrString(o, kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}

func isoTime(t time.Time) string { return t.Format("2006-01-02T15:04:05.000Z07:00") }

// Create creates the file at path with the session's metadata and the
// groups every NWB file has.
func Create(path string, s Session) (w *Writer, err error) {
	if s.Description == "" {
		return nil, errors.New("format/nwb: Session.Description is empty (session_description is required)")
	}
	if s.Identifier == "" {
		s.Identifier = uuid4()
	}
	now := time.Now()
	if s.StartTime.IsZero() {
		s.StartTime = now
	}
	f, err := h5.Create(path)
	if err != nil {
		return nil, fmt.Errorf("format/nwb: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			err = fmt.Errorf("format/nwb: %s: %w", path, err)
		}
	}()
	root := f.Root()
	if err := typed(root, "core", "NWBFile"); err != nil {
		return nil, err
	}
	if err := h5.AttrString(root, "nwb_version", SchemaVersion); err != nil {
		return nil, err
	}
	texts := []struct{ name, v string }{
		{"identifier", s.Identifier},
		{"session_description", s.Description},
		{"session_start_time", isoTime(s.StartTime)},
		{"timestamps_reference_time", isoTime(s.StartTime)},
	}
	for _, t := range texts {
		d, err := root.String(t.name, t.v)
		if err != nil {
			return nil, err
		}
		d.Close()
	}
	d, err := root.Strings("file_create_date", []string{isoTime(now)})
	if err != nil {
		return nil, err
	}
	d.Close()
	for _, name := range []string{"acquisition", "analysis", "processing", "stimulus", "stimulus/presentation", "stimulus/templates", "general"} {
		g, err := root.Create(name)
		if err != nil {
			return nil, err
		}
		g.Close()
	}
	gen, err := root.Open("general")
	if err != nil {
		return nil, err
	}
	defer gen.Close()
	if s.Network != "" {
		if d, err = gen.String("experiment_description", s.Network); err != nil {
			return nil, err
		}
		d.Close()
	}
	if s.Provenance != nil {
		j, err := json.MarshalIndent(s.Provenance, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("Provenance: %w", err)
		}
		if d, err = gen.String("notes", string(j)); err != nil {
			return nil, err
		}
		d.Close()
	}
	if s.Program != "" {
		if d, err = gen.String("source_script", s.Program); err != nil {
			return nil, err
		}
		err = h5.AttrString(d, "file_name", s.Program)
		d.Close()
		if err != nil {
			return nil, err
		}
	}
	return &Writer{f: f, path: path, names: map[string]bool{}}, nil
}

// Close finishes the file.
func (w *Writer) Close() error {
	if err := w.f.Close(); err != nil {
		return fmt.Errorf("format/nwb: %w", err)
	}
	return nil
}

// Where a TimeSeries goes.
type Where int

const (
	// Acquisition is /acquisition: recorded state (membrane potential, …).
	Acquisition Where = iota
	// Stimulus is /stimulus/presentation: injected currents.
	Stimulus
)

// TimeSeries is a sampled signal of one or more channels (cells).
type TimeSeries struct {
	// Name is the series' name in its group (unique in the file).
	Name string
	// Description and Comments are free text.
	Description, Comments string
	// Where puts it in /acquisition or /stimulus/presentation.
	Where Where
	// Unit is the SI unit after Conversion ("volts", "amperes").
	Unit string
	// Conversion multiplies Data into Unit (1e-3 for mV, 1e-12 for pA).
	Conversion float64
	// Data holds Samples × Channels values, time-major: sample t of
	// channel c is Data[t·Channels + c].
	Data     []float64
	Channels int
	// Either StartS and RateHz (regular sampling: sample t at StartS +
	// t/RateHz s) or TimesS (one time per sample, s).
	StartS, RateHz float64
	TimesS         []float64
	// ChannelNames optionally names the channels (appended to the
	// comments: the schema has no field for them).
	ChannelNames []string
}

func (ts TimeSeries) validate() error {
	switch {
	case ts.Name == "":
		return errors.New("TimeSeries.Name is empty")
	case ts.Channels < 1:
		return fmt.Errorf("TimeSeries %q: Channels = %d: must be ≥ 1", ts.Name, ts.Channels)
	case len(ts.Data) == 0 || len(ts.Data)%ts.Channels != 0:
		return fmt.Errorf("TimeSeries %q: %d values is not a whole number of samples of %d channels", ts.Name, len(ts.Data), ts.Channels)
	case ts.Unit == "":
		return fmt.Errorf("TimeSeries %q: Unit is empty", ts.Name)
	case !(ts.Conversion > 0) || math.IsInf(ts.Conversion, 0):
		return fmt.Errorf("TimeSeries %q: Conversion = %v: must be > 0", ts.Name, ts.Conversion)
	case ts.TimesS == nil && (!(ts.RateHz > 0) || math.IsInf(ts.RateHz, 0)):
		return fmt.Errorf("TimeSeries %q: RateHz = %v with no TimesS", ts.Name, ts.RateHz)
	case ts.TimesS != nil && len(ts.TimesS) != len(ts.Data)/ts.Channels:
		return fmt.Errorf("TimeSeries %q: %d times for %d samples", ts.Name, len(ts.TimesS), len(ts.Data)/ts.Channels)
	case ts.ChannelNames != nil && len(ts.ChannelNames) != ts.Channels:
		return fmt.Errorf("TimeSeries %q: %d channel names for %d channels", ts.Name, len(ts.ChannelNames), ts.Channels)
	}
	return nil
}

// AddTimeSeries writes ts as a TimeSeries. The data keep their bits.
func (w *Writer) AddTimeSeries(ts TimeSeries) (err error) {
	if err := ts.validate(); err != nil {
		return fmt.Errorf("format/nwb: %w", err)
	}
	if w.names[ts.Name] {
		return fmt.Errorf("format/nwb: TimeSeries %q written twice", ts.Name)
	}
	defer func() {
		if err != nil {
			err = fmt.Errorf("format/nwb: TimeSeries %q: %w", ts.Name, err)
		}
	}()
	parent := "acquisition"
	if ts.Where == Stimulus {
		parent = "stimulus/presentation"
	}
	p, err := w.f.Root().Open(parent)
	if err != nil {
		return err
	}
	defer p.Close()
	g, err := p.Create(ts.Name)
	if err != nil {
		return err
	}
	defer g.Close()
	if err := typed(g, "core", "TimeSeries"); err != nil {
		return err
	}
	if ts.Description != "" {
		if err := h5.AttrString(g, "description", ts.Description); err != nil {
			return err
		}
	}
	comments := ts.Comments
	if ts.ChannelNames != nil {
		// The schema has no per-channel names for a TimeSeries: they go
		// into comments.
		comments = strings.TrimSpace(comments + "\nchannels: " + strings.Join(ts.ChannelNames, ", "))
	}
	if comments != "" {
		if err := h5.AttrString(g, "comments", comments); err != nil {
			return err
		}
	}
	n := len(ts.Data) / ts.Channels
	dims := []int{n}
	if ts.Channels > 1 {
		dims = append(dims, ts.Channels)
	}
	d, err := g.Float64s("data", ts.Data, dims...)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := h5.AttrString(d, "unit", ts.Unit); err != nil {
		return err
	}
	if err := h5.AttrFloat32(d, "conversion", float32(ts.Conversion)); err != nil {
		return err
	}
	if err := h5.AttrFloat32(d, "offset", 0); err != nil {
		return err
	}
	if err := h5.AttrFloat32(d, "resolution", -1); err != nil {
		return err
	}
	if err := h5.AttrString(d, "continuity", "continuous"); err != nil {
		return err
	}
	if ts.TimesS != nil {
		t, err := g.Float64s("timestamps", ts.TimesS)
		if err != nil {
			return err
		}
		defer t.Close()
		if err := h5.AttrInt32(t, "interval", 1); err != nil {
			return err
		}
		if err := h5.AttrString(t, "unit", "seconds"); err != nil {
			return err
		}
	} else {
		t, err := g.Float64("starting_time", ts.StartS)
		if err != nil {
			return err
		}
		defer t.Close()
		if err := h5.AttrFloat32(t, "rate", float32(ts.RateHz)); err != nil {
			return err
		}
		if err := h5.AttrString(t, "unit", "seconds"); err != nil {
			return err
		}
	}
	w.names[ts.Name] = true
	return nil
}

package microcircuit

import (
	"encoding/json"
	"fmt"
	"os"
)

// Measurement is one run of the circuit as `neuron bench microcircuit`
// measures it (one core count, in its own process).
type Measurement struct {
	NScale       float64      `json:"n_scale"`
	KScale       float64      `json:"k_scale"`
	Background   string       `json:"background"`
	Seed         uint64       `json:"seed"`
	Cores        int          `json:"cores"`   // GOMAXPROCS
	Workers      int          `json:"workers"` // goroutines of the step loop
	TransientMS  float64      `json:"transient_ms"`
	DurationMS   float64      `json:"duration_ms"` // span of the rates, after the transient
	Cells        int          `json:"cells"`
	Synapses     int64        `json:"synapses"`     // recurrent
	AllSynapses  int64        `json:"all_synapses"` // of every projection (runs before the PoissonInput background: with its one-to-one synapses)
	ConnBytes    int64        `json:"conn_bytes"`   // Projection.Bytes summed
	RatesHz      []float64    `json:"rates_hz"`     // in the order of Populations
	Populations  []string     `json:"populations"`
	Spikes       int64        `json:"spikes"` // over the whole run
	Events       int64        `json:"events"` // synaptic events over the whole run
	BuildS       float64      `json:"build_s"`
	BuildCPUS    float64      `json:"build_cpu_s"`
	RunS         float64      `json:"run_s"`
	RunCPUS      float64      `json:"run_cpu_s"`
	CoreSPerSimS float64      `json:"core_s_per_sim_s"` // RunCPUS per simulated second (transient included)
	WallPerSimS  float64      `json:"wall_s_per_sim_s"`
	PeakRSSKB    int64        `json:"peak_rss_kb"` // VmHWM of the process
	HeapBytes    uint64       `json:"heap_bytes"`  // live heap after the run
	LoadBefore   string       `json:"loadavg_before"`
	LoadAfter    string       `json:"loadavg_after"`
	RangesHz     [][2]float64 `json:"reference_ranges_hz"`
}

// Report is what `neuron bench microcircuit --json` writes: the
// measurements with the machine and NEST's reference figure.
type Report struct {
	Model     string         `json:"model"`
	Command   string         `json:"command"`
	Date      string         `json:"date"`
	GoVersion string         `json:"go_version"`
	NumCPU    int            `json:"num_cpu"`
	Nice      int            `json:"nice"`
	NEST      map[string]any `json:"nest_reference"`
	Runs      []*Measurement `json:"runs"`
}

// ReadReport reads a Report from a JSON file.
func ReadReport(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("microcircuit: %w", err)
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("microcircuit: %s: %w", path, err)
	}
	if len(r.Runs) == 0 {
		return nil, fmt.Errorf("microcircuit: %s: no runs", path)
	}
	return &r, nil
}

// Full reports whether m is the full-scale model with Poisson background,
// the one RateRange and NEST's figure describe.
func (m *Measurement) Full() bool {
	return m.NScale == 1 && m.KScale == 1 && m.Background == Poisson.String()
}

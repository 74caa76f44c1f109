package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/neuron-sim/neuron/brain/analysis"
	"github.com/neuron-sim/neuron/brain/explore"
	"github.com/neuron-sim/neuron/brain/models"
	"github.com/neuron-sim/neuron/nbhelpers/explorer"
)

// The terminal quick looks: one cell under a current step, one Brunel network. Both run the
// explorers' simulation (brain/explore), print a summary and write a one-page offline HTML
// report with the chart (nbhelpers' embedded ECharts; no network needed to view it).

func init() {
	register(command{name: "cell", summary: "one cell under a current step: summary and an offline HTML report", run: runCell})
	register(command{name: "network", summary: "Brunel's E–I network at (g, η): summary and an offline HTML report", run: runNetwork})
}

const cellSynopsis = `--type purkinje --current 300 [--distal 0] [--adaptation 1] [--duration 500] [--out cell.html]

Simulates one cell of a preset type (` + "pyramidal, interneuron, sensory, purkinje, granule, motor, generic" + `)
from rest, with a current step (pA) at the soma (--current) and in the dendrite (--distal)
from --onset to the end. Prints the spike count, rate and spike times and writes a one-page
HTML report (--out=- writes none). --json prints the full result as JSON instead.`

func runCell(args []string, stdout, stderr io.Writer) error {
	d := explore.DefaultCell("pyramidal")
	fs := newFlagSet("cell", cellSynopsis, stderr)
	fs.StringVar(&d.Type, "type", d.Type, "cell type (preset)")
	fs.Float64Var(&d.CurrentPA, "current", d.CurrentPA, "step current at the soma (pA)")
	fs.Float64Var(&d.DistalPA, "distal", d.DistalPA, "step current in the dendrite (pA)")
	fs.Float64Var(&d.Adaptation, "adaptation", d.Adaptation, "scale of the preset's adaptation a and b (0 to 5)")
	fs.Float64Var(&d.DurationMS, "duration", d.DurationMS, "simulated time (ms)")
	fs.Float64Var(&d.OnsetMS, "onset", d.OnsetMS, "start of the current step (ms)")
	out := fs.String("out", "", `HTML report to write (default "cell-<type>.html"; --out=- for none)`)
	asJSON := fs.Bool("json", false, "print the result as JSON and write no report")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	r, err := explore.RunCell(d)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(r)
	}
	fmt.Fprintln(stdout, r.Summary())
	if q, err := explore.Preset(d.Type); err == nil && q.IBias != 0 {
		// Rheobase counts the total somatic current; the preset's bias is part of it.
		fmt.Fprintf(stdout, "rheobase %.1f pA of total current (brain.Params.Rheobase); the preset's own bias supplies %g pA", r.RheobasePA, q.IBias)
		if q.IBias >= r.RheobasePA {
			fmt.Fprint(stdout, ", so the cell fires with no input")
		}
		fmt.Fprintln(stdout)
	} else {
		fmt.Fprintf(stdout, "rheobase %.1f pA (brain.Params.Rheobase)\n", r.RheobasePA)
	}
	if r.Spikes > 1 {
		isi := analysis.ISIs(nil, r.SpikeTimesMS)
		fmt.Fprintf(stdout, "first spike %.2f ms, mean ISI %.2f ms, ISI CV %.2f\n", r.SpikeTimesMS[0], mean(isi), analysis.CV(r.SpikeTimesMS))
	}
	fmt.Fprintf(stdout, "spike times (ms): %s\n", firstTimes(r.SpikeTimesMS, 12))
	path := *out
	if path == "" {
		path = "cell-" + strings.ToLower(d.Type) + ".html"
	}
	frag, err := explorer.CellReport("cell", d)
	if err != nil {
		return err
	}
	return writeReport(stdout, path, "neuron cell --type "+d.Type, frag)
}

const networkSynopsis = `[--state AI | --g 5 --eta 2] [--ne 1000] [--duration 400] [--seed 1] [--out network.html]

Simulates Brunel's (2000) sparse network of NE excitatory and NE/4 inhibitory LIF cells at
relative inhibition g and external drive η (or at one of Brunel's example states SR, AI,
SIfast, SIslow), with CE·J = 100 mV as in Brunel's network. Prints spike counts, rate, CV and
synchrony and writes a one-page HTML report (raster and population rate; --out=- for none).
--json prints the full result as JSON instead.`

func runNetwork(args []string, stdout, stderr io.Writer) error {
	d := explore.DefaultNet()
	fs := newFlagSet("network", networkSynopsis, stderr)
	state := fs.String("state", "", "Brunel example state: SR, AI, SIfast or SIslow (sets g and η)")
	fs.Float64Var(&d.G, "g", d.G, "relative strength of inhibition g")
	fs.Float64Var(&d.Eta, "eta", d.Eta, "external drive η = ν_ext/ν_thr")
	fs.IntVar(&d.NE, "ne", d.NE, "excitatory cells (NI = NE/4)")
	fs.Float64Var(&d.DurationMS, "duration", d.DurationMS, "simulated time (ms)")
	fs.Uint64Var(&d.Seed, "seed", d.Seed, "random seed")
	out := fs.String("out", "", `HTML report to write (default "network.html"; --out=- for none)`)
	asJSON := fs.Bool("json", false, "print the result as JSON and write no report")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *state != "" {
		ge, err := brunelState(*state, d.NE)
		if err != nil {
			return err
		}
		d.G, d.Eta = ge[0], ge[1]
	}
	r, err := explore.RunNet(d)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(r)
	}
	fmt.Fprintln(stdout, r.Summary())
	path := *out
	if path == "" {
		path = "network.html"
	}
	frag, err := explorer.NetworkReport("network", d)
	if err != nil {
		return err
	}
	return writeReport(stdout, path, fmt.Sprintf("neuron network --g %g --eta %g", d.G, d.Eta), frag)
}

func writeReport(stdout io.Writer, path, title, frag string) error {
	if path == "-" {
		return nil
	}
	page := explorer.PageHTML(title, nil, frag)
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "report: %s (%.2f MB, opens offline)\n", path, float64(len(page))/1e6)
	return nil
}

func brunelState(name string, ne int) ([2]float64, error) {
	bp, err := models.BrunelPoint(name, ne)
	if err != nil {
		return [2]float64{}, err
	}
	return [2]float64{bp.G, bp.Eta}, nil
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// firstTimes formats up to n spike times, and how many more there are.
func firstTimes(t []float64, n int) string {
	if len(t) == 0 {
		return "none"
	}
	parts := make([]string, 0, n+1)
	for _, v := range t[:min(n, len(t))] {
		parts = append(parts, fmt.Sprintf("%.2f", v))
	}
	if len(t) > n {
		parts = append(parts, fmt.Sprintf("… (%d more)", len(t)-n))
	}
	return strings.Join(parts, " ")
}

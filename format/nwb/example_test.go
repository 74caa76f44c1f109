package nwb_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/neuron-sim/neuron/brain/models"
	"github.com/neuron-sim/neuron/format/nwb"
)

// Example writes the spikes and one membrane potential of a CUBA run to
// an NWB 2 file and reads the units table back.
func Example() {
	dir, _ := os.MkdirTemp("", "nwb")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "cuba.nwb")

	net, _ := models.CUBA(1000, 1)
	exc, inh := net.Population("exc"), net.Population("inh")
	re, _ := net.RecordSpikes(exc)
	ri, _ := net.RecordSpikes(inh)
	v, _ := net.RecordState(exc, []int{0}, []string{"V"}, 1)
	if err := net.Run(context.Background(), 200, nil); err != nil {
		fmt.Println(err)
		return
	}

	w, err := nwb.Create(path, nwb.Session{
		Description: "CUBA, 1000 cells, 200 ms",
		StartTime:   time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Network:     net.Summary(),
		Provenance:  map[string]any{"seed": 1},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ts, _ := nwb.FromStateRecorder("exc", v, "V")
	err = w.AddUnits([]nwb.Population{nwb.FromRecorder("exc", re), nwb.FromRecorder("inh", ri)}, nwb.Units{})
	if err == nil {
		err = w.AddTimeSeries(ts)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		fmt.Println(err)
		return
	}

	u, _ := nwb.ReadUnits(path)
	fmt.Printf("%d units, %d spikes; unit 0 (%s cell %d) first spike at %.4f s\n",
		len(u.Index), len(u.SpikeTimesS), u.Population[0], u.Cell[0], u.Times(0)[0])
	fmt.Printf("V: %s, %g Hz, %d samples\n", ts.Unit, ts.RateHz, len(ts.Data))
	// Output:
	// 1000 units, 1132 spikes; unit 0 (exc cell 0) first spike at 0.1397 s
	// V: volts, 10000 Hz, 2000 samples
}

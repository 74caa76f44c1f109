//go:build cgo && !nohdf5

package main

// The HDF5 formats (NWB, SONATA) link the HDF5 C library through cgo.
// They are in the default build whenever cgo is on (docker/install.sh
// installs libhdf5-dev); build with -tags nohdf5, or CGO_ENABLED=0, for a
// pure-Go binary where --nwb and --sonata report that they are missing.

import (
	"fmt"
	"time"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/fit"
	"github.com/neuron-sim/neuron/brain/stream"
	"github.com/neuron-sim/neuron/format/nwb"
	"github.com/neuron-sim/neuron/format/sonata"
)

// convertRecording writes the spike streams (and state streams) of the
// stream file at path as NWB and/or SONATA files; net, if not nil, is
// described in the NWB file.
func convertRecording(path, nwbPath, sonataPath string, net *brain.Network, meta map[string]any) error {
	f, err := stream.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var pops []nwb.Population
	for _, info := range f.Streams() {
		if info.Kind != stream.KindSpikes {
			continue
		}
		sp, err := f.Spikes(info.Name)
		if err != nil {
			return err
		}
		pops = append(pops, nwb.FromStream(sp))
	}
	if nwbPath != "" {
		s := nwb.Session{
			Description: fmt.Sprintf("neuron: %v %v cells, %v ms", meta["model"], meta["n"], meta["duration_ms"]),
			StartTime:   time.Now(), Provenance: meta, Program: "neuron " + moduleVersion(),
		}
		if net != nil {
			s.Network = net.Summary()
		}
		w, err := nwb.Create(nwbPath, s)
		if err != nil {
			return err
		}
		if err := w.AddUnits(pops, nwb.Units{}); err != nil {
			w.Close()
			return err
		}
		for _, info := range f.Streams() {
			if info.Kind != stream.KindState {
				continue
			}
			st, err := f.State(info.Name)
			if err != nil {
				w.Close()
				return err
			}
			for _, v := range info.Variables {
				ts, err := nwb.FromState(st, v)
				if err == nil {
					err = w.AddTimeSeries(ts)
				}
				if err != nil {
					w.Close()
					return err
				}
			}
		}
		if err := w.Close(); err != nil {
			return err
		}
	}
	if sonataPath != "" {
		w, err := sonata.CreateSpikes(sonataPath)
		if err != nil {
			return err
		}
		for _, p := range pops {
			if err := w.AddPopulation(p); err != nil {
				w.Close()
				return err
			}
		}
		return w.Close()
	}
	return nil
}

// loadNWBSweep reads a current-clamp sweep of an NWB file as a fit
// recording, spikes detected at thresholdMV.
func loadNWBSweep(path, sweep string, thresholdMV float64) (fit.Recording, error) {
	s, err := nwb.ReadSweep(path, sweep)
	if err != nil {
		return fit.Recording{}, err
	}
	return s.Recording(thresholdMV)
}

// writeSONATANetwork writes the network's SONATA node and edge files.
func writeSONATANetwork(dir string, net *brain.Network) error { return sonata.WriteNetwork(dir, net) }

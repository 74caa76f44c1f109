//go:build !cgo || nohdf5

package main

import (
	"errors"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/fit"
)

var errNoHDF5 = errors.New("this neuron was built without HDF5 (CGO_ENABLED=0 or -tags nohdf5): NWB and SONATA need a cgo build with libhdf5-dev")

func convertRecording(path, nwbPath, sonataPath string, net *brain.Network, meta map[string]any) error {
	return errNoHDF5
}

func loadNWBSweep(path, sweep string, thresholdMV float64) (fit.Recording, error) {
	return fit.Recording{}, errNoHDF5
}

func writeSONATANetwork(dir string, net *brain.Network) error { return errNoHDF5 }

package main

import (
	"errors"

	"github.com/neuron-sim/neuron/brain"
)

func convertRecording(path, nwbPath, sonataPath string, net *brain.Network, meta map[string]any) error {
	return errors.New("not yet")
}

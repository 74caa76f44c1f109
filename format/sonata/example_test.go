package sonata_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/neuron-sim/neuron/brain/models"
	"github.com/neuron-sim/neuron/format/sonata"
)

// Example writes the spikes of a CUBA run as a SONATA spike file and the
// network as SONATA node and edge files.
func Example() {
	dir, _ := os.MkdirTemp("", "sonata")
	defer os.RemoveAll(dir)

	net, _ := models.CUBA(1000, 1)
	exc := net.Population("exc")
	rec, _ := net.RecordSpikes(exc)
	if err := net.Run(context.Background(), 200, nil); err != nil {
		fmt.Println(err)
		return
	}
	w, err := sonata.CreateSpikes(filepath.Join(dir, "spikes.h5"))
	if err == nil {
		err = w.AddPopulation(sonata.FromRecorder("exc", rec))
	}
	if err == nil {
		err = w.Close()
	}
	if err == nil {
		err = sonata.WriteNetwork(filepath.Join(dir, "network"), net)
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	s, _ := sonata.ReadSpikes(filepath.Join(dir, "spikes.h5"), "exc")
	nodes, _ := sonata.ReadNodes(filepath.Join(dir, "network", sonata.NodesFile))
	e, _ := sonata.ReadEdges(filepath.Join(dir, "network", sonata.EdgesFile), "exc__inh")
	fmt.Printf("%d spikes, first: node %d at %.1f ms\n", len(s.TimestampsMS), s.NodeIDs[0], s.TimestampsMS[0])
	fmt.Printf("nodes: exc %d, inh %d; exc→inh: %d edges, delay %.1f ms\n", nodes["exc"], nodes["inh"], len(e.Source), e.DelayMS[0])
	// Output:
	// 904 spikes, first: node 460 at 0.5 ms
	// nodes: exc 800, inh 200; exc→inh: 12835 edges, delay 0.1 ms
}

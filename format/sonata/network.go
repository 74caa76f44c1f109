package sonata

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/format/internal/h5"
)

// NetworkFiles are the files WriteNetwork writes into a directory.
const (
	NodesFile     = "nodes.h5"
	NodeTypesFile = "node_types.csv"
	EdgesFile     = "edges.h5"
	EdgeTypesFile = "edge_types.csv"
)

// WriteNetwork writes the SONATA node and edge files of a network (built
// here if it is not yet) into dir:
//
//   - nodes.h5: one node population per population (model_type
//     "point_neuron") and per spike source ("virtual"), each with
//     node_type_id, node_group_id (0), node_group_index (the cell's index)
//     and the group "0" (per-cell bias_pA and theta0_mV for populations);
//   - node_types.csv: one node type per population, space separated (the
//     SONATA convention): node_type_id, pop_name, model_type, model_template
//     ("brain:" and the parameter set's name), ei;
//   - edges.h5: one edge population per projection, named "pre__post"
//     (made unique), with source_node_id and target_node_id (attribute
//     node_population), edge_type_id, edge_group_id (0), edge_group_index,
//     and the group "0" with syn_weight (the weight magnitude, pA or nS) and
//     delay (ms);
//   - edge_types.csv: one edge type per projection: edge_type_id,
//     population, receptor, plastic.
func WriteNetwork(dir string, net *brain.Network) (err error) {
	if net == nil {
		return errors.New("format/sonata: WriteNetwork: nil network")
	}
	if err := net.Build(); err != nil && !errors.Is(err, brain.ErrBuilt) {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("format/sonata: %w", err)
	}
	defer func() {
		if err != nil {
			err = fmt.Errorf("format/sonata: WriteNetwork: %w", err)
		}
	}()
	if err := writeNodes(dir, net); err != nil {
		return err
	}
	return writeEdges(dir, net)
}

func writeCSV(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Comma = ' '
	if err := w.WriteAll(rows); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// createGroup creates the HDF5 file path with one top-level group, hands
// the group to fill, and closes both, reporting a failed close (the
// library writes on close) unless fill failed first.
func createGroup(path, group string, fill func(g *h5.Group) error) (err error) {
	f, err := h5.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if e := f.Close(); err == nil {
			err = e
		}
	}()
	g, err := f.Root().Create(group)
	if err != nil {
		return err
	}
	defer func() {
		if e := g.Close(); err == nil {
			err = e
		}
	}()
	return fill(g)
}

func writeNodes(dir string, net *brain.Network) error {
	return createGroup(filepath.Join(dir, NodesFile), "nodes", func(nodes *h5.Group) error {
		return fillNodes(dir, nodes, net)
	})
}

func fillNodes(dir string, nodes *h5.Group, net *brain.Network) error {
	types := [][]string{{"node_type_id", "pop_name", "model_type", "model_template", "ei"}}
	id := 100
	add := func(name string, n int, group map[string][]float64) error {
		g, err := nodes.Create(name)
		if err != nil {
			return err
		}
		defer g.Close()
		tid := make([]int64, n)
		gid := make([]int64, n)
		gix := make([]int64, n)
		for i := range n {
			tid[i], gix[i] = int64(id), int64(i)
		}
		for _, c := range []struct {
			name string
			v    []int64
		}{{"node_type_id", tid}, {"node_group_id", gid}, {"node_group_index", gix}} {
			d, err := g.Int64s(c.name, c.v)
			if err != nil {
				return err
			}
			d.Close()
		}
		g0, err := g.Create("0")
		if err != nil {
			return err
		}
		defer g0.Close()
		for k, v := range group {
			d, err := g0.Float64s(k, v)
			if err != nil {
				return err
			}
			d.Close()
		}
		return nil
	}
	for _, p := range net.Populations() {
		ei := "e"
		if p.P.Inhibitory {
			ei = "i"
		}
		if err := add(p.Name, p.N, map[string][]float64{"bias_pA": p.IBias, "theta0_mV": p.Theta0}); err != nil {
			return err
		}
		types = append(types, []string{strconv.Itoa(id), p.Name, "point_neuron", "brain:" + p.P.Name, ei})
		id++
	}
	for _, s := range net.Sources() {
		ei := "e"
		if s.IsInhibitory() {
			ei = "i"
		}
		if err := add(s.SourceName(), s.Len(), nil); err != nil {
			return err
		}
		types = append(types, []string{strconv.Itoa(id), s.SourceName(), "virtual", "NONE", ei})
		id++
	}
	return writeCSV(filepath.Join(dir, NodeTypesFile), types)
}

func writeEdges(dir string, net *brain.Network) error {
	return createGroup(filepath.Join(dir, EdgesFile), "edges", func(edges *h5.Group) error {
		return fillEdges(dir, edges, net)
	})
}

func fillEdges(dir string, edges *h5.Group, net *brain.Network) error {
	dt := net.DT
	if dt == 0 {
		dt = brain.DefaultDT
	}
	types := [][]string{{"edge_type_id", "population", "receptor", "plastic"}}
	used := map[string]bool{}
	for k, p := range net.Projections() {
		pre := ""
		if p.Pre() != nil {
			pre = p.Pre().Name
		} else {
			pre = p.PreSource().SourceName()
		}
		name := pre + "__" + p.Post().Name
		for n := 2; used[name]; n++ {
			name = fmt.Sprintf("%s__%s_%d", pre, p.Post().Name, n)
		}
		used[name] = true
		ns := p.NumSynapses()
		src := make([]uint64, ns)
		dst := make([]uint64, ns)
		delay := make([]float64, ns)
		for s := range ns {
			a, b, d := p.Synapse(s)
			src[s], dst[s], delay[s] = uint64(a), uint64(b), float64(d)*dt
		}
		tid := int64(1000 + k)
		if err := writeEdgePop(edges, name, pre, p.Post().Name, tid, src, dst, p.Weights(nil), delay); err != nil {
			return err
		}
		recep := "excitatory"
		if p.Receptor() == brain.Inhibitory {
			recep = "inhibitory"
		}
		types = append(types, []string{strconv.FormatInt(tid, 10), name, recep, strconv.FormatBool(p.Plastic())})
	}
	return writeCSV(filepath.Join(dir, EdgeTypesFile), types)
}

func writeEdgePop(edges *h5.Group, name, pre, post string, tid int64, src, dst []uint64, w, delay []float64) error {
	g, err := edges.Create(name)
	if err != nil {
		return err
	}
	defer g.Close()
	for _, c := range []struct {
		name, pop string
		v         []uint64
	}{{"source_node_id", pre, src}, {"target_node_id", post, dst}} {
		d, err := g.Uint64s(c.name, c.v)
		if err != nil {
			return err
		}
		err = h5.AttrString(d, "node_population", c.pop)
		d.Close()
		if err != nil {
			return err
		}
	}
	n := len(src)
	tids := make([]int64, n)
	gix := make([]int64, n)
	for i := range n {
		tids[i], gix[i] = tid, int64(i)
	}
	for _, c := range []struct {
		name string
		v    []int64
	}{{"edge_type_id", tids}, {"edge_group_id", make([]int64, n)}, {"edge_group_index", gix}} {
		d, err := g.Int64s(c.name, c.v)
		if err != nil {
			return err
		}
		d.Close()
	}
	g0, err := g.Create("0")
	if err != nil {
		return err
	}
	defer g0.Close()
	for _, c := range []struct {
		name string
		v    []float64
	}{{"syn_weight", w}, {"delay", delay}} {
		d, err := g0.Float64s(c.name, c.v)
		if err != nil {
			return err
		}
		d.Close()
	}
	return nil
}

// ReadNodes returns the node populations of a nodes file and their sizes.
func ReadNodes(path string) (map[string]int, error) {
	f, err := h5.Open(path)
	if err != nil {
		return nil, fmt.Errorf("format/sonata: %w", err)
	}
	defer f.Close()
	g, err := f.Root().Open("nodes")
	if err != nil {
		return nil, fmt.Errorf("format/sonata: %w", err)
	}
	defer g.Close()
	names, _, err := g.Members()
	if err != nil {
		return nil, fmt.Errorf("format/sonata: %w", err)
	}
	out := map[string]int{}
	for _, n := range names {
		dims, _, _, err := g.Shape(n + "/node_type_id")
		if err != nil || len(dims) != 1 {
			return nil, fmt.Errorf("format/sonata: %s: population %q: no node_type_id (%v)", path, n, err)
		}
		out[n] = dims[0]
	}
	return out, nil
}

// Edges are the edges of one edge population.
type Edges struct {
	// SourcePopulation and TargetPopulation are the node populations.
	SourcePopulation, TargetPopulation string
	Source, Target                     []uint64
	// Weight is syn_weight, DelayMS delay, of group 0.
	Weight, DelayMS []float64
}

// ReadEdges reads edge population name of an edges file (group 0 only).
func ReadEdges(path, name string) (Edges, error) {
	f, err := h5.Open(path)
	if err != nil {
		return Edges{}, fmt.Errorf("format/sonata: %w", err)
	}
	defer f.Close()
	g, err := f.Root().Open("edges/" + name)
	if err != nil {
		return Edges{}, fmt.Errorf("format/sonata: %w", err)
	}
	defer g.Close()
	var e Edges
	for _, c := range []struct {
		name string
		ids  *[]uint64
		pop  *string
	}{{"source_node_id", &e.Source, &e.SourcePopulation}, {"target_node_id", &e.Target, &e.TargetPopulation}} {
		v, _, err := g.ReadInt64s(c.name)
		if err != nil {
			return e, fmt.Errorf("format/sonata: %w", err)
		}
		*c.ids = make([]uint64, len(v))
		for i, x := range v {
			(*c.ids)[i] = uint64(x)
		}
		d, err := g.Dataset(c.name)
		if err != nil {
			return e, fmt.Errorf("format/sonata: %w", err)
		}
		*c.pop, err = h5.ReadAttrString(d, "node_population")
		d.Close()
		if err != nil {
			return e, fmt.Errorf("format/sonata: %w", err)
		}
	}
	if e.Weight, _, err = g.ReadFloat64s("0/syn_weight"); err != nil {
		return e, fmt.Errorf("format/sonata: %w", err)
	}
	if e.DelayMS, _, err = g.ReadFloat64s("0/delay"); err != nil {
		return e, fmt.Errorf("format/sonata: %w", err)
	}
	if len(e.Target) != len(e.Source) || len(e.Weight) != len(e.Source) || len(e.DelayMS) != len(e.Source) {
		return e, fmt.Errorf("format/sonata: %s: edges %q: columns of different lengths", path, name)
	}
	return e, nil
}

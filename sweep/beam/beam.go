// Package sweepbeam runs sweeps of package sweep on Apache Beam (Go SDK
// v2.77.0): on the in-process Prism runner by default, or on a Flink, Spark,
// Dataflow or any portable ("universal") Beam cluster. It lives in its own Go
// module, github.com/neuron-sim/neuron/sweep/beam, so that the main module
// and its notebooks never download or compile Beam.
//
// The pipeline is: the indices of the points still to run (those missing
// from the journal) → Reshuffle (so a runner can spread them over workers)
// → a DoFn that evaluates each point with the function registered under the
// spec's name and appends the row to the journal. When the pipeline ends the
// driver merges the journal into the table, which is the same, byte for
// byte, as the table of sweep.Run. A killed pipeline is resumed by running it
// again on the same journal; points that a runner retried appear twice in
// the journal with the same outcome and are merged once.
//
// On a cluster the journal path must be on a file system that the driver and
// every worker share (NFS, Lustre, ...), and the worker binary must register
// the same functions (import sweep/funcs).
package sweepbeam

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/neuron-sim/neuron/sweep"
)

func init() {
	register.DoFn2x1[context.Context, int, error](&evalFn{})
	beam.RegisterType(reflect.TypeOf((*evalFn)(nil)).Elem())
}

// evalFn evaluates points by index and appends their rows to the journal.
type evalFn struct {
	Spec    string // JSON of the sweep.Spec
	Journal string // path of the journal

	pts []sweep.Point
	f   sweep.Func
	j   *sweep.Journal
}

func (e *evalFn) Setup() error {
	var spec sweep.Spec
	if err := json.Unmarshal([]byte(e.Spec), &spec); err != nil {
		return fmt.Errorf("sweepbeam: spec: %w", err)
	}
	f, err := sweep.Lookup(spec.Func)
	if err != nil {
		return fmt.Errorf("sweepbeam: %w (does the worker import sweep/funcs?)", err)
	}
	if e.pts, err = spec.Points(); err != nil {
		return err
	}
	e.f = f
	e.j, err = sweep.AppendJournal(e.Journal, spec, f.Results)
	return err
}

func (e *evalFn) ProcessElement(ctx context.Context, index int) error {
	if index < 0 || index >= len(e.pts) {
		return fmt.Errorf("sweepbeam: point index %d out of range [0, %d)", index, len(e.pts))
	}
	if r, final := sweep.Eval(ctx, e.f, e.pts[index]); final {
		return e.j.Append(r)
	}
	return ctx.Err()
}

func (e *evalFn) Teardown() error {
	if e.j != nil {
		return e.j.Close()
	}
	return nil
}

// Pipeline builds the pipeline that evaluates the points with the given
// indices of spec and appends their rows to the journal at path, which must
// already hold the journal header (sweep.OpenJournal writes it).
func Pipeline(spec sweep.Spec, journal string, indices []int) (*beam.Pipeline, error) {
	b, err := json.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("sweepbeam: %w", err)
	}
	p, s := beam.NewPipelineWithRoot()
	if len(indices) == 0 {
		return p, nil
	}
	idx := beam.CreateList(s, indices)
	beam.ParDo0(s, &evalFn{Spec: string(b), Journal: journal}, beam.Reshuffle(s, idx))
	return p, nil
}

// Run evaluates spec on the Beam runner named runner ("prism", "flink",
// "spark", "dataflow", "universal"; the runners read their endpoint and
// options from Beam's own command-line flags, so call beam.Init after
// flag.Parse first). Rows already in the journal at path are kept and their
// points skipped. It returns the complete table, sorted by index.
func Run(ctx context.Context, runner string, spec sweep.Spec, journal string) (*sweep.Table, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	f, err := sweep.Lookup(spec.Func)
	if err != nil {
		return nil, err
	}
	j, old, err := sweep.OpenJournal(journal, spec, f.Results)
	if err != nil {
		return nil, err
	}
	if err := j.Close(); err != nil {
		return nil, err
	}
	pts, err := spec.Points()
	if err != nil {
		return nil, err
	}
	done := map[string]bool{}
	for _, r := range old {
		done[r.ID] = true
	}
	var todo []int
	for _, p := range pts {
		if !done[p.ID] {
			todo = append(todo, p.Index)
		}
	}
	if len(todo) > 0 {
		p, err := Pipeline(spec, journal, todo)
		if err != nil {
			return nil, err
		}
		if _, err := beam.Run(ctx, runner, p); err != nil {
			return nil, fmt.Errorf("sweepbeam: %s runner: %w (finished rows are in %s; run again to resume)", runner, err, journal)
		}
	}
	if _, err := os.Stat(journal); err != nil {
		return nil, fmt.Errorf("sweepbeam: %w", err)
	}
	return sweep.Merge(journal)
}

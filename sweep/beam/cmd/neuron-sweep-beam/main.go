// Command neuron-sweep-beam runs a sweep spec (the same JSON that
// `neuron sweep --spec` reads) on Apache Beam and writes its table.
//
//	neuron-sweep-beam --spec spec.json --out table.jsonl                # Prism, in process
//	neuron-sweep-beam --spec spec.json --out table.jsonl \
//	    --runner flink --endpoint localhost:8099 --environment_type LOOPBACK
//	neuron-sweep-beam --spec spec.json --out table.jsonl \
//	    --runner spark --endpoint localhost:8099 --environment_type LOOPBACK
//	neuron-sweep-beam --spec spec.json --out table.jsonl \
//	    --runner dataflow --project P --region R --staging_location gs://B/staging
//
// The runner flags are Beam's own (--runner, --endpoint, --environment_type,
// --environment_config, --job_name, and the Dataflow options). The journal
// is <out>.journal; run the command again after an interruption to resume.
// See docs/sweeps.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/core/runtime/exec/optimized"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/dataflow"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/flink"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/spark"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/universal"

	"github.com/neuron-sim/neuron/sweep"
	sweepbeam "github.com/neuron-sim/neuron/sweep/beam"
	_ "github.com/neuron-sim/neuron/sweep/funcs"
)

func main() {
	specPath := flag.String("spec", "", "sweep spec (JSON)")
	out := flag.String("out", "", "table to write; the journal is <out>.journal")
	flag.Parse()
	beam.Init() // a worker started by a cluster runner never returns from here
	if err := run(*specPath, *out); err != nil {
		fmt.Fprintln(os.Stderr, "neuron-sweep-beam:", err)
		os.Exit(1)
	}
}

func run(specPath, out string) error {
	if specPath == "" || out == "" {
		flag.Usage()
		return fmt.Errorf("--spec and --out are required")
	}
	b, err := os.ReadFile(specPath)
	if err != nil {
		return err
	}
	spec, err := sweep.ParseSpec(b)
	if err != nil {
		return err
	}
	runner := *runners.Runner
	if runner == "" {
		runner = "prism"
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	t, err := sweepbeam.Run(ctx, runner, spec, out+".journal")
	if err != nil {
		return err
	}
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, t.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "neuron-sweep-beam: %d points, %d failed, on %s\n", len(t.Rows), len(t.Failed()), runner)
	return os.Rename(tmp, out)
}

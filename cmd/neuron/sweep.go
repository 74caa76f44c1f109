package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/neuron-sim/neuron/sweep"
	_ "github.com/neuron-sim/neuron/sweep/funcs" // registers "brunel"
)

func init() {
	register(command{
		name:    "sweep",
		summary: "run a parameter sweep (or one shard of it), or merge shards into a table",
		run:     runSweep,
	})
}

const sweepSynopsis = `--spec spec.json --out table.jsonl [--workers k]
       neuron sweep --spec spec.json --shard i/n --out part-i.jsonl
       neuron sweep --spec spec.json --shards n --out part-%i.jsonl   (index from the environment)
       neuron sweep --merge --out table.jsonl part-*.jsonl

The whole sweep journals every finished point to <out>.journal (a killed run
restarted with the same flags skips them) and writes the table to <out> when
all points are done. With --shard (or --shards and SLURM_ARRAY_TASK_ID or
JOB_COMPLETION_INDEX in the environment) only that shard runs and <out> is
its journal ("%i" in --out is replaced by the shard index); --merge joins
the shards' journals into the table. Tables hold no wall times, so the same
spec gives the same bytes however it was run.`

func runSweep(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sweep", sweepSynopsis, stderr)
	specPath := fs.String("spec", "", "sweep spec (JSON)")
	out := fs.String("out", "", "table, or the shard's journal with --shard/--shards")
	shardFlag := fs.String("shard", "", "run only shard i/n")
	shards := fs.Int("shards", 0, "number of shards when the index comes from the environment")
	workers := fs.Int("workers", 0, "points evaluated at once (default: GOMAXPROCS)")
	merge := fs.Bool("merge", false, "merge the journals given as arguments into --out")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return errors.New("--out is required")
	}
	if *merge {
		if fs.NArg() == 0 {
			return errors.New("--merge needs the journals to merge as arguments")
		}
		t, err := sweep.Merge(fs.Args()...)
		if err != nil {
			return err
		}
		if err := writeTable(*out, t); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "neuron sweep: %d rows (%d failed) from %d files into %s\n", len(t.Rows), len(t.Failed()), fs.NArg(), *out)
		return nil
	}
	if *specPath == "" {
		fs.Usage()
		return errors.New("--spec is required")
	}
	b, err := os.ReadFile(*specPath)
	if err != nil {
		return err
	}
	spec, err := sweep.ParseSpec(b)
	if err != nil {
		return err
	}
	opt := sweep.Options{Workers: *workers}
	sharded := false
	switch {
	case *shardFlag != "":
		if opt.Shard, err = sweep.ParseShard(*shardFlag); err != nil {
			return err
		}
		sharded = true
	case *shards > 0:
		var ok bool
		if opt.Shard, ok, err = sweep.ShardFromEnv(*shards, os.Getenv); err != nil {
			return err
		} else if !ok {
			return errors.New("--shards needs SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX in the environment (or use --shard i/n)")
		}
		sharded = true
	}
	if sharded {
		opt.Journal = strings.ReplaceAll(*out, "%i", fmt.Sprint(opt.Shard.I))
	} else {
		opt.Journal = *out + ".journal"
	}
	if !*quiet {
		opt.Progress = terminalProgress(stderr, spec.Name, time.Now())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	t, err := sweep.Run(ctx, spec, opt)
	if err != nil {
		return fmt.Errorf("%w (finished rows are in %s; run again to resume)", err, opt.Journal)
	}
	fmt.Fprintf(stderr, "neuron sweep: %d points, %d failed; journal %s\n", len(t.Rows), len(t.Failed()), opt.Journal)
	if sharded {
		return nil
	}
	return writeTable(*out, t)
}

func writeTable(path string, t *sweep.Table) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := t.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// terminalProgress draws "name [#####-----] 12/400 points · 3m10s, ETA 1h2m"
// on w: in place on a terminal, else one line per 10 %.
func terminalProgress(w io.Writer, name string, start time.Time) func(done, total int) {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	first, lastDecile, last := -1, -1, time.Time{}
	return func(done, total int) {
		if first < 0 {
			first = done
		}
		now := time.Now()
		decile := 10 * done / max(total, 1)
		if tty && done < total && now.Sub(last) < 100*time.Millisecond || !tty && decile == lastDecile {
			return
		}
		last, lastDecile = now, decile
		el := now.Sub(start)
		s := fmt.Sprintf("%s [%-20s] %d/%d points · %s", name, strings.Repeat("#", 20*done/max(total, 1)), done, total, el.Round(time.Second))
		if n := done - first; n > 0 && done < total {
			s += ", ETA " + (time.Duration(float64(el) / float64(n) * float64(total-done))).Round(time.Second).String()
		}
		if tty {
			fmt.Fprint(w, "\r"+s)
			if done == total {
				fmt.Fprintln(w)
			}
			return
		}
		fmt.Fprintln(w, s)
	}
}

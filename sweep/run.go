package sweep

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// Shard selects the points whose index modulo N is I (points are dealt out
// round-robin, so neighbouring points, which often cost about the same, land
// on different shards). The zero Shard selects every point.
type Shard struct{ I, N int }

// Has reports whether the point with the given index belongs to the shard.
func (s Shard) Has(index int) bool { return s.N <= 1 || index%s.N == s.I }

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.I, s.N) }

// ParseShard parses "i/n" with 0 ≤ i < n.
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("sweep: shard %q: want i/n with 0 ≤ i < n", s)
	}
	return Shard{I: i, N: n}, nil
}

// ShardFromEnv returns the shard of an array job from the environment:
// Slurm job arrays (SLURM_ARRAY_TASK_ID, counted from SLURM_ARRAY_TASK_MIN,
// with SLURM_ARRAY_TASK_COUNT tasks) or Kubernetes Indexed Jobs
// (JOB_COMPLETION_INDEX). n, when positive, is the number of shards and
// overrides SLURM_ARRAY_TASK_COUNT; Kubernetes sets no count, so there n is
// required. ok is false when neither variable is set.
func ShardFromEnv(n int, getenv func(string) string) (s Shard, ok bool, err error) {
	atoi := func(name string) (int, error) {
		v, err := strconv.Atoi(getenv(name))
		if err != nil {
			return 0, fmt.Errorf("sweep: %s = %q is not an integer", name, getenv(name))
		}
		return v, nil
	}
	switch {
	case getenv("SLURM_ARRAY_TASK_ID") != "":
		id, err := atoi("SLURM_ARRAY_TASK_ID")
		if err != nil {
			return s, true, err
		}
		if getenv("SLURM_ARRAY_TASK_MIN") != "" {
			lo, err := atoi("SLURM_ARRAY_TASK_MIN")
			if err != nil {
				return s, true, err
			}
			id -= lo
		}
		if n <= 0 {
			if n, err = atoi("SLURM_ARRAY_TASK_COUNT"); err != nil {
				return s, true, err
			}
		}
		s = Shard{I: id, N: n}
	case getenv("JOB_COMPLETION_INDEX") != "":
		id, err := atoi("JOB_COMPLETION_INDEX")
		if err != nil {
			return s, true, err
		}
		if n <= 0 {
			return s, true, errors.New("sweep: JOB_COMPLETION_INDEX is set but the number of shards is not (Kubernetes sets no count: pass it)")
		}
		s = Shard{I: id, N: n}
	default:
		return s, false, nil
	}
	if s.N < 1 || s.I < 0 || s.I >= s.N {
		return s, true, fmt.Errorf("sweep: shard %d/%d from the environment is out of range", s.I, s.N)
	}
	return s, true, nil
}

// Options configure Run.
type Options struct {
	// Workers is the number of points evaluated at once (default
	// GOMAXPROCS). The table does not depend on it.
	Workers int
	// Journal is the path of the journal file; empty means none (then an
	// interrupted run cannot resume).
	Journal string
	// Shard restricts the run to one shard of the points.
	Shard Shard
	// Progress, if set, is called after every finished point with the
	// number of points of the run done (resumed ones included) and their
	// total; calls are serialised.
	Progress func(done, total int)
}

// Run evaluates the function registered as spec.Func; see RunFunc.
func Run(ctx context.Context, spec Spec, opt Options) (*Table, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	f, err := Lookup(spec.Func)
	if err != nil {
		return nil, err
	}
	return RunFunc(ctx, spec, f, opt)
}

// RunFunc evaluates f at every point of spec (or of opt.Shard) on a pool of
// goroutines and returns the rows sorted by index. With a journal, rows
// already in it are kept and their points skipped, and every new row is
// appended as it finishes. A point that fails is recorded with its error;
// the run goes on. If ctx is cancelled, RunFunc returns the rows finished
// so far together with ctx.Err().
func RunFunc(ctx context.Context, spec Spec, f Func, opt Options) (*Table, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if err := f.check(&spec); err != nil {
		return nil, err
	}
	if opt.Shard.N > 1 && (opt.Shard.I < 0 || opt.Shard.I >= opt.Shard.N) {
		return nil, fmt.Errorf("sweep: shard %v out of range", opt.Shard)
	}
	pts, err := spec.Points()
	if err != nil {
		return nil, err
	}
	t := NewTable(spec, f.Results)
	var j *Journal
	done := map[string]bool{}
	if opt.Journal != "" {
		var old []Row
		if j, old, err = OpenJournal(opt.Journal, spec, f.Results); err != nil {
			return nil, err
		}
		defer j.Close()
		for _, r := range old {
			if r.Index < 0 || r.Index >= len(pts) || pts[r.Index].ID != r.ID {
				return nil, fmt.Errorf("sweep: journal %s: row %d (id %s) is not a point of the sweep", opt.Journal, r.Index, r.ID)
			}
			if !done[r.ID] && opt.Shard.Has(r.Index) {
				done[r.ID] = true
				t.Rows = append(t.Rows, r)
			}
		}
	}
	var todo []Point
	total := 0
	for _, p := range pts {
		if !opt.Shard.Has(p.Index) {
			continue
		}
		total++
		if !done[p.ID] {
			todo = append(todo, p)
		}
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, len(todo)))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	next := make(chan Point)
	rows := make(chan Row, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range next {
				if r, final := Eval(ctx, f, p); final {
					rows <- r
				}
			}
		}()
	}
	go func() {
		defer close(next)
		for _, p := range todo {
			select {
			case next <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(rows) }()

	var werr error
	n := len(t.Rows)
	if opt.Progress != nil {
		opt.Progress(n, total)
	}
	for r := range rows {
		if werr != nil {
			continue // drain
		}
		if j != nil {
			if werr = j.Append(r); werr != nil {
				cancel()
				continue
			}
		}
		t.Rows = append(t.Rows, r)
		n++
		if opt.Progress != nil {
			opt.Progress(n, total)
		}
	}
	t.Sort()
	if j != nil {
		if err := j.Close(); err != nil && werr == nil {
			werr = err
		}
	}
	if werr != nil {
		return t, werr
	}
	if n < total {
		if err := ctx.Err(); err != nil {
			return t, err
		}
		return t, fmt.Errorf("sweep: %d of %d points finished", n, total)
	}
	return t, nil
}

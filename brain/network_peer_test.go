package brain

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// peerNetwork is benchLikeNetwork (CUBA-like, or COBA with forward Euler)
// of n cells, and with rich true also delays of 1–3 ms (delay rings) and
// a Poisson input into the excitatory cells.
func peerNetwork(t testing.TB, n int, cobaEuler, rich bool) (*Network, []*SpikeRecorder) {
	net, recs := benchLikeNetwork(t, n, cobaEuler, cobaEuler, false)
	if rich {
		exc, inh := net.pops[0], net.pops[1]
		must(net.Connect(exc, inh, FixedProbability{P: 0.02}, SynapseSpec{Weight: Const(8), Delay: Uniform(1, 3)}))
		must0(t, net.AddPoissonInput(exc, PoissonInput{Name: "bg", RateHz: 300, Weight: 3, StartMS: 1}))
	}
	return net, recs
}

type peerResult struct {
	spikes [][]int32
	v      []float64
	events int64
	peer   int64
	reps   int64 // replicas used in batches (network_replica.go)
}

// runPeer runs net for ms in pieces (each piece one Run), on w workers:
// kept in parallel mode when epoch is 0, else under a pacer that switches
// every epoch steps; progress, when set, ends a batch every 1 % of a Run.
func runPeer(t testing.TB, net *Network, recs []*SpikeRecorder, w, epoch int, progress bool, pieces ...float64) peerResult {
	runtime.GOMAXPROCS(w)
	// A paced run switches modes as soon as the workers are awake, however
	// long the machine takes to wake them.
	testAwaitWake = true
	defer func() { testAwaitWake = false }()
	if w > 1 && epoch == 0 {
		KeepParallel(net, w)
	} else {
		net.Workers = w
		if w > 1 {
			net.pace = newPacer(w)
			net.pace.epoch, net.pace.probe = epoch, 2
		}
	}
	var pr func(Progress)
	calls := 0
	if progress {
		pr = func(Progress) { calls++ }
	}
	for _, ms := range pieces {
		must0(t, net.Run(context.Background(), ms, pr))
	}
	if progress && calls == 0 {
		t.Fatal("no progress calls")
	}
	var v []float64
	for _, p := range net.pops {
		v = append(v, p.V...)
		v = append(v, p.Input(Proximal, Excitatory)...)
	}
	var reps int64
	if net.peerKept != nil {
		reps = net.peerKept.repBatches
	}
	return peerResult{spikesOf(recs), v, net.SynapticEvents(), net.peerStepsRun, reps}
}

// TestPeerStepsIdentical: networks that qualify for peer steps (CUBA- and
// COBA-like, with and without delay rings and a Poisson input) give the
// spikes, membrane potentials, synaptic variables and event counts of one
// worker, bit for bit, on 2 and 3 workers kept in parallel mode, under a
// pacer that switches between solo and peer steps every 1 or 3 steps,
// with progress calls ending the batches, and with the run cut into
// pieces; and the peer steps did run.
func TestPeerStepsIdentical(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, c := range []struct {
		name            string
		cobaEuler, rich bool
	}{{"CUBA", false, false}, {"COBA Euler", true, false}, {"CUBA rich", false, true}, {"COBA Euler rich", true, true}} {
		rnet, rrecs := peerNetwork(t, 1200, c.cobaEuler, c.rich)
		ref := runPeer(t, rnet, rrecs, 1, 0, false, 60)
		if len(ref.spikes[1]) < 50 {
			t.Fatalf("%s: %d spikes: too quiet", c.name, len(ref.spikes[1]))
		}
		for _, v := range []struct {
			w, epoch int
			progress bool
			pieces   []float64
		}{{2, 0, false, []float64{60}}, {3, 0, false, []float64{60}}, {2, 1, false, []float64{60}},
			{2, 3, true, []float64{60}}, {2, 0, true, []float64{20, 25, 15}}} {
			net, recs := peerNetwork(t, 1200, c.cobaEuler, c.rich)
			got := runPeer(t, net, recs, v.w, v.epoch, v.progress, v.pieces...)
			switch {
			case got.peer == 0:
				t.Errorf("%s %+v: no peer steps ran", c.name, v)
			case v.epoch == 0 && !v.progress && got.reps != 1:
				// one batch of 600 steps: the worker's part of the split
				// excitatory population (960 cells, cut at 600, or at 400
				// and its end on 3 workers) steps in a replica
				t.Errorf("%s %+v: %d replicas used, want 1", c.name, v, got.reps)
			case !sameSpikes(got.spikes, ref.spikes):
				t.Errorf("%s %+v: spikes differ from one worker", c.name, v)
			case !slices.Equal(got.v, ref.v):
				t.Errorf("%s %+v: state differs from one worker", c.name, v)
			case got.events != ref.events:
				t.Errorf("%s %+v: %d synaptic events, one worker %d", c.name, v, got.events, ref.events)
			}
		}
	}
}

// TestPeerStepsCheckpoint: a run on two workers in peer steps, saved,
// restored into a new network and continued on two workers, ends as one
// uninterrupted run on one worker, bit for bit.
func TestPeerStepsCheckpoint(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	full, frecs := peerNetwork(t, 1200, false, true)
	ref := runPeer(t, full, frecs, 1, 0, false, 70)
	first, _ := peerNetwork(t, 1200, false, true)
	runPeer(t, first, nil, 2, 0, false, 33.3)
	var buf bytes.Buffer
	must0(t, first.Save(&buf))
	second, srecs := peerNetwork(t, 1200, false, true)
	must0(t, second.Restore(&buf))
	got := runPeer(t, second, srecs, 2, 0, false, 70-33.3)
	if first.peerStepsRun == 0 || got.peer == 0 {
		t.Fatal("no peer steps ran")
	}
	split := int32(first.Step())
	for i := 0; i < len(ref.spikes); i += 2 {
		k, _ := slices.BinarySearch(ref.spikes[i], split)
		if !slices.Equal(ref.spikes[i][k:], got.spikes[i]) || !slices.Equal(ref.spikes[i+1][k:], got.spikes[i+1]) {
			t.Errorf("recorder %d: spikes after restore differ", i/2)
		}
	}
	if !slices.Equal(got.v, ref.v) {
		t.Error("state after restore differs")
	}
}

// TestPeerStepsErrors: a forward Euler step made unstable in a cell of
// the worker's share, of the caller's, or of both in the same step, stops
// a Run in peer steps at the step and with the error (*BlowUpError, cell
// and cause) of a one-worker run, and leaves the state of the general
// parallel step with the same cut (a kernel stops at the failing cell, so
// how far the rest of a population got depends on the cut); the network
// then runs on.
func TestPeerStepsErrors(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, cells := range [][]int{{900}, {3}, {5, 950}, {}} {
		run := func(w int, phases bool) (string, int64, []float64, int64) {
			net, recs := peerNetwork(t, 1200, true, false)
			if phases {
				NoPeer(net)
			}
			runPeer(t, net, recs, w, 0, false, 10)
			for _, i := range cells { // exc [0, 960): the caller's part and the worker's
				net.pops[0].Input(Proximal, Excitatory)[i] = 1e4
			}
			err := net.Run(context.Background(), 10, nil)
			var msg string
			if err != nil {
				var b *BlowUpError
				if !errors.As(err, &b) || b.Cause == "" || (len(cells) > 0 && b.Neuron != cells[0]) {
					t.Errorf("cells %v, %d workers: %v, want the forward Euler blow-up of cell %v", cells, w, err, cells)
				}
				msg = err.Error()
			}
			var v []float64
			for _, p := range net.pops {
				v = append(v, p.V...)
				v = append(v, p.Input(Proximal, Inhibitory)...)
			}
			for _, i := range cells {
				net.pops[0].Input(Proximal, Excitatory)[i] = 0
			}
			must0(t, net.Run(context.Background(), 5, nil))
			return msg, net.Step(), v, net.peerStepsRun
		}
		m1, s1, _, _ := run(1, false)
		m2, s2, v2, p2 := run(2, false)
		mg, sg, vg, pg := run(2, true)
		if (m1 == "") != (len(cells) == 0) {
			t.Errorf("cells %v: one worker: error %q", cells, m1)
		}
		if m1 != m2 || s1 != s2 {
			t.Errorf("cells %v: two workers: %q at step %d, one worker %q at step %d", cells, m2, s2, m1, s1)
		}
		if mg != m2 || sg != s2 || !slices.Equal(vg, v2) {
			t.Errorf("cells %v: peer steps: %q at step %d, general step %q at step %d (state equal: %v)", cells, m2, s2, mg, sg, slices.Equal(vg, v2))
		}
		if p2 == 0 || pg != 0 {
			t.Errorf("cells %v: %d peer steps, %d with NoPeer", cells, p2, pg)
		}
	}
}

// TestPeerStepsCancel: a Run in peer steps cancelled from its progress
// callback stops within a step of the cancel, and continuing it gives the
// spikes of an uninterrupted run.
func TestPeerStepsCancel(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	rnet, rrecs := peerNetwork(t, 1200, false, false)
	ref := runPeer(t, rnet, rrecs, 1, 0, false, 60)
	net, recs := peerNetwork(t, 1200, false, false)
	runtime.GOMAXPROCS(2)
	KeepParallel(net, 2)
	ctx, cancel := context.WithCancel(context.Background())
	err := net.Run(ctx, 60, func(p Progress) {
		if p.Step >= 300 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || net.Step() != 300 {
		t.Errorf("cancel: err %v at step %d, want context.Canceled at 300", err, net.Step())
	}
	must0(t, net.Run(context.Background(), 30, nil))
	if net.peerStepsRun == 0 {
		t.Fatal("no peer steps ran")
	}
	if got := spikesOf(recs); !sameSpikes(got, ref.spikes) {
		t.Error("spikes after a cancel differ from an uninterrupted run")
	}
}

// TestPeerStepsAllocs: peer steps allocate nothing: a Run of 100 ms
// allocates as much as one of 10 ms (the Run's own set-up).
func TestPeerStepsAllocs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(2)
	net, _ := peerNetwork(t, 1200, false, true)
	net.monitors = nil // recorders grow their buffers by design
	KeepParallel(net, 2)
	must0(t, net.Run(context.Background(), 20, nil))
	allocs := func(ms float64) float64 {
		return testing.AllocsPerRun(5, func() { must0(t, net.Run(context.Background(), ms, nil)) })
	}
	short, long := allocs(10), allocs(100)
	if net.peerStepsRun == 0 {
		t.Fatal("no peer steps ran")
	}
	if long > short {
		t.Errorf("a Run of 1000 peer steps allocates %v times, one of 100 steps %v", long, short)
	}
}

// TestPeerStepsTakeOver: when the worker wakes up later than wakeGrace,
// the caller steps the worker's segments itself for the batch's first
// step and ends the batch; with every batch so delayed (and the pacer
// kept in parallel mode, so every step starts a batch) the results are
// still those of one worker, bit for bit, and under a pacer the delay
// counts as a stall (parallel rarely probed after it).
func TestPeerStepsTakeOver(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	defer func() { testWakeDelay = 0 }()
	for _, cobaEuler := range []bool{false, true} {
		rnet, rrecs := peerNetwork(t, 1200, cobaEuler, true)
		ref := runPeer(t, rnet, rrecs, 1, 0, false, 20)
		testWakeDelay = time.Millisecond
		net, recs := peerNetwork(t, 1200, cobaEuler, true)
		got := runPeer(t, net, recs, 2, 0, false, 20)
		testWakeDelay = 0
		if got.peer != 200 {
			t.Errorf("coba %v: %d peer steps, want 200", cobaEuler, got.peer)
		}
		if !sameSpikes(got.spikes, ref.spikes) || !slices.Equal(got.v, ref.v) || got.events != ref.events {
			t.Errorf("coba %v: taken-over steps differ from one worker", cobaEuler)
		}
		// Under a pacer: the first batch is taken over, then solo.
		testWakeDelay = time.Millisecond
		net, recs = peerNetwork(t, 1200, cobaEuler, true)
		got = runPeer(t, net, recs, 2, 8, false, 20)
		testWakeDelay = 0
		// (The worker can be in time for a few batches before one is
		// taken over, more of them when steps are slow, as under the race
		// detector; a probe of parallel that stalls puts the next one
		// paceProbeMax epochs of 8 steps away, after the run. Epochs of
		// 8 steps: a take-over, found in the exchange after the pacer has
		// chosen the next step's mode, then falls into the epoch of the
		// step taken over.)
		if got.peer == 0 || got.peer > 50 || net.pace.stalls == 0 {
			t.Errorf("coba %v: paced: %d peer steps, %d stalls: want a few, then solo", cobaEuler, got.peer, net.pace.stalls)
		}
		if !sameSpikes(got.spikes, ref.spikes) || !slices.Equal(got.v, ref.v) {
			t.Errorf("coba %v: paced with take-overs differs from one worker", cobaEuler)
		}
	}
}

// TestPeerReplicaOtherKernels: the worker's replica of a split population
// (network_replica.go) holds every array for the general kernels (here
// adaptive exponential cells) and the read ones for the LIF kernels with
// cell sizes (the gain sweeps): 60 ms in peer steps on two workers give
// the spikes, potentials, adaptation currents and synaptic variables of
// one worker, bit for bit, and the replica ran.
func TestPeerReplicaOtherKernels(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, c := range []string{"AdEx", "LIF sizes"} {
		build := func() (*Network, []*SpikeRecorder) {
			net, recs := peerNetwork(t, 1200, false, false)
			exc := net.pops[0]
			switch c {
			case "AdEx":
				exc.P.DeltaT, exc.P.VPeak, exc.P.A, exc.P.B, exc.P.TauW = 2, 0, 2, 20, 100
			case "LIF sizes":
				for i := range exc.Size {
					exc.Size[i] = 1 + float64(i%3)/4
				}
			}
			return net, recs
		}
		rnet, rrecs := build()
		ref := runPeer(t, rnet, rrecs, 1, 0, false, 60)
		if len(ref.spikes[0]) < 50 {
			t.Fatalf("%s: %d spikes: too quiet", c, len(ref.spikes[0]))
		}
		net, recs := build()
		got := runPeer(t, net, recs, 2, 0, false, 60)
		switch {
		case got.peer == 0 || got.reps != 1:
			t.Errorf("%s: %d peer steps, %d replicas used, want 1", c, got.peer, got.reps)
		case !sameSpikes(got.spikes, ref.spikes):
			t.Errorf("%s: spikes differ from one worker", c)
		case !slices.Equal(got.v, ref.v) || !slices.Equal(net.pops[0].W, rnet.pops[0].W):
			t.Errorf("%s: state differs from one worker", c)
		}
	}
}

// TestPeerReplicasWithinBudget: the workers' replicas, made at Build, are
// counted against the memory budget with the recorders of a Run: when
// they do not fit beside them, the Run goes on without replicas (the
// same results, one worker's), and fails only when the recorders alone
// do not fit.
func TestPeerReplicasWithinBudget(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	rnet, rrecs := peerNetwork(t, 1200, true, false)
	ref := runPeer(t, rnet, rrecs, 1, 0, false, 20)
	runtime.GOMAXPROCS(2)
	net, recs := peerNetwork(t, 1200, true, false)
	KeepParallel(net, 2)
	must0(t, net.Build())
	if net.peerKept == nil || len(net.peerKept.reps) == 0 {
		t.Fatal("Build made no replica")
	}
	var rec int64
	for _, r := range recs {
		rec += r.EstimateBytes(200)
	}
	reps := net.peerKept.replicaBytes()
	net.MemoryBudget = rec + reps/2
	got := runPeer(t, net, recs, 2, 0, false, 20)
	if len(net.peerKept.reps) != 0 || got.reps != 0 {
		t.Errorf("recorders %d B + replicas %d B over a budget of %d B: %d replicas kept, %d used", rec, reps, net.MemoryBudget, len(net.peerKept.reps), got.reps)
	}
	if got.peer == 0 || !sameSpikes(got.spikes, ref.spikes) || !slices.Equal(got.v, ref.v) {
		t.Errorf("without replicas: %d peer steps, results differ from one worker: %v", got.peer, !sameSpikes(got.spikes, ref.spikes))
	}
	net.MemoryBudget = rec / 2
	if err := net.Run(context.Background(), 20, nil); err == nil || !strings.Contains(err.Error(), "memory budget") {
		t.Errorf("recorders over the budget: %v", err)
	}
}

// TestPeerReplicasWrittenOnce: Build writes the workers' replicas (their
// pages mapped before any Run); a Run that sets them up itself leaves
// them unwritten until a worker is woken for a parallel epoch (a Run that
// stays solo pays nothing for them), and the worker writes them then.
func TestPeerReplicasWrittenOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(2)
	fresh := func(net *Network) (n, all int) {
		for _, r := range net.peerKept.reps {
			if r.fresh {
				n++
			}
			all++
		}
		return n, all
	}
	net, _ := peerNetwork(t, 1200, true, false)
	net.Workers = 2
	must0(t, net.Build())
	if n, all := fresh(net); all == 0 || n != 0 {
		t.Errorf("after Build: %d of %d replicas unwritten", n, all)
	}
	net, _ = peerNetwork(t, 1200, true, false)
	KeepSplit(net, 2) // two workers' cut, steps solo: no wake-up
	must0(t, net.Run(context.Background(), 10, nil))
	if n, all := fresh(net); all == 0 || n != all {
		t.Errorf("a Run that stayed solo: %d of %d replicas unwritten", n, all)
	}
	net, recs := peerNetwork(t, 1200, true, false)
	got := runPeer(t, net, recs, 2, 4, false, 20)
	if n, all := fresh(net); got.peer == 0 || all == 0 || n != 0 {
		t.Errorf("a paced Run with %d peer steps: %d of %d replicas unwritten", got.peer, n, all)
	}
}

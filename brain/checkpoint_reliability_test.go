package brain

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"strings"
	"testing"
)

// smallCheckpointNet is a network with every kind of checkpointed state
// in a few hundred bytes: populations with and without a dendrite, a
// delay ring, static and plastic projections, a Poisson source and an OU
// noise current.
func smallCheckpointNet(t testing.TB, n int, dt float64, seed uint64) *Network {
	t.Helper()
	net := NewNetwork(dt, seed)
	a := must(NewPopulation("a", n, Generic()))
	b := must(NewPopulation("b", 3, Pyramidal()))
	src := must(NewPoissonGroup("in", 4, 200))
	rule := SongRule(5)
	must(net.Connect(a, b, AllToAll{}, SynapseSpec{Weight: Const(2), STDP: &rule}))
	must(net.Connect(b, a, AllToAll{}, SynapseSpec{Weight: Const(30), Delay: Const(1)}))
	must(net.ConnectSource(src, a, AllToAll{}, SynapseSpec{Weight: Const(300)}))
	if err := net.Inject(b, nil, Proximal, &OUNoise{MeanPA: 300, SigmaPA: 50, TauMS: 5}); err != nil {
		t.Fatal(err)
	}
	return net
}

func reseal(b []byte) []byte {
	b = bytes.Clone(b)
	binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-4], castagnoli))
	return b
}

// Flipping any single byte of a checkpoint (every byte, three different
// corruptions each), or cutting it anywhere, is detected, and a refused
// checkpoint leaves the network as it was.
func TestCheckpointDetectsEverySingleByteCorruption(t *testing.T) {
	src := smallCheckpointNet(t, 2, 0.1, 3)
	if err := src.Run(context.Background(), 20, nil); err != nil {
		t.Fatal(err)
	}
	good := must(src.MarshalBinary())
	dst := smallCheckpointNet(t, 2, 0.1, 3)
	if err := dst.Run(context.Background(), 5, nil); err != nil {
		t.Fatal(err)
	}
	before := must(dst.MarshalBinary())
	corrupted := 0
	for i := range good {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			bad := bytes.Clone(good)
			bad[i] ^= mask
			err := dst.UnmarshalBinary(bad)
			if err == nil || !errors.Is(err, ErrCheckpoint) {
				t.Fatalf("byte %d ^ %#x of %d: error %v", i, mask, len(good), err)
			}
			corrupted++
		}
	}
	for cut := range len(good) {
		if err := dst.UnmarshalBinary(good[:cut]); !errors.Is(err, ErrCheckpoint) {
			t.Fatalf("cut at %d of %d: error %v", cut, len(good), err)
		}
	}
	if err := dst.UnmarshalBinary(append(bytes.Clone(good), 0)); !errors.Is(err, ErrCheckpoint) {
		t.Fatalf("one byte appended: %v", err)
	}
	if after := must(dst.MarshalBinary()); !bytes.Equal(after, before) || dst.Step() != 50 {
		t.Fatalf("refused checkpoints changed the network (step %d)", dst.Step())
	}
	if err := dst.UnmarshalBinary(good); err != nil || dst.Step() != 200 {
		t.Fatalf("the intact checkpoint: %v (step %d)", err, dst.Step())
	}
	t.Logf("%d-byte checkpoint: %d single-byte corruptions and %d truncations refused", len(good), corrupted, len(good))
}

// Other versions, shapes, steps and seeds are refused with a message that
// says which; so is a step counter beyond 2⁵³ even with a valid checksum.
func TestCheckpointMismatchMessages(t *testing.T) {
	ref := smallCheckpointNet(t, 2, 0.1, 3)
	if err := ref.Run(context.Background(), 10, nil); err != nil {
		t.Fatal(err)
	}
	good := must(ref.MarshalBinary())
	payload := good[envelopeHeader : len(good)-envelopeCRC]
	stepAt := envelopeHeader + len(checkpointMagic)
	hugeStep := bytes.Clone(good)
	binary.LittleEndian.PutUint64(hugeStep[stepAt:], 7e16)
	negStep := bytes.Clone(good)
	binary.LittleEndian.PutUint64(negStep[stepAt:], 1<<63)
	v9 := bytes.Clone(good)
	v9[len(envelopeMagic)] = '9'
	v3 := bytes.Clone(good)
	v3[len(envelopeMagic)] = '3'
	for _, c := range []struct {
		name string
		net  *Network
		data []byte
		want string
	}{
		{"format 2 (bare payload)", smallCheckpointNet(t, 2, 0.1, 3), payload, "format version 2"},
		{"format 9", smallCheckpointNet(t, 2, 0.1, 3), v9, `format version '9'`},
		{"format 3 (old population layout)", smallCheckpointNet(t, 2, 0.1, 3), v3, "format version 3, written by an older release whose populations"},
		{"not a checkpoint", smallCheckpointNet(t, 2, 0.1, 3), []byte("hello world, this is not a checkpoint at all"), "not a network checkpoint"},
		{"empty", smallCheckpointNet(t, 2, 0.1, 3), nil, "not a network checkpoint"},
		{"other dt", smallCheckpointNet(t, 2, 0.05, 3), good, "dt = 0.1 ms; this network has dt = 0.05 ms"},
		{"other seed", smallCheckpointNet(t, 2, 0.1, 4), good, "seed 3; this network has seed 4"},
		{"other N", smallCheckpointNet(t, 3, 0.1, 3), good, "N = 2"},
		{"step 7e16", smallCheckpointNet(t, 2, 0.1, 3), reseal(hugeStep), "step counter 70000000000000000 outside"},
		{"step < 0", smallCheckpointNet(t, 2, 0.1, 3), reseal(negStep), "outside [0, 2⁵³]"},
	} {
		err := c.net.UnmarshalBinary(c.data)
		if !errors.Is(err, ErrCheckpoint) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want ErrCheckpoint containing %q", c.name, err, c.want)
		}
		if c.net.Step() != 0 {
			t.Errorf("%s: step %d after a refused restore", c.name, c.net.Step())
		}
	}
	// A network of another shape that agrees on the populations: the
	// populations are read before the extra projection is found missing,
	// and the network is rolled back.
	other := smallCheckpointNet(t, 2, 0.1, 3)
	pops := other.Populations()
	must(other.Connect(pops[0], pops[0], AllToAll{}, SynapseSpec{Weight: Const(1), Delay: Const(2)}))
	before := must(other.MarshalBinary())
	err := other.UnmarshalBinary(good)
	if !errors.Is(err, ErrCheckpoint) || !strings.Contains(err.Error(), "another shape") {
		t.Errorf("extra projection: %v", err)
	}
	if after := must(other.MarshalBinary()); !bytes.Equal(after, before) {
		t.Error("a refused checkpoint of another shape changed the network")
	}
}

type endless struct{}

func (endless) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// Restore from an endless reader (a link to /dev/zero) stops at the
// largest checkpoint the network can have written.
func TestRestoreBoundedRead(t *testing.T) {
	net := smallCheckpointNet(t, 2, 0.1, 3)
	err := net.Restore(endless{})
	if !errors.Is(err, ErrCheckpoint) || !strings.Contains(err.Error(), "the largest checkpoint this network can write") {
		t.Errorf("endless reader: %v", err)
	}
	var buf bytes.Buffer
	if err := net.Save(&buf); err != nil {
		t.Fatal(err)
	}
	if err := net.Restore(&buf); err != nil {
		t.Errorf("Save then Restore: %v", err)
	}
}

// FuzzNetworkRestore: any bytes, taken as they are and with their checksum
// repaired (to reach the payload decoder), are refused or restored
// without a panic, and a restored network runs or returns an error.
func FuzzNetworkRestore(f *testing.F) {
	src := smallCheckpointNet(f, 2, 0.1, 3)
	if err := src.Run(context.Background(), 10, nil); err != nil {
		f.Fatal(err)
	}
	good := must(src.MarshalBinary())
	f.Add(good)
	f.Add(good[:envelopeHeader+20])
	f.Add([]byte("brainnet2"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range [][]byte{data, resealFuzz(data)} {
			net := smallCheckpointNet(t, 2, 0.1, 3)
			err := net.UnmarshalBinary(d)
			var bug *BugError
			if errors.As(err, &bug) {
				t.Fatalf("panic in UnmarshalBinary: %v\n%s", bug.Value, bug.Stack)
			}
			if err != nil {
				if !errors.Is(err, ErrCheckpoint) {
					t.Fatalf("error not wrapping ErrCheckpoint: %v", err)
				}
				continue
			}
			if err := net.Run(context.Background(), 1, nil); errors.As(err, &bug) {
				t.Fatalf("panic in Run after a restore: %v\n%s", bug.Value, bug.Stack)
			}
		}
	})
}

// resealFuzz gives data of checkpoint form a correct length and checksum.
func resealFuzz(data []byte) []byte {
	if len(data) < envelopeHeader+envelopeCRC {
		return data
	}
	b := bytes.Clone(data)
	binary.LittleEndian.PutUint64(b[len(envelopeMagic)+1:], uint64(len(b)))
	return reseal(b)
}

// A checkpoint restored into a freshly built twin gives the same
// checkpoint as the uninterrupted network after every later step (the
// ring's dirty flags are written in canonical form: a restored ring marks
// every part, a running one only the writers). Found by neuron soak.
func TestCheckpointTwinStaysIdentical(t *testing.T) {
	mk := func() *Network {
		exc := must(NewPopulation("exc", 400, Generic()))
		ip := Generic()
		ip.Inhibitory = true
		inh := must(NewPopulation("inh", 100, ip))
		net := NewNetwork(0.1, 1)
		for _, c := range []struct {
			pre, post *Population
			w         float64
		}{{exc, exc, 20}, {exc, inh, 20}, {inh, exc, -80}, {inh, inh, -80}} {
			must(net.Connect(c.pre, c.post, FixedProbability{P: 0.1}, SynapseSpec{Weight: Const(c.w), Delay: Const(1.5)}))
		}
		must(net.ConnectSource(must(NewPoissonGroup("drive", 1000, 10)), exc, FixedInDegree{K: 40}, SynapseSpec{Weight: Const(60)}))
		return net
	}
	net, twin := mk(), mk()
	ctx := context.Background()
	if err := net.Run(ctx, 300, nil); err != nil {
		t.Fatal(err)
	}
	if err := twin.UnmarshalBinary(must(net.MarshalBinary())); err != nil {
		t.Fatal(err)
	}
	for k := range 30 {
		if err := net.Run(ctx, 0.1, nil); err != nil {
			t.Fatal(err)
		}
		if err := twin.Run(ctx, 0.1, nil); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(must(net.MarshalBinary()), must(twin.MarshalBinary())) {
			t.Fatalf("step %d after the restore: checkpoints differ", k)
		}
	}
}

//go:build mpi

package mpi

/*
#cgo pkg-config: ompi-c
#include <mpi.h>
#include <stdlib.h>

static int neuron_init(int *provided) {
	return MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, provided);
}
static int neuron_rank(int *r) { return MPI_Comm_rank(MPI_COMM_WORLD, r); }
static int neuron_size(int *s) { return MPI_Comm_size(MPI_COMM_WORLD, s); }
static int neuron_blocks(const int32_t *send, int32_t *recv, int width) {
	return MPI_Allgather(send, width, MPI_INT32_T, recv, width, MPI_INT32_T, MPI_COMM_WORLD);
}
static int neuron_gatherv(const int32_t *send, int n, int32_t *recv, const int *counts, const int *displs) {
	return MPI_Allgatherv(send, n, MPI_INT32_T, recv, counts, displs, MPI_INT32_T, MPI_COMM_WORLD);
}
static int neuron_finalize(void) { return MPI_Finalize(); }
static void neuron_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }
static void neuron_errors_return(void) { MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN); }
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"unsafe"
)

// Enabled reports whether this build links MPI (-tags mpi).
const Enabled = true

// Comm is this process's rank of MPI_COMM_WORLD.
type Comm struct {
	rank, size int
	counts     []C.int // per rank: words sent
	displs     []C.int
	one        [1]int32 // stands in for an empty send buffer
	done       bool
	// width is the block each rank sends in the one-call exchange: its
	// payload's length, then the payload, padded (grows when a payload
	// does not fit).
	width      int
	block, all []int32
}

// Init initialises MPI (MPI_THREAD_SERIALIZED) and returns this process's
// rank. It locks the calling goroutine to its thread: call Finalize from
// the same goroutine.
func Init() (*Comm, error) {
	runtime.LockOSThread()
	// Open MPI's signal handlers (for its backtraces) would replace the
	// Go runtime's, which turns nil dereferences into panics.
	if _, ok := os.LookupEnv("OMPI_MCA_opal_signal"); !ok {
		os.Setenv("OMPI_MCA_opal_signal", "")
	}
	var provided C.int
	if rc := C.neuron_init(&provided); rc != C.MPI_SUCCESS {
		return nil, fmt.Errorf("mpi: MPI_Init_thread failed (code %d)", int(rc))
	}
	if provided < C.MPI_THREAD_SERIALIZED {
		C.neuron_finalize()
		return nil, fmt.Errorf("mpi: the MPI library provides thread level %d, below MPI_THREAD_SERIALIZED", int(provided))
	}
	C.neuron_errors_return()
	var r, s C.int
	C.neuron_rank(&r)
	C.neuron_size(&s)
	c := &Comm{rank: int(r), size: int(s)}
	c.counts = make([]C.int, c.size)
	c.displs = make([]C.int, c.size)
	return c, nil
}

// Rank is this process's rank.
func (c *Comm) Rank() int { return c.rank }

// Size is the number of ranks.
func (c *Comm) Size() int { return c.size }

// AllGather implements brain.Comm. Usually it is one collective call: an
// MPI_Allgather of fixed-width blocks (length, payload, padding). When a
// payload does not fit, every rank learns all lengths from that call and
// a second one, MPI_Allgatherv, moves the payloads; the width then grows
// so that payloads of that size fit next time.
func (c *Comm) AllGather(dst []int32, counts []int, send []int32) ([]int32, error) {
	if len(counts) != c.size {
		return dst, fmt.Errorf("mpi: AllGather: %d counts for %d ranks", len(counts), c.size)
	}
	if c.done {
		return dst, fmt.Errorf("mpi: AllGather after Finalize")
	}
	if c.width == 0 {
		c.width = 256
	}
	w := c.width
	if cap(c.block) < w {
		c.block = make([]int32, w)
	}
	c.block = c.block[:w]
	c.block[0] = int32(len(send))
	clear(c.block[1+copy(c.block[1:], send):])
	if cap(c.all) < w*c.size {
		c.all = make([]int32, w*c.size)
	}
	c.all = c.all[:w*c.size]
	rc := C.neuron_blocks((*C.int32_t)(unsafe.Pointer(&c.block[0])), (*C.int32_t)(unsafe.Pointer(&c.all[0])), C.int(w))
	if rc != C.MPI_SUCCESS {
		return dst, fmt.Errorf("mpi: MPI_Allgather failed on rank %d (code %d)", c.rank, int(rc))
	}
	total, longest := 0, 0
	for r := range c.size {
		n := int(c.all[r*w])
		counts[r] = n
		c.counts[r] = C.int(n)
		c.displs[r] = C.int(total)
		total += n
		longest = max(longest, n)
	}
	dst = dst[:0]
	if longest < w {
		for r := range c.size {
			dst = append(dst, c.all[r*w+1:r*w+1+counts[r]]...)
		}
		return dst, nil
	}
	c.width = longest + longest/4 + 1
	if cap(dst) < total+1 {
		dst = make([]int32, total, total+total/4+1)
	}
	dst = dst[:total]
	sp := &c.one[0]
	if len(send) > 0 {
		sp = &send[0]
	}
	rp := &dst[:cap(dst)][0]
	rc = C.neuron_gatherv((*C.int32_t)(unsafe.Pointer(sp)), C.int(len(send)), (*C.int32_t)(unsafe.Pointer(rp)), &c.counts[0], &c.displs[0])
	runtime.KeepAlive(send)
	if rc != C.MPI_SUCCESS {
		return dst, fmt.Errorf("mpi: MPI_Allgatherv failed on rank %d (code %d)", c.rank, int(rc))
	}
	return dst, nil
}

// Finalize ends MPI (call it from the goroutine that called Init).
func (c *Comm) Finalize() error {
	if c.done {
		return nil
	}
	c.done = true
	if rc := C.neuron_finalize(); rc != C.MPI_SUCCESS {
		return fmt.Errorf("mpi: MPI_Finalize failed (code %d)", int(rc))
	}
	return nil
}

// Abort stops every rank of the job with exit code code (MPI_Abort).
func (c *Comm) Abort(code int) { C.neuron_abort(C.int(code)) }

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
static int neuron_counts(int n, int *counts) {
	return MPI_Allgather(&n, 1, MPI_INT, counts, 1, MPI_INT, MPI_COMM_WORLD);
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

// AllGather implements brain.Comm with two collective calls: MPI_Allgather
// of the payload lengths, then MPI_Allgatherv of the payloads.
func (c *Comm) AllGather(dst []int32, counts []int, send []int32) ([]int32, error) {
	if len(counts) != c.size {
		return dst, fmt.Errorf("mpi: AllGather: %d counts for %d ranks", len(counts), c.size)
	}
	if c.done {
		return dst, fmt.Errorf("mpi: AllGather after Finalize")
	}
	if rc := C.neuron_counts(C.int(len(send)), &c.counts[0]); rc != C.MPI_SUCCESS {
		return dst, fmt.Errorf("mpi: MPI_Allgather of the payload lengths failed on rank %d (code %d)", c.rank, int(rc))
	}
	total := 0
	for r, n := range c.counts {
		c.displs[r] = C.int(total)
		counts[r] = int(n)
		total += int(n)
	}
	if cap(dst) < total+1 {
		dst = make([]int32, total, total+total/4+1)
	}
	dst = dst[:total]
	sp := &c.one[0]
	if len(send) > 0 {
		sp = &send[0]
	}
	rp := &dst[:cap(dst)][0]
	rc := C.neuron_gatherv((*C.int32_t)(unsafe.Pointer(sp)), C.int(len(send)), (*C.int32_t)(unsafe.Pointer(rp)), &c.counts[0], &c.displs[0])
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

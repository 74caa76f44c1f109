//go:build !mpi

package mpi

import (
	"fmt"
	"os"
	"strconv"
)

// Enabled reports whether this build links MPI (-tags mpi).
const Enabled = false

// Comm is the single rank of a build without MPI.
type Comm struct{}

// Init returns the one rank of a build without MPI; it fails when mpirun
// started this process as one of several ranks.
func Init() (*Comm, error) {
	if n, _ := strconv.Atoi(os.Getenv("OMPI_COMM_WORLD_SIZE")); n > 1 {
		return nil, fmt.Errorf("mpi: started by mpirun as one of %d ranks, but built without -tags mpi (each rank would simulate the whole network alone)", n)
	}
	return &Comm{}, nil
}

// Rank is 0.
func (*Comm) Rank() int { return 0 }

// Size is 1.
func (*Comm) Size() int { return 1 }

// AllGather returns send.
func (*Comm) AllGather(dst []int32, counts []int, send []int32) ([]int32, error) {
	if len(counts) != 1 {
		return dst, fmt.Errorf("mpi: AllGather: %d counts for 1 rank", len(counts))
	}
	counts[0] = len(send)
	return append(dst[:0], send...), nil
}

// Finalize does nothing.
func (*Comm) Finalize() error { return nil }

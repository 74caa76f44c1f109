// Package mpi runs a brain.Network across processes and machines with MPI
// (Open MPI from Debian: libopenmpi-dev, openmpi-bin), through cgo.
//
// Built with -tags mpi, Init starts MPI and returns this process's rank of
// MPI_COMM_WORLD as a brain.Comm; without the tag (the default build, pure
// Go) Init returns a single-rank Comm, and fails when mpirun started the
// process as one of several ranks, since each would then simulate the
// whole network alone.
//
//	comm, err := mpi.Init()
//	if err != nil { ... }
//	defer comm.Finalize()
//	net, err := models.CUBA(64000, 1)
//	net.Comm = comm
//	err = net.Run(ctx, 1000, nil)
//
// Call Init and Finalize from the same goroutine (Init locks it to its
// operating-system thread, as MPI wants MPI_Finalize on the thread that
// called MPI_Init); the network may Run on any goroutine, one collective
// call at a time (MPI_THREAD_SERIALIZED).
package mpi

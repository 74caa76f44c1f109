// Package sweep runs parameter sweeps and ensembles: a [Spec] names a
// registered function and a space of points (a grid, random or Latin
// hypercube samples, and a list of seeds); every point is evaluated by a pure
// function of its parameters and seed, and the rows come back as a [Table]
// with the point's parameters, results, seed, error and wall time.
//
// Three runners give the same table for the same spec:
//
//   - [Run], the embedded runner: a pool of goroutines over the cores, with a
//     progress callback (the CLI draws a terminal bar, a notebook passes
//     nbhelpers' progress display);
//   - array jobs: [Run] with [Options].Shard set evaluates one shard
//     (`neuron sweep -shard i/n`, or the index from SLURM_ARRAY_TASK_ID or
//     JOB_COMPLETION_INDEX), and [Merge] joins the shards' journals;
//   - Apache Beam, in the separate module sweep/beam, so that this module
//     never compiles Beam.
//
// # Identity
//
// Points are enumerated in a fixed order (the first grid axis varies
// slowest, then the samples, then the seeds) and carry two identifiers: the
// index in that order and an ID that hashes the parameter names, values and
// seed, so the ID of a point does not change when the space around it grows.
// The table written by [Table.WriteTo] is sorted by index and leaves out the
// wall time: it is a function of the spec alone, byte for byte, whichever
// runner, worker count or shard count produced it, and whether or not the
// run was interrupted and resumed. Wall times are kept in the journal and in
// [Row].WallMS in memory.
//
// # Durability
//
// Runners append every finished row to a journal (JSON lines, one row per
// line, written with a single write call and synced). A journal is readable
// while the sweep runs and after it is killed: a torn last line is dropped.
// Restarting a sweep on the same journal skips the points it already holds.
// A point whose function returns an error (or panics) is recorded with the
// error text and does not stop the others. JSON lines rather than Parquet: a
// Parquet file is readable only once its footer is written, so a killed run
// would lose everything since the last closed file, whereas a JSON-lines
// journal loses at most the line being written; it also costs this module
// no dependency, and pandas (read_json(lines=True)), polars (read_ndjson) and
// Go read it directly. Floats are written in the shortest form that reads
// back to the same float64; NaN is written as null and ±Inf as the strings
// "+Inf" and "-Inf".
package sweep

// Package cputime reads the CPU time of the calling OS thread, and of the
// whole process. Benchmarks lock their goroutine to its thread and time each
// operation with it, so their numbers mean "cost on one core" even on a
// loaded machine, where wall time mostly measures waiting for a core; code
// that starts goroutines of its own is timed with the process's clock.
package cputime

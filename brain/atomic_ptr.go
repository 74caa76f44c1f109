package brain

import (
	"sync/atomic"
	"unsafe"
)

// boundsPtr and bugPtr are atomic pointers to a []int and a BugError: the
// team's fields (network_pool.go). They are not atomic.Pointer[T]
// because every package that imports brain compiles the methods of the
// generic types instantiated in brain's struct types again (as duplicates
// for the linker): a user's main package that touches a Network compiled
// atomic.Pointer[[]int] and atomic.Pointer[BugError], 16 functions, which
// cost its compile about 10 ms (median 91 → 81 ms wall, 11 alternated
// runs; 380 fewer page faults) on the 2-vCPU VM of docs/benchmarks.md.
type boundsPtr struct{ p unsafe.Pointer }

func (a *boundsPtr) Load() *[]int   { return (*[]int)(atomic.LoadPointer(&a.p)) }
func (a *boundsPtr) Store(b *[]int) { atomic.StorePointer(&a.p, unsafe.Pointer(b)) }

type bugPtr struct{ p unsafe.Pointer }

func (a *bugPtr) Load() *BugError   { return (*BugError)(atomic.LoadPointer(&a.p)) }
func (a *bugPtr) Store(b *BugError) { atomic.StorePointer(&a.p, unsafe.Pointer(b)) }

// CompareAndSwap stores n if the pointer is old and reports whether it did.
func (a *bugPtr) CompareAndSwap(old, n *BugError) bool {
	return atomic.CompareAndSwapPointer(&a.p, unsafe.Pointer(old), unsafe.Pointer(n))
}

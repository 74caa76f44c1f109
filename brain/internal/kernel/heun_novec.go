//go:build !(goexperiment.simd && amd64)

package kernel

// vecWidth is the number of lanes of the vector Heun kernels: none in
// this build (it lacks GOEXPERIMENT=simd or is not for amd64).
func vecWidth() int { return 0 }

// stepHeunVec is never called in this build (vecWidth is 0); it runs the
// scalar kernel.
func stepHeunVec(cs *Consts, s *State, lo, hi int, dst []int32, sc *Scratch) ([]int32, int) {
	for b := lo; b < hi; b += Block {
		var bad int
		if dst, bad = stepHeun(cs, s, b, min(b+Block, hi), dst, sc); bad >= 0 {
			return dst, bad
		}
	}
	return dst, -1
}

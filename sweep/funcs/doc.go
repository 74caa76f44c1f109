// Package funcs registers the project's sweep functions with package sweep,
// so that `neuron sweep` and the Beam runner find them by name. Import it for
// its side effect:
//
//	import _ "github.com/neuron-sim/neuron/sweep/funcs"
//
// Registered functions:
//
//	brunel   one point of Brunel's (2000) phase diagram (see BrunelPoint)
package funcs

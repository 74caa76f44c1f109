//go:build js && wasm

// Command explorer-wasm is the simulation of the explorers compiled to WebAssembly
// (GOOS=js GOARCH=wasm). Package nbhelpers/explore builds it and embeds it, gzip-compressed,
// in notebook outputs and reports, so that moving a slider in a report re-runs the same Go
// code (package brain/explore) in the browser, with no kernel and no network.
//
// It registers one JavaScript function and then waits:
//
//	neuronExplore(kind, paramsJSON, callback)
//
// kind is "cell" (explore.CellParams) or "network" (explore.NetParams); the simulation runs
// in a goroutine and then calls callback(error, resultJSON), error being "" on success.
package main

import (
	"encoding/json"
	"fmt"
	"syscall/js"

	"github.com/neuron-sim/neuron/brain/explore"
)

func run(kind, params string) (any, error) {
	switch kind {
	case "cell":
		var p explore.CellParams
		if err := json.Unmarshal([]byte(params), &p); err != nil {
			return nil, fmt.Errorf("explore: cell parameters: %w", err)
		}
		return explore.RunCell(p)
	case "network":
		var p explore.NetParams
		if err := json.Unmarshal([]byte(params), &p); err != nil {
			return nil, fmt.Errorf("explore: network parameters: %w", err)
		}
		return explore.RunNet(p)
	}
	return nil, fmt.Errorf("explore: kind %q: want cell or network", kind)
}

func main() {
	js.Global().Set("neuronExplore", js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) != 3 || args[2].Type() != js.TypeFunction {
			return "neuronExplore(kind, paramsJSON, callback): wrong arguments"
		}
		kind, params, cb := args[0].String(), args[1].String(), args[2]
		go func() {
			res, err := run(kind, params)
			if err == nil {
				var b []byte
				if b, err = json.Marshal(res); err == nil {
					cb.Invoke("", string(b))
					return
				}
			}
			cb.Invoke(err.Error(), "")
		}()
		return nil
	}))
	js.Global().Set("neuronExploreVersion", "1")
	select {}
}

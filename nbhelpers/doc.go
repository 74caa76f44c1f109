// Package nbhelpers turns the plain data of a simulation (spike times and neuron ids, sampled
// traces, weights, rates) into charts: interactive ECharts charts inline in a GoNB notebook,
// static gonum/plot figures (PNG or SVG), standalone HTML pages, and progress displays.
//
// # Build, then display
//
// Every chart has a pure builder and a thin display call:
//
//	c, err := nbhelpers.RasterChart("exc-raster", pops, nbhelpers.RasterOptions{})
//	// c.HTML() is a self-contained <div> plus draw script; c.Option is the ECharts option (JSON)
//	err = nbhelpers.Display(c)
//
//	err = nbhelpers.DisplayRaster("exc-raster", pops, nbhelpers.RasterOptions{}) // the same, in one call
//
// Builders take plain slices (times in ms, neuron ids as int32, traces as a time axis plus one
// row of values per trace) so that this package never depends on how the simulator stores its
// state. They validate their input and return errors (wrapping [ErrEmpty], [ErrNonFinite],
// [ErrLength] or [ErrRange]) for empty data, NaN or ±Inf values and mismatched lengths. A panic
// inside go-echarts is recovered and returned as an error wrapping [ErrRender].
//
// Builders downsample in Go before any data reaches the browser: traces are min/max decimated
// to a point budget per trace, large rasters are thinned to a subset of neurons (all spikes of
// every k-th neuron of each population) and the exact spike count is always stated in the
// chart's subtitle. This keeps notebooks responsive and exported reports small.
//
// Every builder's options embed [Layout]: title, subtitle, size, axis names (Layout.XName and
// Layout.YName rename the axes of any builder) and colours (Layout.Colors replaces the colour
// cycle). The caller's subtitle lines and the builder's notes each take a line of their own;
// the legend and the plot area start below the last line, and the toolbox stands in the right
// margin beside the plot, so long titles and notes never overlap anything.
//
// Membrane potentials recorded at the end of each step (as brain and NEST record them) never
// show the spike: the spike's step already holds the reset value. MembraneOptions.SpikeStrokes,
// Panel.SpikeTimesMS and AdaptationData.SpikeTimesMS draw each spike as a vertical stroke from
// the trace up to a peak value, leaving the samples unchanged ([SpikeStrokePoints]).
//
// # Claims, errors and tables
//
// Notebooks assert what they claim. [Check] and [Checkf] show a claim as a green PASS or red FAIL
// line with its target and measured value, and fail the cell on a false claim; [Must], [Must2]
// and [NoError] show an error as a readable line and fail the cell. In a notebook the cell's
// program then exits with status 1 (no stack trace); outside a notebook they panic, so tests
// can recover. [Table] renders a small table of results. [SpikesFromRecorder] and
// [SpikesFromTrains] turn recorded spikes into the [Spikes] the chart builders take.
//
// # The ECharts library, offline
//
// ECharts 5.6.0 (Apache-2.0; see assets/LICENSE, assets/NOTICE, assets/licenses/LICENSE-d3)
// is embedded with go:embed and put on the page once by [Setup], which belongs in the second
// cell of every notebook (GoNB runs each cell as a new process, so no "already loaded" state can
// survive between cells). The library is wrapped so that RequireJS, present in classic Notebook
// and in nbconvert's HTML, cannot capture it: the UMD header sees define, exports and module
// shadowed as undefined and sets window.echarts. Each chart's script waits (polling every
// 50 ms, for up to 10 s) until window.echarts and its element exist, then draws; there is no
// CDN anywhere, so exported reports draw with no network.
//
// Chart element ids are deterministic: "nbc-" + the caller's name + "-" + a hash of the chart
// content. When the same chart is shown twice on one page, each draw script takes the first
// element with its id that is not drawn yet.
//
// # Outside a notebook
//
// When gonbui.IsNotebook is false (plain go run, go test), the Display functions do nothing and
// return only validation errors; [WriteHTMLFile] writes the same charts into a standalone page
// that embeds the library.
//
// # Display and Sync
//
// GoNB drops display data still in its pipe when the cell program exits, so every display
// function here calls gonbui.Sync before returning.
package nbhelpers

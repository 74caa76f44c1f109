package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"time"

	"github.com/neuron-sim/neuron/brain/stream"
)

func init() {
	register(command{
		name:    "convert",
		summary: "convert a brain/stream recording to NWB 2 and/or a SONATA spike file, in bounded memory",
		run:     runConvert,
	})
}

const convertSynopsis = `--in run.nrs [--nwb run.nwb] [--sonata spikes.h5] [--partial]

Reads a file written by a brain/stream Recorder (or "neuron record") block by
block and writes its spike streams as an NWB 2 units table (and its state
streams as TimeSeries) and/or a SONATA spike file. Memory stays bounded: the
units table is filled in passes of at most 4·10⁶ spike times. Prints JSON with
the spikes converted, whether the file was complete, the time taken and the
peak resident memory. A file its recorder did not close (a crashed or stopped
run, a full disk) is refused unless --partial is given: then what it holds up
to its last complete block is converted, and the NWB notes say so.`

func runConvert(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("convert", convertSynopsis, stderr)
	in := fs.String("in", "", "stream file to convert")
	nwbPath := fs.String("nwb", "", "NWB 2 file to write")
	sonataPath := fs.String("sonata", "", "SONATA spike file to write")
	partial := fs.Bool("partial", false, "convert a file its recorder did not close (up to its last complete block)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *nwbPath == "" && *sonataPath == "" {
		fs.Usage()
		return errors.New("--in and at least one of --nwb, --sonata are required")
	}
	f, err := stream.Open(*in)
	if err != nil {
		return err
	}
	var spikes int64
	for _, info := range f.Streams() {
		if info.Kind == stream.KindSpikes {
			sp, err := f.Spikes(info.Name)
			if err != nil {
				f.Close()
				return err
			}
			spikes += sp.Len()
		}
	}
	meta := f.Meta()
	complete := f.Complete()
	f.Close()
	if !complete {
		if !*partial {
			return fmt.Errorf("--in %s: the file is incomplete (its recorder did not close it: the run crashed or stopped, or the disk filled); its %d spikes are those up to its last complete block: pass --partial to convert them", *in, spikes)
		}
		meta = maps.Clone(meta)
		if meta == nil {
			meta = map[string]any{}
		}
		meta["incomplete_recording"] = "converted with --partial: the recorder did not close the file; it holds what was written up to its last complete block"
	}
	t0 := time.Now()
	if err := convertRecording(*in, *nwbPath, *sonataPath, nil, meta); err != nil {
		return err
	}
	out := map[string]any{"spikes": spikes, "complete": complete, "seconds": time.Since(t0).Seconds(), "peak_rss_mb": float64(peakRSSKB()) / 1024}
	for _, p := range []string{*nwbPath, *sonataPath} {
		if st, err := os.Stat(p); err == nil {
			out[p] = st.Size()
		}
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("writing the result: %w", err)
	}
	return nil
}

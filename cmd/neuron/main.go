// Command neuron is the project's command-line tool. Each subcommand lives
// in its own file and registers itself from an init function:
//
//	neuron fit       fit a GeneralizedNeuron to a recording (fit.go)
//	neuron predict   predict spikes of fitted parameters (predict.go)
//	neuron accuracy  the accuracy issue's protocol of the validation suite (accuracy.go)
//	neuron validate  the fitter's validation suite (validate.go)
//	neuron sweep     parameter sweeps, shards of array jobs, merging (sweep.go)
//	neuron cell      one cell under a current step, with an HTML report (quicklook.go)
//	neuron network   Brunel's E–I network at (g, η), with an HTML report (quicklook.go)
//	neuron rstdp     Izhikevich (2007) conditioning with reward-modulated STDP (rstdp.go)
//
// Run "neuron help" for the list and "neuron <command> -h" for the flags of
// one command.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand. run receives the arguments after the
// subcommand's name and writes its result to stdout and diagnostics to
// stderr.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{}

// register adds a subcommand; call it from an init function in the
// subcommand's file.
func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("neuron: duplicate command " + c.name)
	}
	commands[c.name] = c
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches args[0] and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "neuron: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	if err := c.run(args[1:], stdout, stderr); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		fmt.Fprintf(stderr, "neuron %s: %v\n", c.name, err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: neuron <command> [flags]")
	fmt.Fprintln(w)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
}

// newFlagSet returns a flag set that reports errors instead of exiting and
// prints its usage to stderr.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("neuron "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: neuron %s %s\n\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

package validate

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// Goal is one done-when target of the suite (issue 17) on the held-out
// protocols of one cell and regime.
type Goal struct {
	Cell, Regime string
	// What is "Γ median", "f–I error median" or "rate error median".
	What string
	// Target is the bound; AtLeast says whether it is a lower bound (Γ)
	// or an upper bound (errors).
	Target  float64
	AtLeast bool
	// Measured is the held-out median; Ceiling the median Γ of the
	// cell against itself with gleak +2 % (Γ goals only).
	Measured, Ceiling float64
}

// Met says whether the measured value reaches the target.
func (g Goal) Met() bool {
	if g.AtLeast {
		return g.Measured >= g.Target
	}
	return g.Measured <= g.Target
}

func (g Goal) String() string {
	v := "MET    "
	if !g.Met() {
		v = "NOT MET"
	}
	op := "≤"
	if g.AtLeast {
		op = "≥"
	}
	if g.What == "Γ median" {
		return fmt.Sprintf("%s %s %-11s %s: target %s %.2f, measured %.3f (ceiling %.3f)", v, g.Cell, g.Regime, g.What, op, g.Target, g.Measured, g.Ceiling)
	}
	return fmt.Sprintf("%s %s %-11s %s: target %s %.0f %%, measured %.1f %%", v, g.Cell, g.Regime, g.What, op, 100*g.Target, 100*g.Measured)
}

// gammaTargets are the held-out median Γ targets.
var gammaTargets = map[[2]string]float64{
	{"RS", Fluctuation}: 0.90, {"FS", Fluctuation}: 0.90, {"IB", Fluctuation}: 0.80,
	{"RS", Mean}: 0.85, {"FS", Mean}: 0.85, {"IB", Mean}: 0.65,
}

// Goals returns the targets against the held-out rows of sums:
// median Γ per cell and regime (≥ 0.90 RS/FS and ≥ 0.80 IB
// fluctuation-driven; ≥ 0.85 and ≥ 0.65 mean-driven), f–I error ≤ 10 %
// for RS and FS, rate error ≤ 5 % for every cell.
func Goals(sums []Summary) []Goal {
	var out []Goal
	for _, s := range sums {
		if s.Split != HeldOut {
			continue
		}
		out = append(out, Goal{Cell: s.Cell, Regime: s.Regime, What: "Γ median", Target: gammaTargets[[2]string{s.Cell, s.Regime}],
			AtLeast: true, Measured: s.GammaTest.Median, Ceiling: s.Ceiling2})
		if s.Cell != "IB" {
			out = append(out, Goal{Cell: s.Cell, Regime: s.Regime, What: "f–I error median", Target: 0.10, Measured: s.FIError.Median})
		}
		out = append(out, Goal{Cell: s.Cell, Regime: s.Regime, What: "rate error median", Target: 0.05, Measured: s.RateError.Median})
	}
	return out
}

// WriteTable writes the summary as an aligned text table.
func WriteTable(w io.Writer, sum []Summary) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "split\tcell\tregime\tn\tΓ median\tworst\tceiling +2 %\t+5 %\trate err median\tworst\tf–I err median\tworst\tceiling f–I +2 %\t")
	for _, s := range sum {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.1f %%\t%.1f %%\t%.1f %%\t%.1f %%\t%.1f %%\t\n",
			s.Split, s.Cell, s.Regime, s.N, s.GammaTest.Median, s.GammaTest.Worst, s.Ceiling2, s.Ceiling5,
			100*s.RateError.Median, 100*s.RateError.Worst, 100*s.FIError.Median, 100*s.FIError.Worst, 100*s.CeilingFI2)
	}
	return tw.Flush()
}

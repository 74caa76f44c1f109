package nbhelpers

import (
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
)

// ErrClaim is wrapped by the error of every false claim; match it with errors.Is.
var ErrClaim = errors.New("nbhelpers: claim failed")

// Claim is one statement a notebook asserts: what is claimed, the target it must meet, what was
// measured, and whether it holds. [Check] builds, shows and enforces one.
type Claim struct {
	// Text states the claim, e.g. "the interneuron adapts less than the pyramidal cell".
	Text string
	// Target is the criterion, e.g. "A < 0.1"; empty when Text says it all.
	Target string
	// Measured is what the notebook measured, e.g. "A = 0.03".
	Measured string
	// OK reports whether the claim holds.
	OK bool
}

// Err returns nil for a claim that holds, else an error wrapping [ErrClaim] that states it.
func (c Claim) Err() error {
	if c.OK {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrClaim, c.String())
}

// String is the claim as one plain-text line: "PASS text: target …, measured …".
func (c Claim) String() string {
	verdict := "PASS"
	if !c.OK {
		verdict = "FAIL"
	}
	s := verdict + " " + c.Text
	switch {
	case c.Target != "" && c.Measured != "":
		s += ": target " + c.Target + ", measured " + c.Measured
	case c.Target != "":
		s += ": target " + c.Target
	case c.Measured != "":
		s += ": measured " + c.Measured
	}
	return s
}

// HTML renders the claim as one line for a notebook: a green PASS or red FAIL badge, the claim,
// and target and measured value in a readable layout.
func (c Claim) HTML() string {
	badge, border := `<span style="background:#3ba272;color:#fff;border-radius:3px;padding:0 6px;font-weight:bold">PASS</span>`, "#3ba272"
	if !c.OK {
		badge, border = `<span style="background:#c23531;color:#fff;border-radius:3px;padding:0 6px;font-weight:bold">FAIL</span>`, "#c23531"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="nbclaim" data-ok="%t" style="font:13px sans-serif;margin:3px 0;padding:2px 6px;border-left:3px solid %s">`,
		c.OK, border)
	b.WriteString(badge)
	b.WriteString(" ")
	b.WriteString(html.EscapeString(c.Text))
	if c.Target != "" {
		fmt.Fprintf(&b, ` <span style="color:#555">· target</span> %s`, html.EscapeString(c.Target))
	}
	if c.Measured != "" {
		fmt.Fprintf(&b, ` <span style="color:#555">· measured</span> <b>%s</b>`, html.EscapeString(c.Measured))
	}
	b.WriteString("</div>")
	return b.String()
}

// NewClaim returns a claim; measured is a fmt format for args (no args: used as is).
func NewClaim(ok bool, text, target, measured string, args ...any) Claim {
	if len(args) > 0 {
		measured = fmt.Sprintf(measured, args...)
	}
	return Claim{Text: text, Target: target, Measured: measured, OK: ok}
}

// Check asserts a claim in a notebook: it shows the claim as a PASS or FAIL line and, when the
// claim is false, fails the cell. measured is a fmt format for args.
//
//	nbhelpers.Check(a < 0.1, "the interneuron barely adapts", "A < 0.1", "A = %.2f", a)
//
// In a notebook a false claim ends the cell's program with exit status 1 after the FAIL line
// and a one-line message on standard error have been shown, so Jupyter, nbconvert and CI
// report the cell as failed without a stack trace. Outside a notebook (go test, go run) Check
// prints the line to standard output and panics with the claim's error on a false claim.
func Check(ok bool, text, target, measured string, args ...any) {
	report(NewClaim(ok, text, target, measured, args...))
}

// Checkf asserts a claim written as one formatted line, "what: target …, measured …":
//
//	nbhelpers.Checkf(math.Abs(tau-16.8) < 0.05, "τ+: target 16.80 ms, measured %.2f ms", tau)
//
// It behaves as [Check].
func Checkf(ok bool, format string, args ...any) {
	report(Claim{Text: fmt.Sprintf(format, args...), OK: ok})
}

// Must returns v, or, when err is not nil, shows the error as a readable FAIL line and fails
// the cell (as [Check] does for a false claim).
func Must[T any](v T, err error) T {
	if err != nil {
		fail(err)
	}
	return v
}

// Must2 is [Must] for functions that return two values and an error.
func Must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		fail(err)
	}
	return a, b
}

// Must3 is [Must] for functions that return three values and an error.
func Must3[A, B, C any](a A, b B, c C, err error) (A, B, C) {
	if err != nil {
		fail(err)
	}
	return a, b, c
}

// Must4 is [Must] for functions that return four values and an error.
func Must4[A, B, C, D any](a A, b B, c C, d D, err error) (A, B, C, D) {
	if err != nil {
		fail(err)
	}
	return a, b, c, d
}

// NoError shows a non-nil err as a readable FAIL line and fails the cell (see [Must]); it does
// nothing for nil.
func NoError(err error) {
	if err != nil {
		fail(err)
	}
}

// ErrorHTML renders an error as a notebook block: a red ERROR badge and the message.
func ErrorHTML(err error) string {
	return `<div class="nbclaim" data-ok="false" style="font:13px sans-serif;margin:3px 0;padding:2px 6px;border-left:3px solid #c23531">` +
		`<span style="background:#c23531;color:#fff;border-radius:3px;padding:0 6px;font-weight:bold">ERROR</span> ` +
		html.EscapeString(err.Error()) + `</div>`
}

// exit ends the cell program after a failure; a variable so that tests can replace it.
var exit = os.Exit

// stdout and stderr are where claims are written outside a notebook and failures are
// announced; variables so that tests can capture them.
var (
	stdout io.Writer = os.Stdout
	stderr io.Writer = os.Stderr
)

func report(c Claim) {
	if gonbui.IsNotebook {
		DisplayHTML(c.HTML())
	} else {
		fmt.Fprintln(stdout, c.String())
	}
	if !c.OK {
		stop(c.Err())
	}
}

func fail(err error) {
	if gonbui.IsNotebook {
		DisplayHTML(ErrorHTML(err))
	}
	stop(err)
}

// stop fails the cell: exit status 1 in a notebook (after the display has been synced), a
// panic elsewhere.
func stop(err error) {
	if gonbui.IsNotebook {
		fmt.Fprintln(stderr, "cell failed:", err)
		exit(1)
		return
	}
	panic(err)
}

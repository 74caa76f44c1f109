package plasticity

import (
	"fmt"

	"github.com/neuron-sim/neuron/brain"
)

// Combined gives one projection both short-term plasticity and a rule
// that changes its weights: Short decides how strongly each presynaptic
// spike is transmitted (a TsodyksMarkram, say) and Long learns the
// weights (brain.STDP.NewRule(), RewardSTDP, VogelsSprekeler, a rule of
// yours). A spike then delivers w·u·x: w the synapse's weight as Long
// has left it (from before this step's learning), u·x Short's release
// factor. Short's own Learn runs before Long's. State and memory are the
// sum of the two rules' (both are saved with the network when Stateful).
// Set it as brain.SynapseSpec.Plasticity; like every rule it belongs to
// one projection.
type Combined struct {
	Short brain.Transmitter
	Long  brain.PlasticityRule
}

// Combine returns the rule carrying short-term plasticity short and
// weight plasticity long on one projection.
func Combine(short brain.Transmitter, long brain.PlasticityRule) *Combined {
	return &Combined{Short: short, Long: long}
}

// Prepare prepares both rules.
func (c *Combined) Prepare(s *brain.Synapses, dt float64) error {
	if c.Short == nil || c.Long == nil {
		return fmt.Errorf("plasticity: Combined: Short set %t, Long set %t: both must be set", c.Short != nil, c.Long != nil)
	}
	if err := c.Short.Prepare(s, dt); err != nil {
		return err
	}
	return c.Long.Prepare(s, dt)
}

// Transmit is Short's.
func (c *Combined) Transmit(s *brain.Synapses, step int64, pre []int32, release []float64) {
	c.Short.Transmit(s, step, pre, release)
}

// Learn runs Short's Learn, then Long's.
func (c *Combined) Learn(s *brain.Synapses, step int64, pre, post []int32) {
	c.Short.Learn(s, step, pre, post)
	c.Long.Learn(s, step, pre, post)
}

// SaveState writes the state of whichever rules are Stateful, Short
// first.
func (c *Combined) SaveState(e *brain.StateEncoder) {
	for _, r := range []brain.PlasticityRule{c.Short, c.Long} {
		if st, ok := r.(brain.Stateful); ok {
			st.SaveState(e)
		}
	}
}

// RestoreState reads what SaveState wrote.
func (c *Combined) RestoreState(d *brain.StateDecoder) error {
	for _, r := range []brain.PlasticityRule{c.Short, c.Long} {
		if st, ok := r.(brain.Stateful); ok {
			if err := st.RestoreState(d); err != nil {
				return err
			}
		}
	}
	return d.Err()
}

// WeightBounds is the intersection of the two rules' bounds (a rule that
// is no brain.WeightBounder counts as [0, brain.MaxWeight], not kept),
// kept when both keep theirs.
func (c *Combined) WeightBounds() (lo, hi float64, kept bool) {
	lo, hi, kept = 0, brain.MaxWeight, true
	for _, r := range []brain.PlasticityRule{c.Short, c.Long} {
		b, ok := r.(brain.WeightBounder)
		if !ok {
			kept = false
			continue
		}
		l, h, k := b.WeightBounds()
		lo, hi, kept = max(lo, l), min(hi, h), kept && k
	}
	return lo, hi, kept
}

// StorageBytes adds up the two rules' reports.
func (c *Combined) StorageBytes() (perSynapse, perCell int64) {
	for _, r := range []brain.PlasticityRule{c.Short, c.Long} {
		if b, ok := r.(brain.StorageReporter); ok {
			s, p := b.StorageBytes()
			perSynapse, perCell = perSynapse+s, perCell+p
		}
	}
	return perSynapse, perCell
}

var (
	_ brain.Transmitter     = (*Combined)(nil)
	_ brain.Stateful        = (*Combined)(nil)
	_ brain.StorageReporter = (*Combined)(nil)
	_ brain.WeightBounder   = (*Combined)(nil)
)

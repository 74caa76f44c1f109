package brain

import "testing"

// Decimal spike times must land in the step they name, although t/dt is
// computed in binary floating point (99.9/0.1 = 998.9999999999999).
func TestStepOfDecimalTimes(t *testing.T) {
	cases := []struct {
		t, dt float64
		want  int64
	}{
		{99.9, 0.1, 999},
		{0.3, 0.1, 3},
		{0.7, 0.1, 7},
		{0.05, 0.1, 0},
		{0.0999, 0.1, 0},
		{12.34, 0.01, 1234},
		{1000, 0.1, 10000},
	}
	for _, c := range cases {
		if got := stepOf(c.t, c.dt); got != c.want {
			t.Errorf("stepOf(%v, %v) = %d, want %d", c.t, c.dt, got, c.want)
		}
	}
}

package experiments

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
)

// RunDaspnet runs Izhikevich's (2007) conditioning experiment as his
// published MATLAB program (daspnet.m, the code of the paper's Fig. 1)
// computes it, written out directly rather than with brain: the
// reference for RunConditioning. Its details, from that program:
//
//   - 1000 cells (800 regular spiking, 200 fast spiking), 100 synapses
//     each; an excitatory cell's targets are drawn uniformly (with
//     repetition) from all 1000 cells, an inhibitory cell's from the 800
//     excitatory ones; weights 1 and −1; a spike reaches its targets in
//     the step after the one in which it was detected (v ≥ 30 mV).
//   - Every ms each cell gets a current uniform in ±6.5; v takes two
//     0.5-ms Euler steps, then u one 1-ms step.
//   - Each cell's STDP trace is set to 0.1 at its spike and multiplied by
//     0.95 every ms. A postsynaptic spike at step t adds to the
//     eligibility of each of its excitatory input synapses the
//     presynaptic trace as it was at step t−1 (pre-before-post by at
//     least one step); a presynaptic spike at step t subtracts 1.5 × the
//     postsynaptic trace at step t, so spikes in the same step depress.
//   - Dopamine decays by 0.995 every ms and jumps by 0.5 at a reward.
//     Every 10 ms each excitatory weight moves by (0.002 + DA)·c, DA the
//     level then, and is clipped to [0, 4]; then every eligibility is
//     multiplied by 0.99.
//   - The rewarded synapse is cell 0's first synapse, which starts at 0
//     (the others at 1); a reward follows 1–3 s (1000 + ⌈2000·U⌉ ms)
//     after every spike of its target within 20 ms of cell 0's last
//     spike.
//
// The result has the same fields as RunConditioning's (N2 may be an
// inhibitory cell, numbered from 800 here; OthersMean etc. summarise the
// other 79 999 excitatory synapses).
func RunDaspnet(ctx context.Context, c Conditioning) (ConditioningResult, error) {
	every, err := c.sampleEvery()
	if err != nil {
		return ConditioningResult{}, err
	}
	const ne, n, m, sm = 800, 1000, 100, 4.0
	rng := rand.New(rand.NewPCG(c.Seed, 0xda5b1e7))
	post := make([]int32, n*m)
	s := make([]float64, n*m)
	sd := make([]float64, n*m)
	for i := range n {
		for k := range m {
			if i < ne {
				post[i*m+k], s[i*m+k] = int32(rng.IntN(n)), 1
			} else {
				post[i*m+k], s[i*m+k] = int32(rng.IntN(ne)), -1
			}
		}
	}
	// in[j]: the excitatory synapses onto cell j.
	in := make([][]int32, n)
	for syn := range ne * m {
		j := post[syn]
		in[j] = append(in[j], int32(syn))
	}
	a, d := make([]float64, n), make([]float64, n)
	v, u := make([]float64, n), make([]float64, n)
	for i := range n {
		a[i], d[i] = 0.02, 8
		if i >= ne {
			a[i], d[i] = 0.1, 2
		}
		v[i], u[i] = -65, 0.2*-65
	}
	tr, trPrev := make([]float64, n), make([]float64, n) // STDP traces at t and t−1
	cur := make([]float64, n)
	n2 := int(post[0])
	s[0] = 0
	res := ConditioningResult{DurationS: c.DurationS, Seed: c.Seed, N1: 0, N2: n2, Synapses: n * m}
	var others []float64
	collect := func() {
		others = append(others[:0], s[1:ne*m]...)
		slices.Sort(others)
	}
	sampleEvery := int64(math.Round(every * 1000))
	var rewards []int64
	da := 0.0
	n1f, n2f := int64(-100), int64(-1)
	var exc, inh int64
	fired := make([]int32, 0, n)
	steps := int64(math.Round(c.DurationS * 1000))
	for t := int64(1); t <= steps; t++ {
		if t%1000 == 0 && ctx.Err() != nil {
			return res, ctx.Err()
		}
		for i := range cur {
			cur[i] = 13 * (rng.Float64() - 0.5)
		}
		fired = fired[:0]
		for i := range n {
			if v[i] >= 30 {
				fired = append(fired, int32(i))
				v[i], u[i] = -65, u[i]+d[i]
				tr[i] = 0.1
				if i < ne {
					exc++
				} else {
					inh++
				}
			}
		}
		for _, f := range fired { // potentiation: presynaptic trace at t−1
			for _, syn := range in[f] {
				sd[syn] += trPrev[int(syn)/m]
			}
		}
		for _, f := range fired { // delivery and depression: postsynaptic trace at t
			for k := int(f) * m; k < int(f+1)*m; k++ {
				j := post[k]
				cur[j] += s[k]
				sd[k] -= 1.5 * tr[j]
			}
		}
		for i := range n {
			v[i] += 0.5 * ((0.04*v[i]+5)*v[i] + 140 - u[i] + cur[i])
			v[i] += 0.5 * ((0.04*v[i]+5)*v[i] + 140 - u[i] + cur[i])
			u[i] += a[i] * (0.2*v[i] - u[i])
		}
		for i := range n {
			trPrev[i] = tr[i]
			tr[i] *= 0.95
		}
		da *= 0.995
		if t%10 == 0 {
			g := 0.002 + da
			for k := range ne * m {
				s[k] = min(sm, max(0, s[k]+g*sd[k]))
			}
			for k := range sd {
				sd[k] *= 0.99
			}
		}
		for _, f := range fired {
			if f == 0 {
				n1f = t
			}
			if int(f) == n2 {
				n2f = t
				if t-n1f < 20 && n2f > n1f {
					rewards = append(rewards, t+1000+int64(math.Ceil(2000*rng.Float64())))
				}
			}
		}
		for _, r := range rewards {
			if r == t {
				da += 0.5
			}
		}
		if t%sampleEvery == 0 {
			collect()
			sum := 0.0
			for _, w := range others {
				sum += w
			}
			res.TimesS = append(res.TimesS, float64(t)/1000)
			res.Rewarded = append(res.Rewarded, s[0])
			res.OthersMean = append(res.OthersMean, sum/float64(len(others)))
			res.OthersP99 = append(res.OthersP99, others[int(0.99*float64(len(others)-1))])
			res.OthersMax = append(res.OthersMax, others[len(others)-1])
		}
	}
	collect()
	res.HistEdges, res.HistCounts = weightHistogram(others)
	res.Rank = len(others) - sort0(others, s[0])
	for _, r := range rewards {
		if r <= steps {
			res.RewardTimesS = append(res.RewardTimesS, float64(r)/1000)
		}
	}
	res.RateExcHz = float64(exc) / ne / c.DurationS
	res.RateInhHz = float64(inh) / (n - ne) / c.DurationS
	return res, nil
}

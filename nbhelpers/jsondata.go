package nbhelpers

import (
	"math"
	"strconv"
)

// Compact JSON encodings for series data. encoding/json writes float64 with up to 17
// significant digits and go-echarts' opts.*Data types add {"value":...} wrappers; for
// 10⁴–10⁵ points that is most of a report's size. These types write plain arrays with a
// bounded number of significant digits instead.

// sigDigits is the number of significant digits written for data values: 7 keeps 0.1 ms
// resolution up to 10⁵ ms and 0.1 µV resolution on mV traces.
const sigDigits = 7

func appendNum(b []byte, v float64) []byte {
	if !isFinite(v) {
		return append(b, "null"...)
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.AppendInt(b, int64(v), 10)
	}
	return strconv.AppendFloat(b, v, 'g', sigDigits, 64)
}

// xyData marshals as [[x0,y0],[x1,y1],...].
type xyData struct{ x, y []float64 }

func (d xyData) MarshalJSON() ([]byte, error) { return tuples(d.x, d.y), nil }

// xyzData marshals as [[x0,y0,z0],...] (heatmap cells: column, row, value).
type xyzData struct{ x, y, z []float64 }

func (d xyzData) MarshalJSON() ([]byte, error) { return tuples(d.x, d.y, d.z), nil }

// tuples writes the columns cols (of equal length) as a JSON array of rows.
func tuples(cols ...[]float64) []byte {
	n := len(cols[0])
	b := make([]byte, 0, 2+n*(2+9*len(cols)))
	b = append(b, '[')
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		for k, c := range cols {
			if k == 0 {
				b = append(b, '[')
			} else {
				b = append(b, ',')
			}
			b = appendNum(b, c[i])
		}
		b = append(b, ']')
	}
	return append(b, ']')
}

// numData marshals as [v0,v1,...] (bar heights on a category axis).
type numData []float64

func (d numData) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 2+len(d)*8)
	b = append(b, '[')
	for i, v := range d {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendNum(b, v)
	}
	return append(b, ']'), nil
}

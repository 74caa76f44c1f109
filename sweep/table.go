package sweep

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
)

// Row is the outcome of one point.
type Row struct {
	Index   int       // the point's position in the enumeration order
	ID      string    // the point's ID
	Seed    uint64    // the point's seed
	Params  []float64 // parameter values, in the order of Table.Params
	Results []float64 // results in the order of Table.Results; NaN when the point failed
	Err     string    // error text; empty on success
	WallMS  float64   // wall time of the evaluation (ms); not part of the table's identity
}

// Table holds the rows of a sweep. Rows are sorted by Index once a runner
// or Merge returns the table.
type Table struct {
	Spec    Spec     // the sweep that made the table
	Params  []string // parameter names (Spec.Names())
	Results []string // result names (the function's Results)
	Rows    []Row
}

// NewTable returns an empty table for spec, whose rows hold the given
// results.
func NewTable(spec Spec, results []string) *Table {
	return &Table{Spec: spec, Params: spec.Names(), Results: slices.Clone(results)}
}

// Sort orders the rows by index.
func (t *Table) Sort() {
	slices.SortFunc(t.Rows, func(a, b Row) int { return a.Index - b.Index })
}

// Column returns the values of the named parameter or result, one per row,
// or an error naming the column.
func (t *Table) Column(name string) ([]float64, error) {
	if k := slices.Index(t.Params, name); k >= 0 {
		c := make([]float64, len(t.Rows))
		for i, r := range t.Rows {
			c[i] = r.Params[k]
		}
		return c, nil
	}
	if k := slices.Index(t.Results, name); k >= 0 {
		c := make([]float64, len(t.Rows))
		for i, r := range t.Rows {
			c[i] = r.Results[k]
		}
		return c, nil
	}
	return nil, fmt.Errorf("sweep: table %q has no column %q (parameters %v, results %v)", t.Spec.Name, name, t.Params, t.Results)
}

// Failed returns the rows that carry an error.
func (t *Table) Failed() []Row {
	var f []Row
	for _, r := range t.Rows {
		if r.Err != "" {
			f = append(f, r)
		}
	}
	return f
}

// header is the first line of a table or journal file.
type header struct {
	Format  string   `json:"format"`
	Spec    Spec     `json:"spec"`
	Params  []string `json:"params"`
	Results []string `json:"results"`
}

const formatName = "neuron-sweep/1"

func (t *Table) headerLine() ([]byte, error) {
	b, err := json.Marshal(header{Format: formatName, Spec: t.Spec, Params: t.Params, Results: t.Results})
	if err != nil {
		return nil, fmt.Errorf("sweep: encoding header: %w", err)
	}
	return append(b, '\n'), nil
}

// WriteTo writes the table as JSON lines: a header line with the spec and
// the column names, then one line per row in index order, without wall
// times. The bytes depend on the spec and the results only.
func (t *Table) WriteTo(w io.Writer) (int64, error) {
	t.Sort()
	bw := bufio.NewWriter(w)
	h, err := t.headerLine()
	if err != nil {
		return 0, err
	}
	n, _ := bw.Write(h)
	total := int64(n)
	var buf []byte
	for _, r := range t.Rows {
		buf = t.appendRow(buf[:0], r, false)
		n, _ = bw.Write(buf)
		total += int64(n)
	}
	if err := bw.Flush(); err != nil {
		return total, fmt.Errorf("sweep: writing table: %w", err)
	}
	return total, nil
}

// Bytes returns what WriteTo writes.
func (t *Table) Bytes() []byte {
	var b bytes.Buffer
	t.WriteTo(&b) // a bytes.Buffer does not fail
	return b.Bytes()
}

// appendRow appends one row's JSON line; wall adds the wall time.
func (t *Table) appendRow(b []byte, r Row, wall bool) []byte {
	b = append(b, `{"index":`...)
	b = strconv.AppendInt(b, int64(r.Index), 10)
	b = append(b, `,"id":`...)
	b = strconv.AppendQuote(b, r.ID)
	b = append(b, `,"seed":`...)
	b = strconv.AppendUint(b, r.Seed, 10)
	for k, n := range t.Params {
		b = append(b, ',', '"')
		b = append(b, n...)
		b = append(b, '"', ':')
		b = appendFloat(b, r.Params[k])
	}
	for k, n := range t.Results {
		b = append(b, ',', '"')
		b = append(b, n...)
		b = append(b, '"', ':')
		b = appendFloat(b, r.Results[k])
	}
	b = append(b, `,"error":`...)
	e, _ := json.Marshal(r.Err) // JSON string escaping; strings do not fail
	b = append(b, e...)
	if wall {
		b = append(b, `,"wall_ms":`...)
		b = strconv.AppendFloat(b, math.Round(r.WallMS*1000)/1000, 'f', -1, 64)
	}
	return append(b, '}', '\n')
}

func appendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, "null"...)
	case math.IsInf(v, 1):
		return append(b, `"+Inf"`...)
	case math.IsInf(v, -1):
		return append(b, `"-Inf"`...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

func parseFloat(m json.RawMessage) (float64, error) {
	switch s := string(m); s {
	case "null":
		return math.NaN(), nil
	case `"+Inf"`:
		return math.Inf(1), nil
	case `"-Inf"`:
		return math.Inf(-1), nil
	default:
		return strconv.ParseFloat(s, 64)
	}
}

// ReadTable reads a table or a journal (rows in any order, possibly with
// wall times). A last line without its newline (a write cut off by a kill)
// is ignored; any other malformed line is an error naming its number.
// Rows are returned as read; call Sort or use Merge.
func ReadTable(r io.Reader) (*Table, error) {
	t, _, err := readTable(r)
	return t, err
}

// readTable also returns the length in bytes of the complete lines read.
func readTable(r io.Reader) (*Table, int64, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	line, err := br.ReadBytes('\n')
	if err != nil {
		if err == io.EOF {
			return nil, 0, fmt.Errorf("sweep: reading table: no complete header line")
		}
		return nil, 0, fmt.Errorf("sweep: reading table: %w", err)
	}
	good := int64(len(line))
	var h header
	if err := json.Unmarshal(line, &h); err != nil {
		return nil, 0, fmt.Errorf("sweep: reading table header: %w", err)
	}
	if h.Format != formatName {
		return nil, 0, fmt.Errorf("sweep: reading table: format %q, want %q", h.Format, formatName)
	}
	t := &Table{Spec: h.Spec, Params: h.Params, Results: h.Results}
	for ln := 2; ; ln++ {
		line, err := br.ReadBytes('\n')
		if err == io.EOF {
			return t, good, nil // a torn last line, if any, is dropped
		}
		if err != nil {
			return nil, 0, fmt.Errorf("sweep: reading table line %d: %w", ln, err)
		}
		row, err := t.parseRow(line)
		if err != nil {
			return nil, 0, fmt.Errorf("sweep: reading table line %d: %w", ln, err)
		}
		t.Rows = append(t.Rows, row)
		good += int64(len(line))
	}
}

func (t *Table) parseRow(line []byte) (Row, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(line, &m); err != nil {
		return Row{}, err
	}
	var r Row
	if err := json.Unmarshal(m["index"], &r.Index); err != nil {
		return r, fmt.Errorf("index: %w", err)
	}
	if err := json.Unmarshal(m["id"], &r.ID); err != nil {
		return r, fmt.Errorf("id: %w", err)
	}
	if err := json.Unmarshal(m["seed"], &r.Seed); err != nil {
		return r, fmt.Errorf("seed: %w", err)
	}
	if err := json.Unmarshal(m["error"], &r.Err); err != nil {
		return r, fmt.Errorf("error: %w", err)
	}
	if w, ok := m["wall_ms"]; ok {
		if err := json.Unmarshal(w, &r.WallMS); err != nil {
			return r, fmt.Errorf("wall_ms: %w", err)
		}
	}
	get := func(names []string) ([]float64, error) {
		v := make([]float64, len(names))
		for k, n := range names {
			raw, ok := m[n]
			if !ok {
				return nil, fmt.Errorf("column %q missing", n)
			}
			f, err := parseFloat(raw)
			if err != nil {
				return nil, fmt.Errorf("column %q: %w", n, err)
			}
			v[k] = f
		}
		return v, nil
	}
	var err error
	if r.Params, err = get(t.Params); err != nil {
		return r, err
	}
	if r.Results, err = get(t.Results); err != nil {
		return r, err
	}
	return r, nil
}

func nanSlice(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = math.NaN()
	}
	return v
}

// ReadFile reads a table or journal file (see ReadTable) and sorts its rows
// by index.
func ReadFile(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	defer f.Close()
	t, err := ReadTable(f)
	if err != nil {
		return nil, fmt.Errorf("sweep: %s: %w", path, err)
	}
	t.Sort()
	return t, nil
}

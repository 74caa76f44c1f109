package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"sync"
	"time"
)

// Journal is the durable record of a running sweep: a JSON-lines file with
// the header of [Table.WriteTo] and one line per finished row, in the order
// the rows finished, with wall times. Every row is written with one write
// call to a file opened for appending, so a killed process leaves at most a
// torn last line, which the next OpenJournal cuts off; several processes on
// one machine may append to the same journal. The file is synced to disk at
// most once per second and on Close (a killed process loses nothing; a
// machine crash loses at most the last second).
type Journal struct {
	mu       sync.Mutex
	f        *os.File
	t        *Table // encodes rows; holds no rows
	buf      []byte
	lastSync time.Time
}

// OpenJournal opens the journal at path for spec, whose function returns
// the named results, creating it if needed, and returns the rows it already
// holds. An existing journal must have been written for the same spec and
// results.
func OpenJournal(path string, spec Spec, results []string) (*Journal, []Row, error) {
	t := NewTable(spec, results)
	h, err := t.headerLine()
	if err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("sweep: journal: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("sweep: journal: %w", err)
	}
	var rows []Row
	if st.Size() == 0 {
		if _, err := f.Write(h); err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("sweep: journal %s: %w", path, err)
		}
	} else {
		old, good, err := readTable(f)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("sweep: journal %s: %w", path, err)
		}
		oh, _ := old.headerLine()
		if !bytes.Equal(oh, h) {
			f.Close()
			return nil, nil, fmt.Errorf("sweep: journal %s was written for another sweep:\n  have %s  want %s", path, oh, h)
		}
		if good < st.Size() { // cut off a torn last line
			if err := f.Truncate(good); err != nil {
				f.Close()
				return nil, nil, fmt.Errorf("sweep: journal %s: %w", path, err)
			}
		}
		rows = old.Rows
	}
	return &Journal{f: f, t: t, lastSync: time.Now()}, rows, nil
}

// Append writes one row.
func (j *Journal) Append(r Row) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return errors.New("sweep: journal is closed")
	}
	j.buf = j.t.appendRow(j.buf[:0], r, true)
	if _, err := j.f.Write(j.buf); err != nil {
		return fmt.Errorf("sweep: journal: %w", err)
	}
	if time.Since(j.lastSync) > time.Second {
		j.lastSync = time.Now()
		if err := j.f.Sync(); err != nil && !errors.Is(err, fs.ErrInvalid) {
			return fmt.Errorf("sweep: journal: %w", err)
		}
	}
	return nil
}

// Close syncs and closes the file.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	err := j.f.Sync()
	if cerr := j.f.Close(); err == nil {
		err = cerr
	}
	j.f = nil
	if err != nil {
		return fmt.Errorf("sweep: journal: %w", err)
	}
	return nil
}

// specKey is the canonical encoding used to compare specs.
func specKey(s Spec) string {
	b, _ := json.Marshal(s) // a Spec holds only numbers and strings
	return string(b)
}

// Merge reads tables or journals (of shards, or of interrupted and resumed
// runs) of one sweep and returns its complete table, sorted by index. Every
// point of the spec must appear; a point that appears more than once must
// have the same results and error each time (the function is pure).
func Merge(paths ...string) (*Table, error) {
	if len(paths) == 0 {
		return nil, errors.New("sweep: Merge: no files")
	}
	var out *Table
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("sweep: Merge: %w", err)
		}
		t, err := ReadTable(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("sweep: Merge %s: %w", p, err)
		}
		if out == nil {
			out = &Table{Spec: t.Spec, Params: t.Params, Results: t.Results}
		} else if specKey(t.Spec) != specKey(out.Spec) || !slices.Equal(t.Results, out.Results) || !slices.Equal(t.Params, out.Params) {
			return nil, fmt.Errorf("sweep: Merge: %s belongs to another sweep than %s", p, paths[0])
		}
		out.Rows = append(out.Rows, t.Rows...)
	}
	return out, out.complete()
}

// complete checks the rows against the spec's points, removes duplicates
// and sorts by index.
func (t *Table) complete() error {
	pts, err := t.Spec.Points()
	if err != nil {
		return err
	}
	byIndex := make([]*Row, len(pts))
	for i := range t.Rows {
		r := &t.Rows[i]
		if r.Index < 0 || r.Index >= len(pts) || pts[r.Index].ID != r.ID {
			return fmt.Errorf("sweep: table %q: row with index %d and id %s is not a point of the sweep", t.Spec.Name, r.Index, r.ID)
		}
		if prev := byIndex[r.Index]; prev != nil {
			if !sameOutcome(*prev, *r) {
				return fmt.Errorf("sweep: table %q: point %d (id %s) has two different outcomes; is the function pure?", t.Spec.Name, r.Index, r.ID)
			}
			continue
		}
		byIndex[r.Index] = r
	}
	rows := make([]Row, 0, len(pts))
	var missing []int
	for i, r := range byIndex {
		if r == nil {
			missing = append(missing, i)
			continue
		}
		rows = append(rows, *r)
	}
	if len(missing) > 0 {
		return fmt.Errorf("sweep: table %q: %d of %d points missing (first indices %v)", t.Spec.Name, len(missing), len(pts), missing[:min(len(missing), 8)])
	}
	t.Rows = rows
	return nil
}

func sameOutcome(a, b Row) bool {
	if a.Err != b.Err || len(a.Results) != len(b.Results) {
		return false
	}
	for k := range a.Results {
		x, y := a.Results[k], b.Results[k]
		if x != y && !(x != x && y != y) {
			return false
		}
	}
	return true
}

// AppendJournal opens an existing journal for appending only, without
// reading or repairing it: for workers of a distributed runner that add
// rows to a journal the driver opened (with OpenJournal) before it started
// them. The journal must already hold the header of spec and results.
func AppendJournal(path string, spec Spec, results []string) (*Journal, error) {
	t := NewTable(spec, results)
	h, err := t.headerLine()
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, fmt.Errorf("sweep: journal: %w", err)
	}
	got := make([]byte, len(h))
	r, err := os.Open(path)
	if err == nil {
		_, err = io.ReadFull(r, got)
		r.Close()
	}
	if err != nil || !bytes.Equal(got, h) {
		f.Close()
		return nil, fmt.Errorf("sweep: journal %s does not start with the header of sweep %q", path, spec.Name)
	}
	return &Journal{f: f, t: t, lastSync: time.Now()}, nil
}

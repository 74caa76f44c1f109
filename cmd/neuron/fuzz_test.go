package main

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadParams: any parameter file gives Params or an error.
func FuzzReadParams(f *testing.F) {
	f.Add([]byte(`{"params":{"C":1}}`))
	f.Add([]byte(`{"Name":"x","TauRef":2}`))
	f.Add([]byte(`[1,2,3]`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "p.json")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := readParams(path)
		if err == nil {
			if err := p.Validate(); err != nil {
				t.Fatalf("accepted invalid params: %v", err)
			}
		}
	})
}

// FuzzParseInts and FuzzParseTheta: flag values.
func FuzzParseInts(f *testing.F) {
	f.Add("1,2,4")
	f.Add("-1,,x")
	f.Fuzz(func(t *testing.T, s string) { _, _ = parseInts(s) })
}

func FuzzParseTheta(f *testing.F) {
	f.Add("auto")
	f.Add("on")
	f.Fuzz(func(t *testing.T, s string) { _, _ = parseTheta(s) })
}

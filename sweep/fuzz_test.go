package sweep

import (
	"strings"
	"testing"
)

// Fuzz targets of the sweep's outside inputs: spec files, shard strings
// and result tables (journals). Each returns a value or an error, never a
// panic.

func FuzzParseSpec(f *testing.F) {
	f.Add([]byte(`{"seeds":[1,2]}`))
	f.Add([]byte(`{"nope":1}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseSpec(b) })
}

func FuzzParseShard(f *testing.F) {
	f.Add("0/4")
	f.Add("5/4")
	f.Add("-1/0")
	f.Fuzz(func(t *testing.T, s string) {
		sh, err := ParseShard(s)
		if err == nil && !(sh.I >= 0 && sh.I < sh.N) {
			t.Fatalf("%q gave %+v", s, sh)
		}
	})
}

func FuzzReadTable(f *testing.F) {
	f.Add("")
	f.Add("{\"index\":0}\n")
	f.Add("not json\n")
	f.Fuzz(func(t *testing.T, s string) { _, _ = ReadTable(strings.NewReader(s)) })
}

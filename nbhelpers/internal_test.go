package nbhelpers

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
)

type panicky struct{}

func (panicky) Validate()                    { var m map[string]int; m["boom"] = 1 }
func (panicky) JSON() map[string]interface{} { return nil }

type badJSON struct{}

func (badJSON) Validate()                    {}
func (badJSON) JSON() map[string]interface{} { return map[string]interface{}{"x": make(chan int)} }

func TestFinishRecoversGoEchartsPanics(t *testing.T) {
	c, err := finish("k", "n", Layout{}, panicky{}, "", nil)
	if c != nil || !errors.Is(err, ErrRender) || !strings.Contains(err.Error(), "panicked") {
		t.Errorf("panic not turned into ErrRender: %v", err)
	}
	if _, err := finish("k", "n", Layout{}, badJSON{}, "", nil); !errors.Is(err, ErrRender) {
		t.Errorf("marshal failure not ErrRender: %v", err)
	}
}

// TestEmbeddedLibraryMatchesPin checks the embedded bundle against assets/echarts.sha256,
// written by scripts/vendor_echarts.sh from the pinned npm tarball.
func TestEmbeddedLibraryMatchesPin(t *testing.T) {
	sums, err := os.ReadFile("assets/echarts.sha256")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(echartsJS))
	want := hex.EncodeToString(sum[:]) + "  echarts.min.js"
	if !strings.Contains(string(sums), want) {
		t.Errorf("embedded echarts.min.js sha256 %x not in assets/echarts.sha256", sum)
	}
	if EChartsVersion != "5.6.0" {
		t.Errorf("EChartsVersion = %q", EChartsVersion)
	}
	if strings.Contains(strings.ToLower(echartsJS), "</script") {
		t.Errorf("bundle contains </script")
	}
	for _, f := range []string{"assets/LICENSE", "assets/NOTICE", "assets/licenses/LICENSE-d3"} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("licence file missing: %v", err)
		}
	}
}

func TestCompactNumbers(t *testing.T) {
	b, _ := xyData{x: []float64{0, 0.1 + 0.2, 12345.678901234}, y: []float64{-65, 1e-7, 3}}.MarshalJSON()
	if got, want := string(b), "[[0,-65],[0.3,1e-07],[12345.68,3]]"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

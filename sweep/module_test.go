package sweep_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The Beam runner lives in its own module (sweep/beam) so that the main
// module's build list does not grow by Beam's: `go list -m all` at the
// repository root must name no Beam or Google Cloud module.
func TestMainModuleHasNoBeam(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	cmd := exec.Command(gobin, "list", "-m", "all")
	cmd.Dir = ".." // the repository root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -m all: %v\n%s", err, out)
	}
	mods := strings.Split(strings.TrimSpace(string(out)), "\n")
	if mods[0] != "github.com/neuron-sim/neuron" || !strings.Contains(string(out), "github.com/go-echarts/go-echarts/v2") {
		t.Fatalf("go list -m all does not list the main module's build list:\n%s", out)
	}
	for _, m := range mods {
		if strings.HasPrefix(m, "github.com/apache/beam") || strings.HasPrefix(m, "cloud.google.com/") {
			t.Errorf("main module depends on %s (Beam belongs in sweep/beam's own module)", m)
		}
	}
	t.Logf("main module build list: %d modules", len(mods))
}

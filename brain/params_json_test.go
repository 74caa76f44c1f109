package brain

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseParamsJSON(t *testing.T) {
	full := string(must(json.Marshal(Pyramidal())))
	if p, err := ParseParamsJSON([]byte(full)); err != nil || p != Pyramidal() {
		t.Fatalf("round trip: %v, %+v", err, p)
	}
	edit := func(old, new string) string { return strings.Replace(full, old, new, 1) }
	for _, c := range []struct {
		name, in, want string
	}{
		{"typo TauRef", edit(`"TRef":`, `"TauRef":`), `unknown field "TauRef" (did you mean "TRef"?)`},
		{"unknown far field", edit(`"TRef":`, `"Colour":1,"TRef":`), `unknown field "Colour"`},
		{"unknown synapse field", edit(`"TauE":`, `"TauX":1,"TauE":`), `unknown field "TauX"`},
		{"missing C", edit(`"C":281,`, ``), "missing field(s) C "},
		{"null GL", edit(`"GL":30`, `"GL":null`), "missing field(s) GL "},
		{"missing synapse TauI", edit(`"TauI":`, `"X":0,"TauI":`), `unknown field "X"`},
		{"missing Synapse", edit(`"Synapse":`, `"Synapse":null,"Q":`), `unknown field "Q"`},
		{"trailing data", full + `{}`, "data after"},
		{"wrong type", edit(`"C":281`, `"C":"281"`), "cannot unmarshal string"},
		{"not JSON", "C=281", "invalid character"},
		{"empty", "", "EOF"},
		{"invalid value", edit(`"C":281`, `"C":-1`), "C = -1"},
		{"too big", full + strings.Repeat(" ", MaxParamsJSONBytes), "more than"},
	} {
		_, err := ParseParamsJSON([]byte(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "brain: ") {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	// Every field but Name, Inhibitory, Integrator and the optional model
	// terms (DeltaTheta2, TauTheta2, WSat: 0 is off) is required,
	// Synapse's too.
	var m map[string]any
	if err := json.Unmarshal([]byte(full), &m); err != nil {
		t.Fatal(err)
	}
	for k := range m {
		cp := map[string]any{}
		for k2, v := range m {
			if k2 != k {
				cp[k2] = v
			}
		}
		_, err := ParseParamsJSON(must(json.Marshal(cp)))
		if optional := slices.Contains([]string{"Name", "Inhibitory", "Integrator", "DeltaTheta2", "TauTheta2", "WSat"}, k); optional != (err == nil) {
			t.Errorf("without %s: %v", k, err)
		} else if !optional && !strings.Contains(err.Error(), k) {
			t.Errorf("without %s: error %v does not name it", k, err)
		}
	}
	syn := m["Synapse"].(map[string]any)
	for k := range syn {
		v := syn[k]
		delete(syn, k)
		_, err := ParseParamsJSON(must(json.Marshal(m)))
		if err == nil || !strings.Contains(err.Error(), "Synapse."+k) {
			t.Errorf("without Synapse.%s: %v", k, err)
		}
		syn[k] = v
	}
	var pe *ParamError
	if _, err := ParseParamsJSON([]byte(edit(`"VT":-50.4`, `"VT":1e300`))); !errors.As(err, &pe) || pe.Field != "VT" {
		t.Errorf("VT 1e300: %v", err)
	}
}

// FuzzParseParamsJSON: any bytes give Params that pass Validate or an
// error, never a panic; accepted Params survive a round trip.
func FuzzParseParamsJSON(f *testing.F) {
	for _, p := range []Params{Generic(), Pyramidal(), Sensory(), Purkinje()} {
		f.Add(must(json.Marshal(p)))
	}
	f.Add([]byte(`{"TauRef":2}`))
	f.Add([]byte(`{"params":{}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseParamsJSON(b)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "brain: ") {
				t.Fatalf("error without package prefix: %v", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted invalid params: %v", err)
		}
		q, err := ParseParamsJSON(must(json.Marshal(p)))
		if err != nil || q != p {
			t.Fatalf("round trip: %v", err)
		}
	})
}

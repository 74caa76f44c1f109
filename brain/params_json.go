package brain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// MaxParamsJSONBytes bounds the size of a parameter file.
const MaxParamsJSONBytes = 1 << 20

// optionalParams are the Params fields a JSON object may leave out: a
// missing Name is "", a missing Inhibitory is false, a missing Integrator
// is Accurate, and the optional model terms DeltaTheta2, TauTheta2 and
// WSat are 0 (off; files written before they existed stay valid). Every
// other field,
// and every field of Synapse, must be present (a missing number would
// otherwise silently become 0).
var optionalParams = []string{"Name", "Inhibitory", "Integrator", "DeltaTheta2", "TauTheta2", "WSat"}

// ParseParamsJSON decodes one Params JSON object (the form json.Marshal
// writes) strictly: an unknown field (a typo such as "TauRef") is an error
// naming it and the nearest known field, a missing or null field is an
// error naming it (except Name, Inhibitory, Integrator, DeltaTheta2,
// TauTheta2 and WSat), trailing data is an error,
// and the result must pass Validate. Field names match case-insensitively,
// as in encoding/json.
func ParseParamsJSON(b []byte) (Params, error) {
	var p Params
	if len(b) > MaxParamsJSONBytes {
		return p, fmt.Errorf("brain: params JSON: %d bytes, more than %d", len(b), MaxParamsJSONBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Params{}, fmt.Errorf("brain: params JSON: %s", explainJSONError(err, reflect.TypeFor[Params]()))
	}
	if dec.More() {
		return Params{}, errors.New("brain: params JSON: data after the parameter object")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return Params{}, fmt.Errorf("brain: params JSON: %w", err)
	}
	if err := missingFields(top, reflect.TypeFor[Params](), "", optionalParams); err != nil {
		return Params{}, err
	}
	syn, _ := lookupFold(top, "Synapse")
	var synMap map[string]json.RawMessage
	if err := json.Unmarshal(syn, &synMap); err != nil || synMap == nil {
		return Params{}, errors.New("brain: params JSON: Synapse must be an object")
	}
	if err := missingFields(synMap, reflect.TypeFor[SynapseParams](), "Synapse.", nil); err != nil {
		return Params{}, err
	}
	if err := p.Validate(); err != nil {
		return Params{}, err
	}
	return p, nil
}

// lookupFold finds key in m case-insensitively; null counts as absent.
func lookupFold(m map[string]json.RawMessage, key string) (json.RawMessage, bool) {
	for k, v := range m {
		if strings.EqualFold(k, key) {
			if string(bytes.TrimSpace(v)) == "null" {
				return nil, false
			}
			return v, true
		}
	}
	return nil, false
}

// missingFields names the exported fields of t absent (or null) in m.
func missingFields(m map[string]json.RawMessage, t reflect.Type, prefix string, optional []string) error {
	var miss []string
	for f := range t.Fields() {
		if !f.IsExported() || slices.Contains(optional, f.Name) {
			continue
		}
		if _, ok := lookupFold(m, f.Name); !ok {
			miss = append(miss, prefix+f.Name)
		}
	}
	if len(miss) > 0 {
		return fmt.Errorf("brain: params JSON: missing field(s) %s (every field but Name, Inhibitory and Integrator is required: a missing number is not taken as 0)", strings.Join(miss, ", "))
	}
	return nil
}

// explainJSONError rewrites an unknown-field error with a suggestion.
func explainJSONError(err error, t reflect.Type) string {
	msg := err.Error()
	const pre = `json: unknown field "`
	if !strings.HasPrefix(msg, pre) {
		return strings.TrimPrefix(msg, "json: ")
	}
	name := strings.TrimSuffix(strings.TrimPrefix(msg, pre), `"`)
	var names []string
	for f := range t.Fields() {
		names = append(names, f.Name)
	}
	for f := range reflect.TypeFor[SynapseParams]().Fields() {
		names = append(names, f.Name)
	}
	best, bestD := "", 1<<30
	for _, n := range names {
		if d := editDistance(strings.ToLower(name), strings.ToLower(n)); d < bestD {
			best, bestD = n, d
		}
	}
	if bestD <= max(2, len(name)/2) {
		return fmt.Sprintf("unknown field %q (did you mean %q?)", name, best)
	}
	return fmt.Sprintf("unknown field %q", name)
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := 1
			if ra[i-1] == rb[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

package nbhelpers

import (
	"fmt"
	"html"
	"strings"
)

// Table is a small table of results for a notebook: a caption, column headers and rows of
// already formatted cells. Numbers are right-aligned, text left-aligned.
type Table struct {
	// Caption is shown above the table (optional).
	Caption string
	// Head are the column headers, with units, e.g. "rate (Hz)".
	Head []string
	// Rows hold one string per column.
	Rows [][]string
}

// AddRow appends a row of cells; each cell is formatted with fmt.Sprint unless it is a string.
// Floats are better formatted by the caller (fmt.Sprintf("%.2f", x)) to choose the rounding.
func (t *Table) AddRow(cells ...any) {
	row := make([]string, len(cells))
	for i, c := range cells {
		if s, ok := c.(string); ok {
			row[i] = s
		} else {
			row[i] = fmt.Sprint(c)
		}
	}
	t.Rows = append(t.Rows, row)
}

// validate checks that the table has columns and that every row has one cell per column.
func (t Table) validate() error {
	if len(t.Head) == 0 {
		return errf(ErrEmpty, "table %q has no columns", t.Caption)
	}
	for i, r := range t.Rows {
		if len(r) != len(t.Head) {
			return errf(ErrLength, "table %q: row %d has %d cells, want %d (one per column)",
				t.Caption, i, len(r), len(t.Head))
		}
	}
	return nil
}

// numeric reports whether s reads as a number (optionally signed, with units after a space),
// so that it is right-aligned.
func numeric(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	c := s[0]
	if c == '-' || c == '+' || c == '.' {
		return len(s) > 1 && (s[1] >= '0' && s[1] <= '9' || s[1] == '.')
	}
	if strings.HasPrefix(s, "−") { // U+2212 minus sign
		return true
	}
	return c >= '0' && c <= '9'
}

// HTML renders the table (escaped) with the notebook's compact style.
func (t Table) HTML() (string, error) {
	if err := t.validate(); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(`<table class="nbtable" style="border-collapse:collapse;font:13px sans-serif;margin:6px 0">`)
	if t.Caption != "" {
		fmt.Fprintf(&b, `<caption style="text-align:left;font-weight:bold;padding:2px 8px">%s</caption>`,
			html.EscapeString(t.Caption))
	}
	b.WriteString("<tr>")
	for _, h := range t.Head {
		fmt.Fprintf(&b, `<th style="border-bottom:1px solid #999;padding:2px 8px;text-align:left">%s</th>`,
			html.EscapeString(h))
	}
	b.WriteString("</tr>")
	for _, r := range t.Rows {
		b.WriteString("<tr>")
		for _, c := range r {
			align := "left"
			if numeric(c) {
				align = "right"
			}
			fmt.Fprintf(&b, `<td style="padding:2px 8px;text-align:%s">%s</td>`, align, html.EscapeString(c))
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</table>")
	return b.String(), nil
}

// DisplayTable shows the table in the notebook (see [Table.HTML]); outside a notebook it does
// nothing but validate.
func DisplayTable(t Table) error {
	s, err := t.HTML()
	if err != nil {
		return err
	}
	DisplayHTML(s)
	return nil
}

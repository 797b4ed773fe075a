package rules

import "testing"

// Published dates of Easter Sunday (Western churches).
func TestEaster(t *testing.T) {
	known := map[int]string{
		2024: "2024-03-31",
		2025: "2025-04-20",
		2026: "2026-04-05",
		2027: "2027-03-28",
		2028: "2028-04-16",
		2029: "2029-04-01",
		2030: "2030-04-21",
		2000: "2000-04-23",
		2008: "2008-03-23", // earliest this century
		2011: "2011-04-24",
		2019: "2019-04-21",
		2038: "2038-04-25", // latest possible date
		1818: "1818-03-22", // earliest possible date
	}
	for y, want := range known {
		if got := Easter(y); got != d(t, want) {
			t.Errorf("Easter(%d) = %s, want %s", y, got, want)
		}
	}
}

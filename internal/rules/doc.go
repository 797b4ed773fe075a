// Package rules holds the laws Garde knows as data: which requests each law
// recognises, how long the business has to answer, how the days are counted
// and which public holidays move a deadline. The facts live in embedded YAML
// files (laws/ and calendars/), each citing its sources and carrying the date
// it was last checked; an operator can replace any of them with a file of the
// same id. The counting functions are pure: civil dates in, civil dates out,
// no clocks and no time zones.
package rules

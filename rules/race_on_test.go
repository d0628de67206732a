//go:build race

package rules

// raceEnabled makes the tests that run every expression over every
// fixture line sample the lines under the (slow) race detector.
const raceEnabled = true

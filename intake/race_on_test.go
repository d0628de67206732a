//go:build race

package intake

// raceEnabled makes the large-message test smaller under the (slow) race
// detector; the bound it asserts stays well below the attachment's size.
const raceEnabled = true

package daemon

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// peakRSSMB is the process's peak resident memory in MB (VmHWM, Linux),
// or -1 where it cannot be read. It is logged when ticketd stops, and the
// benchmark reads it from a child's log.
func peakRSSMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				return -1
			}
			return kb / 1024
		}
	}
	return -1
}

package store

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// autoReplyWindow is the window of the per-recipient cap.
const autoReplyWindow = time.Hour

// allowAutoReply applies the per-recipient cap: it reports whether one more
// automatic email to addr may be queued at now, given at most limit in any
// hour (limit <= 0: unlimited), and if so records it. Times older than the
// window are pruned from the recipient's list whenever it is touched.
func allowAutoReply(tx *bolt.Tx, addr string, limit int, now time.Time) (bool, error) {
	b := tx.Bucket(bucketAutoReply)
	key := []byte(strings.ToLower(strings.TrimSpace(addr)))
	old := b.Get(key)
	cutoff := now.Add(-autoReplyWindow).UnixNano()
	kept := make([]byte, 0, len(old)+8)
	for i := 0; i+8 <= len(old); i += 8 {
		if int64(binary.BigEndian.Uint64(old[i:])) > cutoff {
			kept = append(kept, old[i:i+8]...)
		}
	}
	allowed := limit <= 0 || len(kept)/8 < limit
	if allowed {
		kept = binary.BigEndian.AppendUint64(kept, uint64(now.UnixNano()))
	}
	if len(kept) == 0 {
		if err := b.Delete(key); err != nil {
			return false, fmt.Errorf("auto-reply log of %s: %w", addr, err)
		}
		return allowed, nil
	}
	if err := b.Put(key, kept); err != nil {
		return false, fmt.Errorf("auto-reply log of %s: %w", addr, err)
	}
	return allowed, nil
}

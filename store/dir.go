package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// EnsureDir creates the directory that holds store.path (mode 0700)
// when it is missing but its own parent exists, as a first start expects.
// Deeper gaps are most likely a typo: the error names the directory that
// is missing rather than creating a tree.
func EnsureDir(path string) error {
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return nil // there, or an error that opening the store will report
	}
	if _, err := os.Stat(filepath.Dir(dir)); errors.Is(err, fs.ErrNotExist) {
		missing := filepath.Dir(dir)
		for {
			up := filepath.Dir(missing)
			if _, err := os.Stat(up); err == nil || up == missing {
				break
			}
			missing = up
		}
		return fmt.Errorf("store.path %s: directory %s does not exist (create it, or fix store.path)", path, missing)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		return fmt.Errorf("store.path %s: create its directory: %w", path, err)
	}
	return nil
}

// CompactFile compacts the database at path offline: it writes the live
// data to PATH.compact-TIME, keeps the original as PATH.before-compact-TIME
// (a hard link, so no byte is copied and the original stays whole) and
// renames the copy over path. It returns the sizes before and after and the
// original's new name. The daemon must be stopped.
func CompactFile(path string, now time.Time) (before, after int64, backup string, err error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, 0, "", fmt.Errorf("compact: %w", err)
	}
	stamp := now.UTC().Format("20060102T150405Z")
	tmp := path + ".compact-" + stamp
	backup = path + ".before-compact-" + stamp
	if err := Compact(path, tmp); err != nil {
		return 0, 0, "", fmt.Errorf("%w (stop the daemon first: compact works offline)", err)
	}
	if err := os.Link(path, backup); err != nil {
		_ = os.Remove(tmp)
		return 0, 0, "", fmt.Errorf("compact: keep the original as %s: %w", backup, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		_ = os.Remove(backup)
		return 0, 0, "", fmt.Errorf("compact: %w", err)
	}
	st2, err := os.Stat(path)
	if err != nil {
		return 0, 0, "", fmt.Errorf("compact: %w", err)
	}
	return st.Size(), st2.Size(), backup, nil
}

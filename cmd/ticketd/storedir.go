package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ensureStoreDir creates the directory that holds store.path (mode 0700)
// when it is missing but its own parent exists, as a first start expects.
// Deeper gaps are most likely a typo: the error names the directory that
// is missing rather than creating a tree.
func ensureStoreDir(path string) error {
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

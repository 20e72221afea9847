package env

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

const modulePath = "github.com/meridian-dns/meridian"

// RepoRoot finds the Meridian source tree: the working directory or one of its parents, else
// the tree this package was compiled from. test/env builds the pinned tools from its tools/.
func RepoRoot() (string, error) {
	if wd, err := os.Getwd(); err == nil {
		if root, ok := findRoot(wd); ok {
			return root, nil
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		if root, ok := findRoot(filepath.Dir(file)); ok {
			return root, nil
		}
	}
	return "", errors.New("cannot find the Meridian source tree (a go.mod for " + modulePath + "): run from inside the repository")
}

func findRoot(dir string) (string, bool) {
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(data, []byte("module "+modulePath+"\n")) {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

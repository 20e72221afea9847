// Package version reports which Meridian build is running.
package version

import (
	"fmt"
	"runtime"
)

// Version is set at build time with -ldflags "-X github.com/meridian-dns/meridian/version.Version=...";
// `make build` sets it from git describe.
var Version = "dev"

// String describes the build in one line, e.g. "v0.1.0 (go1.26.8 linux/amd64)".
func String() string {
	return fmt.Sprintf("%s (%s %s/%s)", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

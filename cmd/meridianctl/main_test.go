package main

import (
	"bytes"
	"strings"
	"testing"
)

func execute(args ...string) (stdout string, err error) {
	var out, errOut bytes.Buffer
	root := newRootCommand(&out, &errOut)
	root.SetArgs(args)
	err = root.Execute()
	return out.String(), err
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, err := execute(args...)
		if err != nil || !strings.HasPrefix(out, "meridianctl dev (go") {
			t.Errorf("%v: output %q, error %v", args, out, err)
		}
	}
}

func TestHelpListsCommands(t *testing.T) {
	out, err := execute("--help")
	if err != nil || !strings.Contains(out, "version") || !strings.Contains(out, "Usage:") {
		t.Errorf("--help: output %q, error %v", out, err)
	}
}

func TestBadInputIsAnError(t *testing.T) {
	cases := map[string][]string{
		"unknown flag: --bogus":   {"--bogus"},
		`unknown command "frob"`:  {"frob"},
		`unknown command "extra"`: {"version", "extra"},
	}
	for want, args := range cases {
		_, err := execute(args...)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: error %v, want one containing %q", args, err, want)
		}
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseMembers(t *testing.T) {
	specs, err := parseMembers([]string{"us:us-east-1", "eu:eu-west-1:eu-west-1c"})
	if err != nil {
		t.Fatal(err)
	}
	if specs[0].Name != "us" || specs[0].Zones[0] != "us-east-1a" || specs[1].Region != "eu-west-1" || specs[1].Zones[0] != "eu-west-1c" {
		t.Errorf("parseMembers = %+v", specs)
	}
	for _, bad := range []string{"us", ":us-east-1", "us:", "a:b:c:d"} {
		if _, err := parseMembers([]string{bad}); err == nil || !strings.Contains(err.Error(), "NAME:REGION") {
			t.Errorf("parseMembers(%q) = %v, want an error showing the syntax", bad, err)
		}
	}
}

func TestPrepareUpDirEmptiesOnlyItsOwnFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "up")
	if err := prepareUpDir(dir); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(dir, "old.log")
	if err := os.WriteFile(old, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := prepareUpDir(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); err == nil {
		t.Error("a previous run's files survived")
	}
	foreign := t.TempDir()
	mine := filepath.Join(foreign, "notes.txt")
	if err := os.WriteFile(mine, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := prepareUpDir(foreign); err == nil || !strings.Contains(err.Error(), "not made by meridianctl up") {
		t.Errorf("prepareUpDir(a user's folder) = %v", err)
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("a user's file was removed: %v", err)
	}
}

package main

import (
	"strings"
	"testing"
)

func TestMemberSpecs(t *testing.T) {
	specs, err := memberSpecs(3, "us-east-1, us-east-1,eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if specs[1].Name != "member2" || specs[1].Region != "us-east-1" || specs[1].Zones[0] != "us-east-1a" || specs[2].Region != "eu-west-1" {
		t.Fatalf("specs = %+v", specs)
	}
	for _, tc := range []struct {
		n       int
		regions string
		want    string
	}{
		{0, "", "between 1 and 20"},
		{2, "us-east-1", "lists 1 regions for 2 members"},
		{2, "us-east-1,", "region 2 is empty"},
	} {
		if _, err := memberSpecs(tc.n, tc.regions); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("memberSpecs(%d, %q) = %v, want error containing %q", tc.n, tc.regions, err, tc.want)
		}
	}
}

func TestUnknownCommandAndFlag(t *testing.T) {
	if err := run([]string{"frob"}); err == nil || !strings.Contains(err.Error(), `unknown command "frob"`) {
		t.Errorf("run frob: %v", err)
	}
	if err := run([]string{"up", "--bogus"}); err == nil || !strings.Contains(err.Error(), "-bogus") {
		t.Errorf("run up --bogus: %v", err)
	}
}

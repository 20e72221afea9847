package main

import (
	"bytes"
	"net"
	"strings"
	"testing"
)

func TestFlagErrorsAreOneClearLine(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"stray"}, `unexpected argument "stray"`},
		{[]string{"--leader-elect=maybe"}, "invalid boolean value"},
		{[]string{"--provider=bind"}, `--provider "bind": must be etcd, route53, clouddns or none`},
		{[]string{"--provider=clouddns", "--zone=example.com"}, "--clouddns-project: name the Google Cloud project"},
		{[]string{"--provider=etcd"}, "--zone: name the DNS zones"},
		{[]string{"--provider=etcd", "--zone=example.com", "--publish-repair-interval=5s"}, "must be at least 1m"},
		{[]string{"--provider=etcd", "--zone=example.com", "--etcd-cert-file=c.pem"}, "--etcd-cert-file and --etcd-key-file go together"},
	}
	for _, tc := range cases {
		var stdout, stderr bytes.Buffer
		if code := run(tc.args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit code %d, want 2", tc.args, code)
		}
		msg := stderr.String()
		if !strings.Contains(msg, tc.want) || !strings.Contains(msg, "--help") {
			t.Errorf("%v: message %q, want it to contain %q and point to --help", tc.args, msg, tc.want)
		}
		if strings.Contains(msg, "Usage:") || strings.Contains(msg, "goroutine") {
			t.Errorf("%v: message should be one line and a hint, got %q", tc.args, msg)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--help"}, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "-leader-election-namespace") {
		t.Errorf("--help: code %d, output %q", code, stderr.String())
	}
	stdout.Reset()
	if code := run([]string{"--version"}, &stdout, &stderr); code != 0 || !strings.HasPrefix(stdout.String(), "meridian-controller dev (go") {
		t.Errorf("--version: code %d, output %q", code, stdout.String())
	}
}

func TestPortInUseNamesTheFlag(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	busy := l.Addr().String()
	for _, flagName := range []string{"--metrics-bind-address", "--health-probe-bind-address"} {
		var stdout, stderr bytes.Buffer
		args := []string{"--metrics-bind-address=0", "--health-probe-bind-address=0", flagName + "=" + busy}
		if code := run(args, &stdout, &stderr); code != 1 {
			t.Errorf("%s in use: exit code %d, want 1", flagName, code)
		}
		want := flagName + " " + busy + ": address already in use"
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("%s in use: message %q, want it to contain %q", flagName, stderr.String(), want)
		}
	}
}

func TestMissingKubeconfigSaysWhatToPass(t *testing.T) {
	t.Setenv("KUBECONFIG", t.TempDir()+"/none")
	t.Setenv("HOME", t.TempDir())
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	var stdout, stderr bytes.Buffer
	code := run([]string{"--metrics-bind-address=0", "--health-probe-bind-address=0"}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "pass --kubeconfig") {
		t.Errorf("exit code %d, message %q; want 1 and a hint to pass --kubeconfig", code, stderr.String())
	}
}

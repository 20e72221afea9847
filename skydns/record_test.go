package skydns

import "testing"

func TestPathAndName(t *testing.T) {
	for _, tc := range []struct{ prefix, name, path, back string }{
		{"/skydns", "example.com", "/skydns/com/example", "example.com"},
		{"/skydns/", "www.Example.COM.", "/skydns/com/example/www", "www.example.com"},
		{"/dns", "web.shop.prod.svc.example.com", "/dns/com/example/svc/prod/shop/web", "web.shop.prod.svc.example.com"},
	} {
		if got := Path(tc.prefix, tc.name); got != tc.path {
			t.Errorf("Path(%q, %q) = %q, want %q", tc.prefix, tc.name, got, tc.path)
		}
		if got, ok := Name(tc.prefix, tc.path); !ok || got != tc.back {
			t.Errorf("Name(%q, %q) = %q, %v; want %q", tc.prefix, tc.path, got, ok, tc.back)
		}
	}
	if got := Key("/skydns", "www.example.com", "m~1"); got != "/skydns/com/example/www/m~1" {
		t.Errorf("Key = %q", got)
	}
	for _, path := range []string{"/other/com/example", "/skydns/", "/skydns"} {
		if name, ok := Name("/skydns", path); ok {
			t.Errorf("Name(/skydns, %q) = %q, want not a name", path, name)
		}
	}
}

func TestType(t *testing.T) {
	for _, tc := range []struct {
		s    Service
		want string
	}{
		{Service{Host: "192.0.2.1"}, TypeA},
		{Service{Host: "::ffff:192.0.2.1"}, TypeA},
		{Service{Host: "2001:db8::1"}, TypeAAAA},
		{Service{Host: "lb.example.net"}, TypeCNAME},
		{Service{Text: "hello"}, TypeTXT},
		{Service{}, ""},
	} {
		if got := tc.s.Type(); got != tc.want {
			t.Errorf("%+v: Type() = %q, want %q", tc.s, got, tc.want)
		}
	}
}

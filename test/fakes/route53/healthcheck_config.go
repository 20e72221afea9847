package route53fake

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// HealthCheckConfig rules from the API reference (HealthCheckConfig):
// RequestInterval 10 or 30 (default 30) and fixed once created;
// FailureThreshold 1..10 (default 3); Port 1..65535, defaulting to 80 for
// HTTP and 443 for HTTPS; ResourcePath, FullyQualifiedDomainName and
// SearchString up to 255 characters; SearchString required for the
// *_STR_MATCH types; IPAddress or FullyQualifiedDomainName required; and
// "Route 53 can't check the health of endpoints for which the IP address is
// in local, private, non-routable, or multicast ranges" (RFC 5735, RFC 6598,
// RFC 5156).

// endpointTypes are the health check types the fake models; CALCULATED,
// CLOUDWATCH_METRIC and RECOVERY_CONTROL need other services.
var endpointTypes = []string{"HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP"}

// specialRanges are the special-use blocks of RFC 5735, RFC 6598 and
// RFC 5156 that netip's predicates do not already cover.
var specialRanges = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("2001:db8::/32"),
}

// normalizeHealthCheckConfig validates cfg and fills in Route 53's defaults,
// so that two requests meaning the same settings compare equal.
func normalizeHealthCheckConfig(cfg healthCheckConfig) (healthCheckConfig, *apiError) {
	if err := checkTypeAndTarget(&cfg); err != nil {
		return cfg, err
	}
	if err := checkNumbers(&cfg); err != nil {
		return cfg, err
	}
	if err := checkStrings(&cfg); err != nil {
		return cfg, err
	}
	https := strings.HasPrefix(cfg.Type, "HTTPS")
	for _, b := range []**bool{&cfg.MeasureLatency, &cfg.Inverted, &cfg.Disabled} {
		if *b == nil {
			*b = ptr(false)
		}
	}
	if cfg.EnableSNI == nil {
		cfg.EnableSNI = ptr(https)
	}
	return cfg, nil
}

func checkTypeAndTarget(cfg *healthCheckConfig) *apiError {
	all := types.HealthCheckType("").Values()
	if !slices.Contains(all, types.HealthCheckType(cfg.Type)) {
		return validationError(cfg.Type, "healthCheckConfig.type", "Member must satisfy enum value set: "+enumList(all))
	}
	if !slices.Contains(endpointTypes, cfg.Type) {
		return invalidInput("route53fake does not model health checks of type %s", cfg.Type)
	}
	if cfg.IPAddress == nil && cfg.FQDN == nil {
		return invalidInput("Invalid parameter: you must specify either IPAddress or FullyQualifiedDomainName for a health check of type %s.", cfg.Type)
	}
	if cfg.IPAddress != nil {
		ip, err := netip.ParseAddr(*cfg.IPAddress)
		if err != nil || ip.Zone() != "" {
			return invalidInput("Invalid IP address: %s", *cfg.IPAddress)
		}
		if !routable(ip) {
			return invalidInput("Invalid IP address: %s is in a local, private, non-routable, or multicast range.", *cfg.IPAddress)
		}
	}
	return nil
}

func routable(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsMulticast() ||
		ip.IsUnspecified() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() {
		return false
	}
	for _, p := range specialRanges {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

func checkNumbers(cfg *healthCheckConfig) *apiError {
	if cfg.Port == nil {
		switch {
		case cfg.Type == "TCP":
			return invalidInput("Invalid parameter: Port is required for a health check of type TCP.")
		case strings.HasPrefix(cfg.Type, "HTTPS"):
			cfg.Port = ptr(int32(443))
		default:
			cfg.Port = ptr(int32(80))
		}
	}
	if *cfg.Port < 1 || *cfg.Port > 65535 {
		return validationError(*cfg.Port, "healthCheckConfig.port", "Member must have value less than or equal to 65535 and greater than or equal to 1")
	}
	if cfg.RequestInterval == nil {
		cfg.RequestInterval = ptr(int32(30))
	}
	if v := *cfg.RequestInterval; v != 10 && v != 30 {
		return invalidInput("Invalid parameter: RequestInterval must be 10 or 30, got %d.", v)
	}
	if cfg.FailureThreshold == nil {
		cfg.FailureThreshold = ptr(int32(3))
	}
	if v := *cfg.FailureThreshold; v < 1 || v > 10 {
		return validationError(v, "healthCheckConfig.failureThreshold", "Member must have value less than or equal to 10 and greater than or equal to 1")
	}
	return nil
}

func checkStrings(cfg *healthCheckConfig) *apiError {
	for _, m := range []struct {
		path string
		val  *string
	}{
		{"healthCheckConfig.resourcePath", cfg.ResourcePath},
		{"healthCheckConfig.fullyQualifiedDomainName", cfg.FQDN},
		{"healthCheckConfig.searchString", cfg.SearchString},
	} {
		if m.val != nil && len(*m.val) > 255 {
			return validationError(*m.val, m.path, "Member must have length less than or equal to 255")
		}
	}
	if strings.HasSuffix(cfg.Type, "_STR_MATCH") && cfg.SearchString == nil {
		return invalidInput("Invalid parameter: SearchString is required for a health check of type %s.", cfg.Type)
	}
	if cfg.Regions != nil && len(*cfg.Regions) < 3 {
		return validationError(len(*cfg.Regions), "healthCheckConfig.regions", "Member must have length greater than or equal to 3")
	}
	return nil
}

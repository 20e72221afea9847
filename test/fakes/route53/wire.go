package route53fake

import "encoding/xml"

// The XML shapes below are the request and response documents of Route 53's
// restXml protocol (API version 2013-04-01), written from the element names
// the AWS SDK for Go v2 serialises and deserialises. encoding/xml matches
// element names regardless of namespace and order, which is what we want for
// requests: the SDK writes members alphabetically, other clients in schema
// order.

// apiNamespace is the default namespace Route 53 puts on every response root.
const apiNamespace = "https://route53.amazonaws.com/doc/2013-04-01/"

// rrset is both the wire form and the stored form of a resource record set,
// so that what a client sent is what it lists back.
type rrset struct {
	Name             string    `xml:"Name"`
	Type             string    `xml:"Type"`
	SetIdentifier    *string   `xml:"SetIdentifier,omitempty"`
	Weight           *int64    `xml:"Weight,omitempty"`
	Region           *string   `xml:"Region,omitempty"`
	Failover         *string   `xml:"Failover,omitempty"`
	MultiValueAnswer *bool     `xml:"MultiValueAnswer,omitempty"`
	TTL              *int64    `xml:"TTL,omitempty"`
	ResourceRecords  *rrValues `xml:"ResourceRecords,omitempty"`
	HealthCheckID    *string   `xml:"HealthCheckId,omitempty"`

	// Members the fake accepts on the wire only to refuse them with a clear
	// InvalidInput (see validateUnmodeled); never written back.
	AliasTarget             *rawElement `xml:"AliasTarget,omitempty"`
	GeoLocation             *rawElement `xml:"GeoLocation,omitempty"`
	GeoProximityLocation    *rawElement `xml:"GeoProximityLocation,omitempty"`
	CidrRoutingConfig       *rawElement `xml:"CidrRoutingConfig,omitempty"`
	TrafficPolicyInstanceID *string     `xml:"TrafficPolicyInstanceId,omitempty"`
}

// rawElement captures an element the fake does not model.
type rawElement struct {
	Inner string `xml:",innerxml"`
}

type rrValues struct {
	Items []rrValue `xml:"ResourceRecord"`
}

type rrValue struct {
	Value string `xml:"Value"`
}

// values returns the record values, or nil when ResourceRecords was absent.
func (s *rrset) values() []string {
	if s.ResourceRecords == nil {
		return nil
	}
	out := make([]string, len(s.ResourceRecords.Items))
	for i, v := range s.ResourceRecords.Items {
		out[i] = v.Value
	}
	return out
}

type changeBatchRequest struct {
	XMLName xml.Name `xml:"ChangeResourceRecordSetsRequest"`
	Comment string   `xml:"ChangeBatch>Comment"`
	Changes []change `xml:"ChangeBatch>Changes>Change"`
}

type change struct {
	Action string `xml:"Action"`
	Set    rrset  `xml:"ResourceRecordSet"`
}

type changeInfo struct {
	ID          string `xml:"Id"`
	Status      string `xml:"Status"`
	SubmittedAt string `xml:"SubmittedAt"`
	Comment     string `xml:"Comment,omitempty"`
}

type changeResponse struct {
	XMLName    xml.Name   `xml:"ChangeResourceRecordSetsResponse"`
	Xmlns      string     `xml:"xmlns,attr"`
	ChangeInfo changeInfo `xml:"ChangeInfo"`
}

type getChangeResponse struct {
	XMLName    xml.Name   `xml:"GetChangeResponse"`
	Xmlns      string     `xml:"xmlns,attr"`
	ChangeInfo changeInfo `xml:"ChangeInfo"`
}

type listRRSetsResponse struct {
	XMLName              xml.Name `xml:"ListResourceRecordSetsResponse"`
	Xmlns                string   `xml:"xmlns,attr"`
	Sets                 []rrset  `xml:"ResourceRecordSets>ResourceRecordSet"`
	IsTruncated          bool     `xml:"IsTruncated"`
	NextRecordName       string   `xml:"NextRecordName,omitempty"`
	NextRecordType       string   `xml:"NextRecordType,omitempty"`
	NextRecordIdentifier string   `xml:"NextRecordIdentifier,omitempty"`
	MaxItems             int      `xml:"MaxItems"`
}

type hostedZoneXML struct {
	ID              string `xml:"Id"`
	Name            string `xml:"Name"`
	CallerReference string `xml:"CallerReference"`
	Comment         string `xml:"Config>Comment,omitempty"`
	PrivateZone     bool   `xml:"Config>PrivateZone"`
	RecordSetCount  int    `xml:"ResourceRecordSetCount"`
}

type getHostedZoneResponse struct {
	XMLName     xml.Name      `xml:"GetHostedZoneResponse"`
	Xmlns       string        `xml:"xmlns,attr"`
	HostedZone  hostedZoneXML `xml:"HostedZone"`
	NameServers []string      `xml:"DelegationSet>NameServers>NameServer"`
}

type listHostedZonesResponse struct {
	XMLName     xml.Name        `xml:"ListHostedZonesResponse"`
	Xmlns       string          `xml:"xmlns,attr"`
	HostedZones []hostedZoneXML `xml:"HostedZones>HostedZone"`
	Marker      string          `xml:"Marker"`
	IsTruncated bool            `xml:"IsTruncated"`
	NextMarker  string          `xml:"NextMarker,omitempty"`
	MaxItems    int             `xml:"MaxItems"`
}

type listHostedZonesByNameResponse struct {
	XMLName          xml.Name        `xml:"ListHostedZonesByNameResponse"`
	Xmlns            string          `xml:"xmlns,attr"`
	HostedZones      []hostedZoneXML `xml:"HostedZones>HostedZone"`
	DNSName          string          `xml:"DNSName,omitempty"`
	HostedZoneID     string          `xml:"HostedZoneId,omitempty"`
	IsTruncated      bool            `xml:"IsTruncated"`
	NextDNSName      string          `xml:"NextDNSName,omitempty"`
	NextHostedZoneID string          `xml:"NextHostedZoneId,omitempty"`
	MaxItems         int             `xml:"MaxItems"`
}

// healthCheckConfig carries the members of HealthCheckConfig the fake models.
// It is compared with reflect.DeepEqual for CallerReference idempotency, so
// every member is a value or a pointer to one.
type healthCheckConfig struct {
	IPAddress        *string   `xml:"IPAddress,omitempty"`
	Port             *int32    `xml:"Port,omitempty"`
	Type             string    `xml:"Type"`
	ResourcePath     *string   `xml:"ResourcePath,omitempty"`
	FQDN             *string   `xml:"FullyQualifiedDomainName,omitempty"`
	SearchString     *string   `xml:"SearchString,omitempty"`
	RequestInterval  *int32    `xml:"RequestInterval,omitempty"`
	FailureThreshold *int32    `xml:"FailureThreshold,omitempty"`
	MeasureLatency   *bool     `xml:"MeasureLatency,omitempty"`
	Inverted         *bool     `xml:"Inverted,omitempty"`
	Disabled         *bool     `xml:"Disabled,omitempty"`
	EnableSNI        *bool     `xml:"EnableSNI,omitempty"`
	Regions          *[]string `xml:"Regions>Region,omitempty"`
}

type healthCheckXML struct {
	ID              string            `xml:"Id"`
	CallerReference string            `xml:"CallerReference"`
	Config          healthCheckConfig `xml:"HealthCheckConfig"`
	Version         int64             `xml:"HealthCheckVersion"`
}

type createHealthCheckRequest struct {
	XMLName         xml.Name          `xml:"CreateHealthCheckRequest"`
	CallerReference string            `xml:"CallerReference"`
	Config          healthCheckConfig `xml:"HealthCheckConfig"`
}

type createHealthCheckResponse struct {
	XMLName     xml.Name       `xml:"CreateHealthCheckResponse"`
	Xmlns       string         `xml:"xmlns,attr"`
	HealthCheck healthCheckXML `xml:"HealthCheck"`
}

type getHealthCheckResponse struct {
	XMLName     xml.Name       `xml:"GetHealthCheckResponse"`
	Xmlns       string         `xml:"xmlns,attr"`
	HealthCheck healthCheckXML `xml:"HealthCheck"`
}

type listHealthChecksResponse struct {
	XMLName      xml.Name         `xml:"ListHealthChecksResponse"`
	Xmlns        string           `xml:"xmlns,attr"`
	HealthChecks []healthCheckXML `xml:"HealthChecks>HealthCheck"`
	Marker       string           `xml:"Marker"`
	IsTruncated  bool             `xml:"IsTruncated"`
	NextMarker   string           `xml:"NextMarker,omitempty"`
	MaxItems     int              `xml:"MaxItems"`
}

type deleteHealthCheckResponse struct {
	XMLName xml.Name `xml:"DeleteHealthCheckResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
}

type tagXML struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type changeTagsRequest struct {
	XMLName       xml.Name `xml:"ChangeTagsForResourceRequest"`
	AddTags       []tagXML `xml:"AddTags>Tag"`
	RemoveTagKeys []string `xml:"RemoveTagKeys>Key"`
}

type changeTagsResponse struct {
	XMLName xml.Name `xml:"ChangeTagsForResourceResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
}

type resourceTagSet struct {
	ResourceType string   `xml:"ResourceType"`
	ResourceID   string   `xml:"ResourceId"`
	Tags         []tagXML `xml:"Tags>Tag"`
}

type listTagsResponse struct {
	XMLName xml.Name       `xml:"ListTagsForResourceResponse"`
	Xmlns   string         `xml:"xmlns,attr"`
	TagSet  resourceTagSet `xml:"ResourceTagSet"`
}

type listTagsForResourcesRequest struct {
	XMLName     xml.Name `xml:"ListTagsForResourcesRequest"`
	ResourceIDs []string `xml:"ResourceIds>ResourceId"`
}

type listTagsForResourcesResponse struct {
	XMLName xml.Name         `xml:"ListTagsForResourcesResponse"`
	Xmlns   string           `xml:"xmlns,attr"`
	TagSets []resourceTagSet `xml:"ResourceTagSets>ResourceTagSet"`
}

// errorResponse is the standard restXml error document. Route 53 sends
// InvalidChangeBatch in this same shape (Code InvalidChangeBatch, all the
// batch's messages joined in one bracketed Message); the SDK still carries a
// customisation for an older <InvalidChangeBatch><Messages> root that the
// service no longer emits.
type errorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

package route53fake

import (
	"cmp"
	"net/http"
	"slices"
)

// Tag rules from the API reference (ChangeTagsForResource, Tag): resource
// types "healthcheck" and "hostedzone"; at most 10 tags added and 10 keys
// removed per call; keys up to 128 and values up to 256 characters; at most
// 10 resource IDs per ListTagsForResources; and the AWS-wide cap of 50 user
// tags per resource.
const (
	maxTagsPerCall     = 10
	maxTagsPerResource = 50
	maxTagKeyLen       = 128
	maxTagValueLen     = 256
	maxTagResourceIDs  = 10
)

func tagKey(resType, id string) string { return resType + "/" + id }

// resourceExists validates the resource type and that the resource exists.
// Callers hold f.mu.
func (f *Fake) resourceExists(resType, id string) *apiError {
	switch resType {
	case "healthcheck":
		if f.checks[id] == nil {
			return noSuchHealthCheck(id)
		}
	case "hostedzone":
		if f.zones[id] == nil {
			return noSuchHostedZone(id)
		}
	default:
		return validationError(resType, "resourceType", "Member must satisfy enum value set: [healthcheck, hostedzone]")
	}
	return nil
}

func (f *Fake) changeTags(req *request) (int, any, *apiError) {
	var body changeTagsRequest
	if apiErr := decodeBody(req, &body); apiErr != nil {
		return 0, nil, apiErr
	}
	if apiErr := checkTagChange(&body); apiErr != nil {
		return 0, nil, apiErr
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if apiErr := f.resourceExists(req.resType, req.id); apiErr != nil {
		return 0, nil, apiErr
	}
	k := tagKey(req.resType, req.id)
	next := map[string]string{}
	for key, v := range f.tags[k] {
		next[key] = v
	}
	for _, t := range body.AddTags {
		next[t.Key] = t.Value
	}
	for _, key := range body.RemoveTagKeys {
		delete(next, key)
	}
	if len(next) > maxTagsPerResource {
		return 0, nil, invalidInput("A resource can have at most %d tags.", maxTagsPerResource)
	}
	f.tags[k] = next
	return http.StatusOK, &changeTagsResponse{Xmlns: apiNamespace}, nil
}

func checkTagChange(body *changeTagsRequest) *apiError {
	if len(body.AddTags) > maxTagsPerCall {
		return validationError(len(body.AddTags), "addTags", "Member must have length less than or equal to 10")
	}
	if len(body.RemoveTagKeys) > maxTagsPerCall {
		return validationError(len(body.RemoveTagKeys), "removeTagKeys", "Member must have length less than or equal to 10")
	}
	for _, t := range body.AddTags {
		if len(t.Key) < 1 || len(t.Key) > maxTagKeyLen {
			return validationError(t.Key, "addTags.member.key", "Member must have length less than or equal to 128 and greater than or equal to 1")
		}
		if len(t.Value) > maxTagValueLen {
			return validationError(t.Value, "addTags.member.value", "Member must have length less than or equal to 256")
		}
	}
	return nil
}

func (f *Fake) listTags(req *request) (int, any, *apiError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if apiErr := f.resourceExists(req.resType, req.id); apiErr != nil {
		return 0, nil, apiErr
	}
	return http.StatusOK, &listTagsResponse{Xmlns: apiNamespace, TagSet: f.tagSet(req.resType, req.id)}, nil
}

func (f *Fake) listTagsForResources(req *request) (int, any, *apiError) {
	var body listTagsForResourcesRequest
	if apiErr := decodeBody(req, &body); apiErr != nil {
		return 0, nil, apiErr
	}
	if n := len(body.ResourceIDs); n < 1 || n > maxTagResourceIDs {
		return 0, nil, validationError(n, "resourceIds", "Member must have length less than or equal to 10 and greater than or equal to 1")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	resp := &listTagsForResourcesResponse{Xmlns: apiNamespace}
	for _, id := range body.ResourceIDs {
		if apiErr := f.resourceExists(req.resType, id); apiErr != nil {
			return 0, nil, apiErr
		}
		resp.TagSets = append(resp.TagSets, f.tagSet(req.resType, id))
	}
	return http.StatusOK, resp, nil
}

// tagSet returns a resource's tags sorted by key. Callers hold f.mu.
func (f *Fake) tagSet(resType, id string) resourceTagSet {
	set := resourceTagSet{ResourceType: resType, ResourceID: id, Tags: []tagXML{}}
	for k, v := range f.tags[tagKey(resType, id)] {
		set.Tags = append(set.Tags, tagXML{Key: k, Value: v})
	}
	slices.SortFunc(set.Tags, func(a, b tagXML) int { return cmp.Compare(a.Key, b.Key) })
	return set
}

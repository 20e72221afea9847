package route53

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/meridian-dns/meridian/providers"
)

// softCodes are the error codes that mean "not now": the account's rate limit, a change to the
// zone still being processed, and the service's own failures.
var softCodes = []string{
	"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
	"PriorRequestNotComplete", "InternalFailure", "InternalError", "ServiceUnavailable",
}

// call runs one API operation: it waits for the token bucket before every attempt, counts the
// attempt, and retries with backoff while the failure is soft. The last soft failure comes back
// as a providers.SoftError.
func call[T any](ctx context.Context, p *Provider, op string, fn func(context.Context) (T, error)) (T, error) {
	var out T
	err := providers.Retry(ctx, p.backoff, func(ctx context.Context) error {
		if err := p.limiter.Wait(ctx); err != nil {
			return providers.Soft(fmt.Errorf("%s: waiting for the request rate limit: %w", op, err))
		}
		var err error
		out, err = fn(ctx)
		requestsTotal.WithLabelValues(op, outcome(err)).Inc()
		return classify(err)
	})
	return out, err
}

// classify marks the failures that retrying as they are can fix: throttling, a prior change
// still in progress, 5xx answers, and requests that never got an answer. A caller that
// cancelled gets its own error back.
func classify(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return providers.Soft(err)
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		if slices.Contains(softCodes, apiErr.ErrorCode()) || httpStatus(err) >= 500 {
			return providers.Soft(err)
		}
		return err
	}
	if httpStatus(err) >= 500 {
		return providers.Soft(err)
	}
	var sendErr *smithyhttp.RequestSendError
	var netErr net.Error
	var deserErr *smithy.DeserializationError
	if errors.As(err, &sendErr) || errors.As(err, &netErr) || errors.As(err, &deserErr) {
		return providers.Soft(err)
	}
	return err
}

// outcome is the metric's code label for a call's result.
func outcome(err error) string {
	var apiErr smithy.APIError
	switch {
	case err == nil:
		return "OK"
	case errors.Is(err, context.Canceled):
		return "Canceled"
	case errors.As(err, &apiErr) && apiErr.ErrorCode() != "":
		return apiErr.ErrorCode()
	case httpStatus(err) != 0:
		return "HTTP" + strconv.Itoa(httpStatus(err))
	}
	return "NetworkError"
}

// httpStatus is the HTTP status of the response an error came with, or 0 without one.
func httpStatus(err error) int {
	var awsResp *awshttp.ResponseError
	if errors.As(err, &awsResp) {
		return awsResp.HTTPStatusCode()
	}
	var resp *smithyhttp.ResponseError
	if errors.As(err, &resp) {
		return resp.HTTPStatusCode()
	}
	return 0
}

// errorCode is the Route 53 error code of err, or "".
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// errorMessage is Route 53's message for err. InvalidChangeBatch carries its messages in one
// bracketed Message; the SDK's older Messages list is read too, in case a service sends it.
func errorMessage(err error) string {
	var batchErr *types.InvalidChangeBatch
	if errors.As(err, &batchErr) && batchErr.ErrorMessage() == "" && len(batchErr.Messages) > 0 {
		return "[" + strings.Join(batchErr.Messages, ", ") + "]"
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorMessage()
	}
	return err.Error()
}

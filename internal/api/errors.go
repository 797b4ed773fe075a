package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/garde-privacy/garde/internal/i18n"
)

// Error is every error the API sends, whatever produced it (a handler, the
// token check, huma's own validation, the router, a recovered panic):
//
//	{"error":{"code":"auth.invalid_token","message":"…","details":[{"location":"query.limit","message":"…"}]}}
//
// The code is stable; the message is rendered in the request's language when
// the response is written, so an Error can be built once and reused.
type Error struct {
	Err ErrorBody `json:"error"`

	status int
	msgID  string         // i18n ID of the message
	data   map[string]any // fields of the message
	cause  error          // logged, never shown, for internal errors
}

// ErrorBody is the content of an error response.
type ErrorBody struct {
	Code      string        `json:"code" doc:"Stable machine-readable code, e.g. auth.invalid_token. Clients branch on it; it never changes." example:"auth.invalid_token"`
	Message   string        `json:"message" doc:"Explanation for people, in the language asked for with Accept-Language (en, fr or nl)." example:"The API token is invalid, revoked or expired."`
	Details   []ErrorDetail `json:"details,omitempty" nullable:"false" doc:"What is wrong with each part of the request, when the request was invalid."`
	RequestID string        `json:"request_id,omitempty" doc:"Identifies the request in the server's log (internal errors only)."`
}

// ErrorDetail points at one problem in the request.
type ErrorDetail struct {
	Location string `json:"location,omitempty" doc:"Where the problem is: body.<field>, query.<name>, path.<name> or header.<name>." example:"body.email"`
	Message  string `json:"message" doc:"What is wrong, in the request's language." example:"This field is required."`

	msgID string
	data  map[string]any
}

func (e *Error) Error() string {
	if e.cause != nil {
		return e.Err.Code + ": " + e.cause.Error()
	}
	return e.Err.Code
}

// GetStatus is the HTTP status of the response (huma.StatusError).
func (e *Error) GetStatus() int { return e.status }

// Unwrap exposes the cause to errors.Is/As.
func (e *Error) Unwrap() error { return e.cause }

// Code is the stable error code.
func (e *Error) Code() string { return e.Err.Code }

// NewError returns an error of the API's own vocabulary: its message is the
// catalog entry "api.error.<code>", filled with data.
func NewError(status int, code string, data ...map[string]any) *Error {
	e := &Error{status: status, Err: ErrorBody{Code: code}, msgID: "api.error." + code}
	if len(data) > 0 {
		e.data = data[0]
	}
	return e
}

// DomainError turns a domain package's localized error (operator.ErrNotFound
// and the like) into a response with the given status; its i18n ID becomes
// the code. A handler that returns an *i18n.Error as is gets a 422.
func DomainError(status int, err *i18n.Error) *Error {
	return &Error{status: status, Err: ErrorBody{Code: err.ID}, msgID: err.ID, data: err.Data}
}

// WithDetail returns a copy of e with one more detail, whose message is the
// catalog entry msgID.
func (e *Error) WithDetail(location, msgID string, data ...map[string]any) *Error {
	c := *e
	c.Err.Details = append(append([]ErrorDetail(nil), e.Err.Details...), ErrorDetail{Location: location, msgID: msgID})
	if len(data) > 0 {
		c.Err.Details[len(c.Err.Details)-1].data = data[0]
	}
	return &c
}

// Internal wraps an unexpected failure: the client gets a 500 "internal" with
// the request ID; the cause goes to the log only.
func Internal(cause error) *Error {
	e := NewError(http.StatusInternalServerError, CodeInternal)
	e.cause = cause
	return e
}

// Codes the API itself produces. Domain errors add their own i18n IDs.
const (
	CodeMissingToken         = "auth.missing_token"
	CodeInvalidToken         = "auth.invalid_token"
	CodeInsufficientScope    = "auth.insufficient_scope"
	CodeInvalid              = "request.invalid"
	CodeMalformed            = "request.malformed"
	CodeBadRequest           = "request.bad"
	CodeBodyRequired         = "request.body_required"
	CodeBodyTooLarge         = "request.body_too_large"
	CodeTimeout              = "request.timeout"
	CodeUnsupportedMediaType = "request.unsupported_media_type"
	CodeNotAcceptable        = "request.not_acceptable"
	CodeTooManyRequests      = "request.too_many"
	CodeNotFound             = "not_found"
	CodeRouteNotFound        = "route.not_found"
	CodeMethodNotAllowed     = "route.method_not_allowed"
	CodeForbidden            = "forbidden"
	CodeConflict             = "conflict"
	CodeUnavailable          = "unavailable"
	CodeInternal             = "internal"
)

// codeForStatus names the errors huma builds from a bare status (its own
// checks, or huma.ErrorXXX helpers). huma's English text is not kept: the
// code and a localized message replace it.
func codeForStatus(status int, humaMsg string) string {
	switch status {
	case http.StatusBadRequest:
		switch humaMsg {
		case "request body is required":
			return CodeBodyRequired
		case "validation failed": // only a body that does not parse
			return CodeMalformed
		}
		return CodeBadRequest
	case http.StatusUnauthorized:
		return CodeInvalidToken
	case http.StatusForbidden:
		return CodeForbidden
	case http.StatusNotFound:
		return CodeNotFound
	case http.StatusMethodNotAllowed:
		return CodeMethodNotAllowed
	case http.StatusNotAcceptable:
		return CodeNotAcceptable
	case http.StatusRequestTimeout:
		return CodeTimeout
	case http.StatusConflict:
		return CodeConflict
	case http.StatusRequestEntityTooLarge:
		return CodeBodyTooLarge
	case http.StatusUnsupportedMediaType:
		return CodeUnsupportedMediaType
	case http.StatusUnprocessableEntity:
		return CodeInvalid
	case http.StatusTooManyRequests:
		return CodeTooManyRequests
	case http.StatusServiceUnavailable:
		return CodeUnavailable
	}
	if status >= 400 && status < 500 {
		return CodeBadRequest
	}
	return CodeInternal
}

// fromHuma builds the Error for one of huma's error responses.
func fromHuma(ctx huma.Context, status int, msg string, errs ...error) *Error {
	if status == http.StatusInternalServerError && len(errs) > 0 && errs[0] != nil {
		// A handler returned a plain error: bad input reported by a domain
		// package is the client's doing, anything else is ours.
		var ie *i18n.Error
		if errors.As(errs[0], &ie) {
			return DomainError(http.StatusUnprocessableEntity, ie)
		}
		return Internal(errs[0])
	}
	if status == 0 {
		status = http.StatusInternalServerError // the example huma uses to describe errors
	}
	code := codeForStatus(status, msg)
	e := NewError(status, code)
	if code == CodeBodyTooLarge && ctx != nil && ctx.Operation() != nil {
		e.data = map[string]any{"Max": strconv.FormatInt(ctx.Operation().MaxBodyBytes, 10)}
	}
	for _, err := range errs {
		if err == nil {
			continue
		}
		if code == CodeMalformed {
			// The decoder's message is English and cryptic: say it plainly.
			e.Err.Details = []ErrorDetail{{Location: "body", msgID: "api.detail.malformed_json"}}
			break
		}
		e.Err.Details = append(e.Err.Details, detailFromHuma(err))
	}
	return e
}

// huma keeps its error constructors in package variables. Garde's API is the
// only user of huma in the binary, so they are replaced once, here.
func init() {
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		return fromHuma(nil, status, msg, errs...)
	}
	huma.NewErrorWithContext = func(ctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
		return fromHuma(ctx, status, msg, errs...)
	}
}

// localized returns a copy of e with its messages in lz's language.
func (e *Error) localized(lz *i18n.Localizer, requestID string) *Error {
	c := *e
	data := e.data
	if e.Err.Code == CodeInternal {
		data = map[string]any{"RequestID": requestID}
		c.Err.RequestID = requestID
	}
	c.Err.Message = lz.T(e.msgID, data)
	c.Err.Details = make([]ErrorDetail, len(e.Err.Details))
	for i, d := range e.Err.Details {
		c.Err.Details[i] = d
		if d.msgID != "" {
			c.Err.Details[i].Message = lz.T(d.msgID, d.data)
		}
	}
	if len(c.Err.Details) == 0 {
		c.Err.Details = nil
	}
	return &c
}

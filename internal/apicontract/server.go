package apicontract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Violation is a request or a response that breaks its API description. In tests each one fails
// the test with its reason; the simulator logs it.
type Violation struct {
	Spec      string // the description's name
	Operation string // operationId, empty when no operation matched
	Method    string
	Path      string
	Side      string // "request" or "response"
	Reason    string
}

func (v Violation) String() string {
	op := v.Operation
	if op == "" {
		op = "no operation"
	}
	return fmt.Sprintf("%s %s %s (%s, %s): %s", v.Side, v.Method, v.Path, op, v.Spec, v.Reason)
}

// Options configure a Server.
type Options struct {
	// Report receives every violation; nil panics on the first one (a server must never accept
	// a broken request silently).
	Report func(Violation)
	// Now is the server's clock for token lifetimes; nil means time.Now.
	Now func() time.Time
}

// Server serves the operations of one or more API descriptions and the OAuth endpoints.
type Server struct {
	specs   []*Spec
	routers []routers.Router
	report  func(Violation)
	now     func() time.Time

	mu       sync.Mutex
	handlers map[string]http.HandlerFunc
	calls    map[string]int

	// OAuth is the hand-written identity service: consent, token grants, issued tokens.
	OAuth *OAuth
}

// New builds a server over the given descriptions.
func New(specs []*Spec, opts Options) (*Server, error) {
	s := &Server{specs: specs, report: opts.Report, now: opts.Now,
		handlers: map[string]http.HandlerFunc{}, calls: map[string]int{}}
	if s.report == nil {
		s.report = func(v Violation) { panic("apicontract: " + v.String()) }
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.OAuth = newOAuth(s.now)
	for _, sp := range specs {
		r, err := gorillamux.NewRouter(sp.Doc)
		if err != nil {
			return nil, fmt.Errorf("apicontract: route %s: %w", sp.Name, err)
		}
		s.routers = append(s.routers, r)
	}
	return s, nil
}

// Handle registers the handler of an operation, replacing an earlier one. The handler sees only
// requests that passed validation; what it writes is validated before it leaves. It panics on an
// operationId no description has, so a typo fails at once.
func (s *Server) Handle(operationID string, h http.HandlerFunc) {
	if !s.hasOperation(operationID) {
		panic(fmt.Sprintf("apicontract: no operation %q in the loaded descriptions", operationID))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[operationID] = h
}

// Calls says how many validated requests reached an operation's handler.
func (s *Server) Calls(operationID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[operationID]
}

func (s *Server) hasOperation(id string) bool {
	for _, sp := range s.specs {
		for _, item := range sp.Doc.Paths.Map() {
			for _, op := range item.Operations() {
				if op.OperationID == id {
					return true
				}
			}
		}
	}
	return false
}

type ctxKey int

const (
	paramsKey ctxKey = iota
	subjectKey
)

// PathParam is a path parameter of the matched operation, inside a handler.
func PathParam(r *http.Request, name string) string {
	m, _ := r.Context().Value(paramsKey).(map[string]string)
	return m[name]
}

// Subject is who the request's access token was issued to (the eBay user of a user token, the
// client id of an application token), inside a handler.
func Subject(r *http.Request) string {
	s, _ := r.Context().Value(subjectKey).(string)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.OAuth.serve(w, r) {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	if err != nil {
		http.Error(w, "reading the body failed", http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))

	spec, route, params := s.find(r)
	violation := func(side, reason string) Violation {
		v := Violation{Method: r.Method, Path: r.URL.Path, Side: side, Reason: reason}
		if spec != nil {
			v.Spec = spec.Name
		}
		if route != nil {
			v.Operation = route.Operation.OperationID
		}
		return v
	}
	if route == nil {
		s.report(violation("request", "no operation of the loaded descriptions has this method and path"))
		writeError(w, http.StatusNotFound, 0, "no such operation")
		return
	}
	op := route.Operation

	if reason := s.validateRequest(r, route, params, body); reason != "" {
		s.report(violation("request", reason))
		writeError(w, http.StatusBadRequest, 2004, reason)
		return
	}
	subject, status, reason := s.authorize(r, route)
	if status != 0 {
		if status == http.StatusForbidden {
			s.report(violation("request", reason))
		}
		code := 1001
		if status == http.StatusForbidden {
			code = 1100
		}
		writeError(w, status, code, reason)
		return
	}

	s.mu.Lock()
	h := s.handlers[op.OperationID]
	if h != nil {
		s.calls[op.OperationID]++
	}
	s.mu.Unlock()
	if h == nil {
		s.report(violation("request", "the test registered no handler for this operation"))
		writeError(w, http.StatusNotImplemented, 0, "no handler for "+op.OperationID)
		return
	}

	ctx := context.WithValue(r.Context(), paramsKey, params)
	ctx = context.WithValue(ctx, subjectKey, subject)
	hr := r.Clone(ctx)
	hr.Body = io.NopCloser(bytes.NewReader(body))
	rec := &recorder{header: http.Header{}}
	h(rec, hr)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if reason := s.validateResponse(r, route, params, body, rec); reason != "" {
		s.report(violation("response", reason))
	}
	for k, vs := range rec.header {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}

func (s *Server) find(r *http.Request) (*Spec, *routers.Route, map[string]string) {
	for i, rt := range s.routers {
		route, params, err := rt.FindRoute(r)
		if err == nil {
			return s.specs[i], route, params
		}
	}
	return nil, nil, nil
}

// validateRequest checks a request against its operation and returns why it is wrong, or "".
// Beyond the description it refuses query parameters the operation does not declare: a client
// sending "conversationType" instead of "conversation_type" must fail here, not be ignored.
func (s *Server) validateRequest(r *http.Request, route *routers.Route, params map[string]string, body []byte) string {
	declared := map[string]bool{}
	for _, list := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, p := range list {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
				declared[p.Value.Name] = true
			}
		}
	}
	var unknown []string
	for name := range r.URL.Query() {
		if !declared[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		names := make([]string, 0, len(declared))
		for n := range declared {
			names = append(names, n)
		}
		sort.Strings(names)
		return fmt.Sprintf("unknown query parameter %s (the operation takes %s)",
			strings.Join(quoteAll(unknown), ", "), strings.Join(quoteAll(names), ", "))
	}
	vr := r.Clone(r.Context())
	vr.Body = io.NopCloser(bytes.NewReader(body))
	opts := &openapi3filter.Options{MultiError: true, AuthenticationFunc: credentialPresent,
		RejectWhenRequestBodyNotSpecified: true}
	opts.WithCustomSchemaErrorFunc(schemaError)
	input := &openapi3filter.RequestValidationInput{Request: vr, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(r.Context(), input); err != nil {
		return err.Error()
	}
	return ""
}

// credentialPresent checks that a request carries the credential its security scheme names;
// whether the credential is valid is authorize's business, because an expired token is the
// client's normal life, not a broken request.
func credentialPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	r := in.RequestValidationInput.Request
	sc := in.SecurityScheme
	switch {
	case sc.Type == "oauth2" || sc.Type == "http" && strings.EqualFold(sc.Scheme, "bearer"):
		auth := r.Header.Get("Authorization")
		if tok, ok := strings.CutPrefix(auth, "Bearer "); !ok || strings.TrimSpace(tok) == "" {
			return in.NewError(errors.New(`no "Authorization: Bearer <token>" header`))
		}
	case sc.Type == "apiKey":
		var v string
		switch sc.In {
		case "header":
			v = r.Header.Get(sc.Name)
		case "query":
			v = r.URL.Query().Get(sc.Name)
		case "cookie":
			if c, err := r.Cookie(sc.Name); err == nil {
				v = c.Value
			}
		}
		if v == "" {
			return in.NewError(fmt.Errorf("no %s %q", sc.In, sc.Name))
		}
	}
	return nil
}

// authorize checks the bearer token of an operation secured by OAuth 2: unknown or expired is
// 401 (as the real service answers, and a client must recover from it), a token without any of
// the operation's scopes is 403 and a violation (the client asked for the wrong consent).
func (s *Server) authorize(r *http.Request, route *routers.Route) (subject string, status int, reason string) {
	reqs := route.Spec.Security
	if route.Operation.Security != nil {
		reqs = *route.Operation.Security
	}
	var scopes []string
	oauth := false
	if route.Spec.Components == nil {
		return "", 0, ""
	}
	for _, req := range reqs {
		for name, sc := range req {
			ref := route.Spec.Components.SecuritySchemes[name]
			if ref != nil && ref.Value != nil && ref.Value.Type == "oauth2" {
				oauth = true
				scopes = append(scopes, sc...)
			}
		}
	}
	if !oauth {
		return "", 0, ""
	}
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	grant, ok := s.OAuth.lookup(strings.TrimSpace(tok))
	if !ok {
		return "", http.StatusUnauthorized, "Invalid access token"
	}
	if len(scopes) > 0 && !slices.ContainsFunc(scopes, func(sc string) bool { return slices.Contains(grant.scopes, sc) }) {
		return "", http.StatusForbidden, fmt.Sprintf("the access token has none of the scopes %s", strings.Join(scopes, ", "))
	}
	return grant.subject, 0, ""
}

func (s *Server) validateResponse(r *http.Request, route *routers.Route, params map[string]string, reqBody []byte, rec *recorder) string {
	if route.Operation.Responses.Status(rec.status) == nil && route.Operation.Responses.Default() == nil && rec.status < 400 {
		return fmt.Sprintf("status %d is not among the operation's responses", rec.status)
	}
	vr := r.Clone(r.Context())
	vr.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: vr, PathParams: params, Route: route},
		Status:                 rec.status,
		Header:                 rec.header,
		Body:                   io.NopCloser(bytes.NewReader(rec.body.Bytes())),
		Options:                &openapi3filter.Options{MultiError: true},
	}
	in.Options.WithCustomSchemaErrorFunc(schemaError)
	if err := openapi3filter.ValidateResponse(r.Context(), in); err != nil {
		return err.Error()
	}
	return ""
}

// schemaError names the failing value's place and the reason, without the schema dump kin-openapi
// adds by default (hundreds of lines for eBay's documented enums).
func schemaError(err *openapi3.SchemaError) string {
	return fmt.Sprintf("at %q: %s", "/"+strings.Join(err.JSONPointer(), "/"), err.Reason)
}

type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

// JSON writes v as a JSON body with a status: the usual end of a handler.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// EbayError is the error shape of eBay's REST APIs.
type EbayError struct {
	ErrorID     int    `json:"errorId"`
	Domain      string `json:"domain,omitempty"`
	Category    string `json:"category,omitempty"`
	Message     string `json:"message"`
	LongMessage string `json:"longMessage,omitempty"`
}

// WriteEbayError answers with eBay's error body.
func WriteEbayError(w http.ResponseWriter, status int, e EbayError) {
	JSON(w, status, map[string][]EbayError{"errors": {e}})
}

func writeError(w http.ResponseWriter, status, id int, msg string) {
	WriteEbayError(w, status, EbayError{ErrorID: id, Domain: "API", Category: "REQUEST", Message: msg})
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

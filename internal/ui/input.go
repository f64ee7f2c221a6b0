package ui

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"sort"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/validate"
	"github.com/shopdesk/shopdesk/web/components"
)

// The request-wide input rule: every POST body is read here, within a size limit, and every text
// value in it is checked for NUL, invalid UTF-8 and length (validate.Form). Handlers ask
// inputProblems before they call a service and answer a problem like any other field problem:
// the form again with the message (or a flash message for one-control forms).
const (
	// maxFormBytes bounds a form without files: room for the longest field (a reply) in any
	// script and any value of at most a megabyte, which is then refused with its message.
	maxFormBytes = 2 << 20
	// defaultFieldBytes bounds a one-line field; the longer ones are listed in fieldBytes.
	defaultFieldBytes = 4 << 10
	// multipartMemory is how much of an upload stays in memory; the rest goes to a temporary file.
	multipartMemory = 8 << 20
)

// fieldBytes are the fields allowed more than defaultFieldBytes.
var fieldBytes = map[string]int{
	"body":      maxReplyBodyBytes,
	"signature": 16 << 10,
	"holidays":  64 << 10,
	"closures":  64 << 10,
}

// uploadRoutes are the routes that take files, with the size of their whole request. Every other
// route reads at most maxFormBytes.
var uploadRoutes = map[string]int64{
	"/w/{workspace}/t/{number}/reply": maxReplyRequest,
}

// uploadRouter matches a request's path to its uploadRoutes pattern wherever checkInput sits
// (a group's middleware runs before a nested router has picked the final route).
var uploadRouter = func() *chi.Mux {
	m := chi.NewRouter()
	for p := range uploadRoutes {
		m.Post(p, http.NotFound)
	}
	return m
}()

// uploadLimit is the request size of an upload route, or false for any other route.
func uploadLimit(r *http.Request) (int64, bool) {
	rctx := chi.NewRouteContext()
	if !uploadRouter.Match(rctx, r.Method, r.URL.Path) {
		return 0, false
	}
	n, ok := uploadRoutes[rctx.RoutePattern()]
	return n, ok
}

func fieldLimit(name string) int {
	if n, ok := fieldBytes[name]; ok {
		return n
	}
	if strings.HasPrefix(name, "signature_") {
		// A reply signature per channel (account page): 2,000 characters of any script.
		return fieldBytes["signature"]
	}
	return defaultFieldBytes
}

type inputKey struct{}

// inputState is a POST's standing against the request-wide rules: the problems checkInput found,
// and the message shown above a form sent back for one of these rules (a value, or an id that
// is no choice of this workspace), which a form may have no message slot for.
type inputState struct {
	problems validate.Errors
	summary  string
}

// checkInput reads and checks the body of every POST. It sits in the route groups, after the
// sign-in and workspace checks, so no large body is read for a stranger.
func (h *Handler) checkInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		limit, uploads := uploadLimit(r)
		if !uploads {
			limit = maxFormBytes
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		problems := validate.Errors{}
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		var err error
		if ct == "multipart/form-data" {
			err = r.ParseMultipartForm(multipartMemory)
			// The server removes the temporary files of its own request only, not of this copy.
			defer func() {
				if r.MultipartForm != nil {
					_ = r.MultipartForm.RemoveAll()
				}
			}()
		} else {
			err = r.ParseForm()
		}
		if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
			field := "form"
			if uploads {
				field = "attachments"
			}
			problems.Add(field, validate.KeyFormTooLarge)
		} else if err != nil {
			problems.Add("form", validate.KeyUnreadable)
		}
		// PostForm holds the values of both encodings.
		for field, key := range validate.Form(r.PostForm, fieldLimit) {
			problems.Add(field, key)
		}
		// Query values need no check here: server.cleanURL has made them valid text already.
		st := &inputState{problems: problems}
		if len(problems) > 0 {
			st.summary = firstKey(problems)
		}
		ctx := context.WithValue(r.Context(), inputKey{}, st)
		// Pages without the app's frame (sign-in, sign-up, password reset) explain it too.
		ctx = components.WithProblem(ctx, func() string { return st.summary })
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// inputProblems is the request's input refused by the request-wide rule, as a validation error,
// or nil. A handler that reads a form calls it before any service.
func inputProblems(r *http.Request) error {
	if st, ok := r.Context().Value(inputKey{}).(*inputState); ok && len(st.problems) > 0 {
		return st.problems
	}
	return nil
}

// noteProblems keeps the first message of the request-wide rules among a form's problems for
// the summary above the form.
func noteProblems(ctx context.Context, ve validate.Errors) {
	st, ok := ctx.Value(inputKey{}).(*inputState)
	if !ok || st.summary != "" {
		return
	}
	generic := validate.Errors{}
	for f, k := range ve {
		if isInputKey(k) {
			generic[f] = k
		}
	}
	st.summary = firstKey(generic)
}

// firstKey is one message key of a validation error, chosen by field name so the same form gets
// the same message every time.
func firstKey(ve validate.Errors) string {
	fields := make([]string, 0, len(ve))
	for f := range ve {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	if len(fields) == 0 {
		return ""
	}
	return ve[fields[0]]
}

// problemText is the translated message of one problem of a validation error, for a form with a
// single message slot.
func problemText(ctx context.Context, err error) string {
	var ve validate.Errors
	if !errors.As(err, &ve) {
		return ""
	}
	return i18n.T(ctx, firstKey(ve))
}

// problemSummary is the message shown above a form sent back by the request-wide rules, so a
// refused field that the form shows no message slot for (or a refused upload) is still explained.
func problemSummary(ctx context.Context) string {
	if st, ok := ctx.Value(inputKey{}).(*inputState); ok {
		return st.summary
	}
	return ""
}

// isInputKey reports whether a message key comes from the input rule.
func isInputKey(key string) bool { return strings.HasPrefix(key, "input.") }

// Package apicontract is a local HTTP server that speaks a marketplace API exactly as its published
// OpenAPI (or Swagger 2.0) description says: every request is routed to its operation and validated
// (path, query, headers, authorisation, body) before a registered handler sees it, and every
// response a handler writes is validated too, so a fake can never drift from the real API. OAuth
// token endpoints are not in the descriptions and are written by hand (oauth.go). Contract tests
// use it through Start; the development marketplace simulator serves the same handlers.
package apicontract

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed specs
var specFS embed.FS

// Spec names of the descriptions kept in specs/ (see specs/README.md for their sources).
const (
	EbayMessage      = "ebay/commerce_message_v1_oas3.json"
	EbayNotification = "ebay/commerce_notification_v1_oas3.json"
	EbayFulfillment  = "ebay/sell_fulfillment_v1_oas3.json"
	AmazonOrders     = "amazon/ordersV0.json"
)

// Spec is one API description, ready to route: its operations are served under BasePath.
type Spec struct {
	Name     string
	BasePath string // "/commerce/message/v1"
	Doc      *openapi3.T
}

var loaded sync.Map // name → func() (*Spec, error)

// LoadSpec reads an embedded description by name (one of the constants above). OpenAPI 3 is used
// as it is; Swagger 2.0 is converted with openapi2conv. A description is parsed once per process
// (the large ones take a good part of a second) and shared: servers only read it.
func LoadSpec(name string) (*Spec, error) {
	once, _ := loaded.LoadOrStore(name, sync.OnceValues(func() (*Spec, error) {
		data, err := specFS.ReadFile(path.Join("specs", name))
		if err != nil {
			return nil, fmt.Errorf("apicontract: read spec %s: %w", name, err)
		}
		return ParseSpec(name, data)
	}))
	return once.(func() (*Spec, error))()
}

// ParseSpec reads a description from bytes.
func ParseSpec(name string, data []byte) (*Spec, error) {
	var probe struct {
		Swagger string `json:"swagger"`
		OpenAPI string `json:"openapi"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("apicontract: spec %s: %w", name, err)
	}
	var doc *openapi3.T
	var base string
	switch {
	case strings.HasPrefix(probe.Swagger, "2."):
		var doc2 openapi2.T
		if err := json.Unmarshal(data, &doc2); err != nil {
			return nil, fmt.Errorf("apicontract: spec %s: %w", name, err)
		}
		base = doc2.BasePath
		v3, err := openapi2conv.ToV3(&doc2)
		if err != nil {
			return nil, fmt.Errorf("apicontract: convert spec %s: %w", name, err)
		}
		doc = v3
	case strings.HasPrefix(probe.OpenAPI, "3."):
		loader := openapi3.NewLoader()
		d, err := loader.LoadFromData(data)
		if err != nil {
			return nil, fmt.Errorf("apicontract: spec %s: %w", name, err)
		}
		doc = d
		base = serverBasePath(d.Servers)
	default:
		return nil, fmt.Errorf("apicontract: spec %s: neither OpenAPI 3 nor Swagger 2.0", name)
	}
	base = "/" + strings.Trim(base, "/")
	if base == "/" {
		base = ""
	}
	// Routes match on the path alone: the server answers on whatever loopback address it got.
	doc.Servers = openapi3.Servers{{URL: base + "/"}}
	if base == "" {
		doc.Servers = nil
	}
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("apicontract: spec %s is invalid: %w", name, err)
	}
	closeObjects(doc)
	return &Spec{Name: name, BasePath: base, Doc: doc}, nil
}

// serverBasePath is the path of the first server, with its variables at their defaults.
func serverBasePath(servers openapi3.Servers) string {
	if len(servers) == 0 {
		return ""
	}
	s := servers[0]
	u := s.URL
	for name, v := range s.Variables {
		u = strings.ReplaceAll(u, "{"+name+"}", v.Default)
	}
	parsed, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return parsed.Path
}

// closeObjects makes every object schema refuse properties it does not declare (unless it says
// otherwise). The published schemas leave them open, which would let a misspelt field in a fake's
// answer or in a client's request ("recipientUsername" for "recipientUserName") pass unnoticed.
// Schemas that take part in allOf/anyOf/oneOf stay open: closing them would refuse the other
// branches' properties.
func closeObjects(doc *openapi3.T) {
	composed := map[*openapi3.Schema]bool{}
	seen := map[*openapi3.Schema]bool{}
	var all []*openapi3.Schema
	var walk func(ref *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		all = append(all, s)
		for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, r := range list {
				if r != nil && r.Value != nil {
					composed[r.Value] = true
				}
				walk(r)
			}
		}
		walk(s.Not)
		walk(s.Items)
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.AdditionalProperties.Schema)
	}
	if doc.Components != nil {
		for _, s := range doc.Components.Schemas {
			walk(s)
		}
		for _, rb := range doc.Components.RequestBodies {
			if rb.Value != nil {
				for _, mt := range rb.Value.Content {
					walk(mt.Schema)
				}
			}
		}
		for _, r := range doc.Components.Responses {
			if r.Value != nil {
				for _, mt := range r.Value.Content {
					walk(mt.Schema)
				}
			}
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(mt.Schema)
				}
			}
			if op.Responses != nil {
				for _, r := range op.Responses.Map() {
					if r.Value != nil {
						for _, mt := range r.Value.Content {
							walk(mt.Schema)
						}
					}
				}
			}
		}
	}
	no := false
	for _, s := range all {
		if composed[s] || len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) > 0 {
			continue
		}
		isObject := s.Type != nil && s.Type.Is("object") || len(s.Properties) > 0
		if isObject && len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
			s.AdditionalProperties.Has = &no
		}
	}
}

// Package static serves the CSS, JavaScript, vendored htmx and icons from the binary under
// content-hashed URLs, so browsers cache them forever and a new release is never served stale.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed css js vendor icons
var files embed.FS

type asset struct {
	hash  string
	body  []byte
	ctype string
}

var assets = mustIndex()

func mustIndex() map[string]asset {
	out := map[string]asset{}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "VERSIONS") {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		out[p] = asset{hash: hex.EncodeToString(sum[:])[:12], body: b, ctype: ctype}
		return nil
	})
	if err != nil {
		panic(err)
	}
	return out
}

// Path is the URL of an embedded file, with its content hash; an unknown name panics, so a typo
// fails the first test that renders the page.
func Path(name string) string {
	a, ok := assets[name]
	if !ok {
		panic("static: no embedded file " + name)
	}
	return "/static/" + a.hash + "/" + name
}

// Handler serves /static/{hash}/{name}. A stale hash is a 404 rather than today's file, so a page
// from an older release never mixes with newer assets under an immutable cache header.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(r.URL.Path, "/static/")
		hash, name, ok := strings.Cut(rest, "/")
		a, found := assets[name]
		if !ok || !found || a.hash != hash {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", a.ctype)
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(a.body)
	})
}

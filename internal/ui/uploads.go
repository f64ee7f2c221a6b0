package ui

import (
	"io"
	"mime"
	"mime/multipart"
	"path"
	"strings"
	"unicode"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/text"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// maxFileNameBytes bounds a stored attachment name.
const maxFileNameBytes = 255

// readUploads reads the files chosen in a reply form. A chosen file that is empty or cannot be
// read is a problem of the attachments field, never left out silently. (A file input left empty
// arrives without a file name, as a plain value, and is not a file here.)
func readUploads(files []*multipart.FileHeader) ([]conversation.Upload, error) {
	var out []conversation.Upload
	for _, fh := range files {
		if fh.Size == 0 {
			return nil, validate.Errors{"attachments": "reply.file_empty"}
		}
		f, err := fh.Open()
		if err != nil {
			return nil, validate.Errors{"attachments": "reply.file_unreadable"}
		}
		data, err := io.ReadAll(io.LimitReader(f, conversation.MaxAttachmentBytes+1))
		f.Close()
		if err != nil || len(data) == 0 {
			return nil, validate.Errors{"attachments": "reply.file_unreadable"}
		}
		out = append(out, conversation.Upload{Name: fileName(fh.Filename), ContentType: contentType(fh.Header.Get("Content-Type")), Data: data})
	}
	return out, nil
}

// fileName makes a sent file name storable text. Browsers send UTF-8; other clients send the
// bytes of their system's code page, read as raw header bytes are (windows-1252, Latin-1's
// superset, when not UTF-8). Control characters and any path are dropped.
func fileName(name string) string {
	name = text.DecodeHeader([]byte(name), "")
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, "\\", "/")))
	if name == "" || name == "." || name == "/" {
		name = "attachment"
	}
	return text.ShortenFileName(name, maxFileNameBytes)
}

// contentType keeps a sent media type only when it is one; otherwise there is none (stored as
// application/octet-stream).
func contentType(ct string) string {
	if _, _, err := mime.ParseMediaType(ct); err != nil || validate.Text(ct, 255) != "" {
		return ""
	}
	return ct
}

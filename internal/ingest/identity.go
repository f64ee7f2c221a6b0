package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// A message's channel id is its Message-ID, unless a stored message with other content holds that
// already: then it is the Message-ID plus its content key, which is the same for every copy of the
// same content and differs for any other. So any number of mails reusing one Message-ID get ids
// of their own, and a copy of any of them is recognised as a duplicate.

// contentKey identifies a message's content: its normalised text and its attachments' hashes.
func contentKey(text string, attachments [][]byte) string {
	hs := make([]string, len(attachments))
	for i, a := range attachments {
		hs[i] = hex.EncodeToString(a)
	}
	slices.Sort(hs)
	h := sha256.New()
	h.Write([]byte(normaliseText(text)))
	for _, a := range hs {
		h.Write([]byte{0})
		h.Write([]byte(a))
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// normaliseText makes the same text the same however its lines ended.
func normaliseText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// uploadHashes are the attachments' parts of the content key: each file's name (as stored) and
// content, so the same bytes under another name make another message, as MessagesByChannelIDs
// computes them for a stored message.
func uploadHashes(us []conversation.Upload) [][]byte {
	out := make([][]byte, len(us))
	for i, u := range us {
		sum := sha256.Sum256(u.Data)
		name := strings.TrimSpace(u.Name)
		if name == "" {
			name = "attachment"
		}
		h := sha256.Sum256(append(append([]byte(name), 0), sum[:]...))
		out[i] = h[:]
	}
	return out
}

// candidates are the channel ids a message may hold or a copy of it may be stored under: the
// Message-ID, the Message-ID with the content key, and the Message-ID with a hash of the text
// alone, which the pipeline gave a second message with a reused id before content keys.
func candidates(mid, text, key string) []string {
	legacy := sha256.Sum256([]byte(text))
	return []string{mid, mid + "#" + key, mid + "#" + hex.EncodeToString(legacy[:6])}
}

// identity settles the channel id of a message with the given candidates and content key; seen is
// true when a stored message under one of them has the same content (a copy).
func identity(cands []string, key string, known []dbsqlc.MessagesByChannelIDsRow) (id string, seen bool) {
	taken := false
	for _, k := range known {
		if !slices.Contains(cands, k.ChannelMessageID) {
			continue // a message this one refers to
		}
		if contentKey(k.BodyText, k.AttachmentHashes) == key {
			return k.ChannelMessageID, true
		}
		taken = taken || k.ChannelMessageID == cands[0]
	}
	if !taken {
		return cands[0], false
	}
	return cands[1], false
}

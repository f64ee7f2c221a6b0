package pages

import (
	"fmt"
	"strings"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// threadItem is a message or an event, in one time-ordered thread.
type threadItem struct {
	Message *conversation.Message
	Event   *dbsqlc.TicketEvent
}

func mergeThread(d conversation.Detail) []threadItem {
	out := make([]threadItem, 0, len(d.Messages)+len(d.Events))
	i, j := 0, 0
	for i < len(d.Messages) || j < len(d.Events) {
		if j >= len(d.Events) || (i < len(d.Messages) && !d.Messages[i].CreatedAt.After(d.Events[j].CreatedAt)) {
			out = append(out, threadItem{Message: &d.Messages[i]})
			i++
		} else {
			out = append(out, threadItem{Event: &d.Events[j]})
			j++
		}
	}
	return out
}

func sizeLabel(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// InlineImageType is the content type to show an attachment inline with, or "" when it must be
// downloaded: only raster formats browsers decode without running anything.
func InlineImageType(ct string) string {
	switch strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0])) {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	}
	return ""
}

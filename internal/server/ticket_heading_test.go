package server_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
)

// The ticket page's heading is the useful part of a marketplace subject, as the inbox row shows
// it; the full subject stays in its title and above the first message. The Amazon buyer's
// alias shows once in the customer column, clipped with its whole text in the title.
func TestTicketHeadingAndBuyerAlias(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "heading", "admin@heading.test")
	c := app.SignIn(t, "admin@heading.test")
	alias := "q2w3e4r5t6y7u8i9o0p1@marketplace.amazon.com"
	wrapped := "Inquiry from Amazon customer " + alias + " (Order: 305-1234567-7654321)"
	tk, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "amazon", Subject: wrapped,
		Customer: conversation.CustomerRef{Name: alias, Email: alias, Channel: "amazon", ExternalID: alias},
		Message:  conversation.Inbound{Text: "\n\nHello, my parcel has not arrived and the tracking has not moved for a week now. Can you check with the carrier please?\nThanks"}})
	require.NoError(t, err)
	plain, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "email", Subject: "Re: Wrong size",
		Customer: conversation.CustomerRef{Name: "Ana Pop", Email: "ana@example.com"}, Message: conversation.Inbound{Text: "It is too small."}})
	require.NoError(t, err)

	page := c.Get("/w/heading/t/" + strconv.FormatInt(tk.Number, 10))
	require.Equal(t, http.StatusOK, page.StatusCode)
	h := between(t, page.Body, `data-testid="ticket-subject"`, `</h2>`)
	require.Contains(t, h, "Hello, my parcel has not arrived and the tracking has not moved for a week now. Can you…", "the buyer's words, cut at a word")
	require.NotContains(t, strings.SplitN(h, ">", 2)[1], "Inquiry from Amazon")
	require.Contains(t, h, `title="`+wrapped+`"`)
	require.Contains(t, between(t, page.Body, `data-testid="msg-subject"`, `</p>`), "Subject: "+wrapped)
	customer := between(t, page.Body, `data-testid="customer"`, `</section>`)
	require.Equal(t, 1, strings.Count(customer, ">"+alias+"<"), "the alias once, as the name; not again as the address nor the Amazon id:\n%s", customer)
	require.NotContains(t, customer, `data-testid="customer-email"`)
	require.NotContains(t, customer, `data-testid="customer-identity"`)
	require.Contains(t, customer, `title="`+alias+`"`)
	require.Contains(t, customer, `class="side-customer-name side-clip"`)

	page = c.Get("/w/heading/t/" + strconv.FormatInt(plain.Number, 10))
	h = between(t, page.Body, `data-testid="ticket-subject"`, `</h2>`)
	require.Contains(t, h, ">Wrong size</span>", "the reply prefix goes")
	require.Contains(t, page.Body, `data-testid="msg-subject"`, "the first message keeps the subject as written")
	require.Contains(t, page.Body, `data-testid="customer-email"`)
}

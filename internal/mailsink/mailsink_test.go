package mailsink_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/mailsink"
	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestSink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDB(t)
	sink := mailsink.New(db.Store)

	// What an agent's reply looks like on the wire: encoded subject, HTML alternative.
	raw := []byte("From: \"Ana Pop\" <ana@shop.example>\r\nTo: buyer@example.com\r\n" +
		"Subject: =?UTF-8?B?UmU6IENvbWFuZGEgIzEwMDIg4oCUIMiZb3NldGXImWk=?=\r\n" +
		"Message-ID: <sd.1.2.abc@shop.example>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/alternative; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBună ziua, vedeți https://shop.example/t/1002.\r\n" +
		"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Bună ziua</p>\r\n--b--\r\n")
	require.NoError(t, sink.Deliver(ctx, "ana@shop.example", []string{"buyer@example.com", "copy@shop.example"}, raw))
	// Broken bytes are kept as sent, and shown as best they can be.
	require.NoError(t, sink.Deliver(ctx, "x\x00@example.com", []string{"buyer@example.com"}, []byte("Subject: caf\xe9\x00\r\n\r\nbody \xff\r\n")))
	require.Error(t, sink.Deliver(ctx, "ana@shop.example", nil, raw))

	list, err := sink.List(ctx, 10)
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, "caf\uFFFD", list[0].Subject, "newest first")
	require.Equal(t, "Re: Comanda #1002 — șoseteși", list[1].Subject)
	require.Equal(t, []string{"buyer@example.com", "copy@shop.example"}, list[1].To)

	m, err := sink.Get(ctx, list[1].ID)
	require.NoError(t, err)
	require.Contains(t, m.Text, "Bună ziua, vedeți https://shop.example/t/1002.")
	require.Equal(t, raw, m.Raw)
	_, err = sink.Get(ctx, 987654)
	require.ErrorIs(t, err, store.ErrNotFound)

	to, err := sink.To(ctx, "copy@shop.example")
	require.NoError(t, err)
	require.Len(t, to, 1)
}

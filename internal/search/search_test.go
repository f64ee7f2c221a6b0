package search

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestTerms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"Aplicație nu funcționează!", []string{"aplicatie", "nu", "functioneaza"}},
		{"Şosete ŢESUTE", []string{"sosete", "tesute"}},
		{"주문이 아직 안 왔어요", []string{"주문", "문이", "아직", "안", "왔어", "어요"}},
		{"Order 123-4567890-1234567 for ana@example.com", []string{"order", "123-4567890-1234567", "123", "4567890", "1234567", "for", "ana@example.com", "ana", "example", "com"}},
		{"주문번호123", []string{"주문", "문번", "번호", "123"}},
		{"...", nil},
	} {
		require.Equal(t, tc.want, Terms(tc.text), tc.text)
	}
}

func TestQuery(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ typed, want string }{
		{"aplicatie", "'aplicati':*"},
		{"Aplicație", "'aplicati':*"},
		{"aplicația", "'aplicati':*"},
		{"refund order", "'refun':* & 'orde':*"},
		{"the box", "'the' & 'box':*"},
		{"주문", "'주문'"},
		{"배송 지연", "'배송' & '지연'"},
		{"123-4567890-1234567", "'123-4567890-1234567':*"},
		{"o'brien", "'o' & 'brie':*"},
	} {
		got, ok := Query(tc.typed)
		require.True(t, ok, tc.typed)
		require.Equal(t, tc.want, got, tc.typed)
	}
	_, ok := Query("  !! ")
	require.False(t, ok)
}

func TestQueryIn(t *testing.T) {
	t.Parallel()
	id := uuid.MustParse("f3a4170d-0b8e-4ba4-a0f7-bdc655e79643")
	require.Equal(t, "f3a4170d0b8e.", Scope(id))
	q, ok := QueryIn(Scope(id), "Aplicație 302-1234567")
	require.True(t, ok)
	require.Equal(t, `'f3a4170d0b8e.aplicati':* & 'f3a4170d0b8e.302-1234567':*`, q)
	plain, _ := Query("Aplicație 302-1234567")
	require.Equal(t, `'aplicati':* & '302-1234567':*`, plain)
}

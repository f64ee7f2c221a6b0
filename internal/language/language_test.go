package language

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDetect(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"안녕하세요, 주문한 상품이 아직 도착하지 않았습니다.":                                       "ko",
		"Bună ziua, comanda mea nu a ajuns încă. Vă rog să verificați.":       "ro",
		"Buna ziua, comanda nu a ajuns si as vrea sa stiu de ce":              "ro",
		"Hello, my order has not arrived yet. Can you check please?":          "en",
		"Hallo, meine Bestellung ist nicht angekommen. Bitte prüfen Sie das.": "de",
		"注文した商品がまだ届きません。":                                                     "ja",
		"ok": "",
	} {
		require.Equal(t, want, Detect(text), text)
	}
}

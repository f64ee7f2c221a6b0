package seed

// Sample buyer messages for the scale data set, in our three languages. %s takes an order number.
var scaleSubjects = map[string][]string{
	"en": {"Where is my order %s?", "Refund for order %s", "Item arrived damaged", "Question before I buy", "Wrong size received",
		"Invoice request for %s", "Change delivery address", "Cancel order %s", "Product not as described", "Missing parts in package"},
	"ko": {"주문 %s 배송 문의", "환불 요청합니다", "제품이 파손되어 도착했어요", "구매 전 문의드립니다", "사이즈 교환 가능한가요",
		"세금계산서 발행 요청", "배송지 변경 부탁드립니다", "주문 취소 요청 %s", "상품 설명과 달라요", "구성품이 빠져 있어요"},
	"ro": {"Unde este comanda %s?", "Rambursare pentru comanda %s", "Produsul a ajuns deteriorat", "Întrebare înainte de cumpărare",
		"Am primit mărimea greșită", "Factură pentru comanda %s", "Schimbare adresă de livrare", "Anulare comandă %s",
		"Produsul nu corespunde descrierii", "Lipsesc piese din colet"},
}

var scaleBodies = map[string][]string{
	"en": {
		"Hello, I ordered last week and tracking has not updated for four days. Could you check with the carrier, please?",
		"The package arrived today but the box was crushed and the glass lid is cracked. Can I get a replacement?",
		"Does this charger work with older phones? I would like to buy two before the weekend.",
		"I received size M but ordered L. How do I return it and get the right size?",
		"Please send an invoice with our company VAT number for accounting.",
		"Thanks for the quick answer, that solves it.",
		"Is there any update? I still have not received anything.",
		"Could you confirm the refund was issued? My bank shows nothing yet.",
	},
	"ko": {
		"안녕하세요, 지난주에 주문했는데 배송 조회가 나흘째 그대로예요. 택배사에 확인 부탁드립니다.",
		"오늘 받았는데 상자가 찌그러져 있고 유리 뚜껑에 금이 갔어요. 교환 가능할까요?",
		"이 충전기가 예전 휴대폰에서도 되나요? 주말 전에 두 개 사려고 합니다.",
		"M 사이즈가 왔는데 L을 주문했어요. 반품하고 맞는 사이즈로 받을 수 있나요?",
		"회계 처리를 위해 사업자 번호가 들어간 영수증을 보내주세요.",
		"빠른 답변 감사합니다. 해결되었어요.",
		"진행 상황이 있나요? 아직 아무것도 받지 못했어요.",
		"환불 처리되었는지 확인 부탁드립니다. 카드 내역에 아직 안 보여요.",
	},
	"ro": {
		"Bună ziua, am comandat săptămâna trecută și urmărirea nu s-a mai actualizat de patru zile. Puteți verifica la curier?",
		"Coletul a ajuns azi, dar cutia era turtită și capacul de sticlă e crăpat. Pot primi un produs nou?",
		"Încărcătorul funcționează și cu telefoane mai vechi? Aș vrea să cumpăr două până în weekend.",
		"Am primit mărimea M, dar am comandat L. Cum fac returul ca să primesc mărimea corectă?",
		"Vă rog să-mi trimiteți factura cu codul fiscal al firmei pentru contabilitate.",
		"Mulțumesc pentru răspunsul rapid, s-a rezolvat.",
		"Aveți vreo noutate? Încă nu am primit nimic.",
		"Puteți confirma că s-a făcut rambursarea? Banca nu arată nimic încă.",
	},
}

var scaleReplies = map[string][]string{
	"en": {"Thanks for reaching out. I checked with the carrier: your parcel is on its way and should arrive within two days.",
		"Sorry about that! A replacement ships today; no need to return the damaged one.",
		"Yes, it works with every phone that supports Qi charging.", "Your refund was issued today; banks take 3–5 days to show it."},
	"ko": {"문의 감사합니다. 택배사에 확인해 보니 이틀 안에 도착할 예정입니다.", "불편을 드려 죄송합니다. 오늘 새 제품을 보내드리며, 파손품은 반품하지 않으셔도 됩니다.",
		"네, 무선 충전을 지원하는 모든 휴대폰에서 사용 가능합니다.", "오늘 환불 처리되었습니다. 카드사 반영까지 3~5일 걸립니다."},
	"ro": {"Vă mulțumim! Am verificat la curier: coletul este pe drum și ar trebui să ajungă în două zile.",
		"Ne pare rău! Un produs nou pleacă astăzi; nu trebuie să-l returnați pe cel deteriorat.",
		"Da, funcționează cu orice telefon care acceptă încărcare Qi.", "Rambursarea s-a făcut azi; băncile o afișează în 3–5 zile."},
}

var scaleFirst = map[string][]string{
	"en": {"Laura", "Oliver", "Mike", "Sofia", "Hannah", "James", "Emma", "Lucas", "Mia", "Noah"},
	"ko": {"민지", "서준", "지우", "하은", "도윤", "서연", "예준", "지호", "수아", "시우"},
	"ro": {"Ioana", "Andrei", "Mihai", "Elena", "Ana", "Alexandru", "Maria", "Ștefan", "Cristina", "Radu"},
}

var scaleLast = map[string][]string{
	"en": {"Becker", "Grant", "Chen", "Rossi", "Weber", "Smith", "Brown", "Miller", "Wilson", "Taylor"},
	"ko": {"김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"},
	"ro": {"Popescu", "Ionescu", "Dumitrescu", "Stan", "Stoica", "Gheorghe", "Rusu", "Munteanu", "Constantin", "Marin"},
}

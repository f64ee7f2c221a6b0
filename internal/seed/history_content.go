package seed

// The demo history's words: buyers' questions and agents' answers in the three UI languages, and
// names that look like a seller's real customers. Each scenario is one kind of ticket a
// marketplace seller answers every day.

type historyScenario struct {
	tag      string
	presale  bool
	order    bool
	subject  string // %s: the order number, where the scenario has one
	question string
	answer   string
	followUp string // the customer's second message; "" when the first answer settles it
	closing  string // our answer to the follow-up
}

var historyScenarios = map[string][]historyScenario{
	"en": {
		{tag: "where-is-my-order", order: true, subject: "Where is my order %s?",
			question: "Hi, I ordered a week ago and the tracking page has not changed for three days. Is my parcel lost?",
			answer:   "Thanks for your patience! The carrier had a backlog at the sorting centre; your parcel is moving again and should arrive within two working days.",
			followUp: "It still says in transit. Can you check again?", closing: "I opened an inquiry with the carrier and will update you tomorrow morning at the latest."},
		{tag: "damaged", order: true, subject: "Item arrived damaged (order %s)",
			question: "The glass lid of the pan was cracked when I opened the box. What can you do?",
			answer:   "I'm sorry about that. A replacement lid ships today; there is no need to return the broken one."},
		{tag: "return", order: true, subject: "Return request for order %s",
			question: "The jacket is too small. How do I return it and get the larger size?",
			answer:   "You can return it free of charge: I have e-mailed you a prepaid label. The larger size ships as soon as the parcel is scanned.",
			followUp: "Label received, thank you. Do I need the original box?", closing: "Any sturdy box is fine. Thanks!"},
		{tag: "refund", order: true, subject: "Refund not received (order %s)",
			question: "I returned the item two weeks ago but have not seen the refund yet.",
			answer:   "The return arrived on Monday and the refund was issued today; your bank shows it within 3–5 working days."},
		{tag: "invoice", order: true, subject: "Invoice with VAT number for %s",
			question: "Could you send an invoice with our company VAT number for this order, please?",
			answer:   "Of course: the invoice with your VAT number is attached to this message."},
		{tag: "product-question", presale: true, subject: "Question before buying: does it fit a 28 cm pan?",
			question: "Hello, does the lid fit a 28 cm frying pan? I want to order two.",
			answer:   "Yes, the lid fits pans from 26 to 28 cm. Happy cooking!"},
		{tag: "shipping", presale: true, subject: "Do you ship to Norway?",
			question: "Hi, can you ship to Norway and how long would it take?",
			answer:   "We ship to Norway in 4–6 working days; import VAT is charged by the carrier on delivery."},
		{tag: "cancel", order: true, subject: "Please cancel order %s",
			question: "I ordered the wrong colour by mistake, please cancel before it ships.",
			answer:   "Done — the order was cancelled before dispatch and you will not be charged.",
			followUp: "Great, thank you very much!", closing: ""},
	},
	"ro": {
		{tag: "where-is-my-order", order: true, subject: "Unde este comanda %s?",
			question: "Bună ziua, am comandat acum o săptămână și coletul nu s-a mișcat de trei zile. S-a pierdut?",
			answer:   "Mulțumim pentru răbdare! Curierul a avut întârzieri la depozit; coletul este din nou în drum și ajunge în două zile lucrătoare.",
			followUp: "Tot scrie „în tranzit”. Puteți verifica din nou?", closing: "Am deschis o reclamație la curier și revin cu vești mâine dimineață."},
		{tag: "damaged", order: true, subject: "Produs deteriorat (comanda %s)",
			question: "Capacul de sticlă era spart când am deschis cutia. Ce putem face?",
			answer:   "Ne pare rău! Vă trimitem astăzi un capac nou, nu este nevoie să îl returnați pe cel spart."},
		{tag: "return", order: true, subject: "Retur pentru comanda %s",
			question: "Geaca este prea mică. Cum o returnez și primesc mărimea mai mare?",
			answer:   "Returul este gratuit: v-am trimis pe e-mail eticheta de retur. Mărimea mai mare pleacă imediat ce scanăm coletul.",
			followUp: "Am primit eticheta, mulțumesc. Trebuie cutia originală?", closing: "Orice cutie rezistentă este bună. Mulțumim!"},
		{tag: "invoice", order: true, subject: "Factură pe firmă pentru %s",
			question: "Puteți emite factura pe firmă, cu CUI-ul nostru, pentru această comandă?",
			answer:   "Sigur, factura pe firmă este atașată acestui mesaj."},
		{tag: "product-question", presale: true, subject: "Întrebare înainte de comandă: compatibilitate",
			question: "Bună ziua, încărcătorul funcționează și cu telefoanele mai vechi? Vreau să comand două bucăți.",
			answer:   "Da, funcționează cu orice telefon cu încărcare wireless Qi. Vă mulțumim!"},
		{tag: "refund", order: true, subject: "Nu am primit banii înapoi (comanda %s)",
			question: "Am returnat produsul acum două săptămâni și încă nu am primit rambursarea.",
			answer:   "Coletul a ajuns luni, iar rambursarea a fost făcută azi; banii apar în cont în 3–5 zile lucrătoare."},
	},
	"ko": {
		{tag: "where-is-my-order", order: true, subject: "주문 %s 배송 문의",
			question: "안녕하세요, 일주일 전에 주문했는데 사흘째 배송 조회가 그대로예요. 분실된 건가요?",
			answer:   "기다려 주셔서 감사합니다! 물류센터 지연이 있었고 지금은 다시 이동 중이라 영업일 기준 2일 안에 도착합니다.",
			followUp: "아직도 배송 중으로 나와요. 다시 확인해 주실 수 있나요?", closing: "택배사에 조사를 요청했고 내일 오전까지 다시 알려 드리겠습니다."},
		{tag: "damaged", order: true, subject: "파손된 상품 (주문 %s)",
			question: "상자를 열어 보니 유리 뚜껑이 깨져 있었어요. 어떻게 해야 하나요?",
			answer:   "불편을 드려 죄송합니다. 새 뚜껑을 오늘 발송해 드리며, 깨진 뚜껑은 반품하지 않으셔도 됩니다."},
		{tag: "return", order: true, subject: "주문 %s 반품 요청",
			question: "재킷이 작아요. 반품하고 큰 사이즈로 받으려면 어떻게 하나요?",
			answer:   "무료 반품입니다. 반품 라벨을 이메일로 보내 드렸고, 상품이 접수되는 대로 큰 사이즈를 발송합니다."},
		{tag: "product-question", presale: true, subject: "구매 전 문의: 용량이 어떻게 되나요?",
			question: "텀블러 용량이 정확히 얼마인가요? 두 개 주문하려고 합니다.",
			answer:   "용량은 500ml이고 보온은 12시간 유지됩니다. 감사합니다!"},
		{tag: "refund", order: true, subject: "환불 문의 (주문 %s)",
			question: "2주 전에 반품했는데 아직 환불을 받지 못했어요.",
			answer:   "반품 상품은 월요일에 도착했고 오늘 환불 처리되었습니다. 카드사에 따라 3~5영업일 내에 반영됩니다."},
	},
}

var historyNames = map[string][]string{
	"en": {"Emma Collins", "James Turner", "Sophie Martin", "Lucas Brown", "Mia Fischer", "Noah Schmidt", "Chloe Dubois", "Liam O'Connor",
		"Olivia Rossi", "Ethan Walker", "Grace Miller", "Jack Wilson", "Lena Hoffmann", "Daniel Evans", "Amelia Clark", "Henry Hughes"},
	"ro": {"Elena Popa", "Andrei Stan", "Maria Ionescu", "Radu Marin", "Ana Dobre", "Cristian Georgescu", "Ioana Vasilescu", "Mihai Tudor",
		"Alexandra Rusu", "Vlad Constantin"},
	"ko": {"김지훈", "이서연", "박민준", "최유나", "정하늘", "강도윤", "조수아", "윤지호"},
}

var historyProducts = []struct {
	title, sku string
	price      int64
}{
	{"Cast-iron frying pan 28 cm", "PAN-28-CI", 4590},
	{"Glass lid 26–28 cm", "LID-2628", 1290},
	{"Waterproof jacket, size L", "JKT-WP-L", 7900},
	{"Insulated tumbler 500 ml", "TMB-500", 2490},
	{"Wireless charger 15 W", "CHG-QI-15", 2990},
	{"Wool throw blanket", "BLK-WOOL", 5900},
	{"Ceramic pour-over set", "POUR-CER", 3990},
}

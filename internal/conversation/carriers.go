package conversation

import (
	"net/url"
	"strings"
	"unicode"
)

// Carrier is a parcel carrier whose public tracking page takes the tracking number in its URL.
type Carrier struct {
	Code string // stored on shipments
	Name string // shown to agents
	// track is the tracking page: {q} takes the number query-escaped, {p} path-escaped. Built
	// here rather than taken from a source, so a link on the ticket page only ever opens the
	// carrier's own site.
	track   string
	aliases []string
}

// carriers are the carriers the marketplaces and shops we serve hand parcels to (US, UK, EU,
// Korea, Romania). The aliases are how sources spell them, compared after folding (see carrierKey).
var carriers = []Carrier{
	{Code: "ups", Name: "UPS", track: "https://www.ups.com/track?tracknum={q}", aliases: []string{"ups", "unitedparcelservice", "upsmailinnovations"}},
	{Code: "usps", Name: "USPS", track: "https://tools.usps.com/go/TrackConfirmAction?tLabels={q}", aliases: []string{"usps", "unitedstatespostalservice"}},
	{Code: "fedex", Name: "FedEx", track: "https://www.fedex.com/fedextrack/?trknbr={q}", aliases: []string{"fedex", "federalexpress", "fedexground"}},
	{Code: "dhl", Name: "DHL", track: "https://www.dhl.com/global-en/home/tracking/tracking-parcel.html?submit=1&tracking-id={q}", aliases: []string{"dhl", "dhlexpress", "dhlecommerce", "dhlpaket", "deutschepostdhl", "dhlde"}},
	{Code: "royal_mail", Name: "Royal Mail", track: "https://www.royalmail.com/track-your-item#/tracking-results/{p}", aliases: []string{"royalmail", "rm", "parcelforce"}},
	{Code: "dpd", Name: "DPD", track: "https://tracking.dpd.de/status/en_US/parcel/{p}", aliases: []string{"dpd", "dpdde", "dpduk", "dpdro", "dpdgroup"}},
	{Code: "gls", Name: "GLS", track: "https://gls-group.com/GROUP/en/parcel-tracking?match={q}", aliases: []string{"gls", "glsgroup", "glsde", "glsro"}},
	{Code: "evri", Name: "Evri", track: "https://www.evri.com/track/parcel/{p}", aliases: []string{"evri", "hermesuk", "myhermes", "myhermesuk"}},
	{Code: "hermes", Name: "Hermes", track: "https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation/#{p}", aliases: []string{"hermes", "hermesde", "hermesgermany"}},
	{Code: "amazon_logistics", Name: "Amazon Logistics", track: "https://track.amazon.com/tracking/{p}", aliases: []string{"amazonlogistics", "amzl", "amazonshipping", "amzlus", "amzluk", "amazon"}},
	{Code: "cj_logistics", Name: "CJ Logistics", track: "https://trace.cjlogistics.com/next/tracking.html?wblNo={q}", aliases: []string{"cjlogistics", "cj", "cjkoreaexpress", "cj대한통운", "대한통운"}},
	{Code: "korea_post", Name: "Korea Post", track: "https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1={q}", aliases: []string{"koreapost", "epost", "우체국", "우체국택배"}},
	{Code: "hanjin", Name: "Hanjin", track: "https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do?mCode=MN038&schLang=KR&wblnum={q}", aliases: []string{"hanjin", "한진", "한진택배"}},
	{Code: "fan_courier", Name: "FAN Courier", track: "https://www.fancourier.ro/awb-tracking/?tracking={q}", aliases: []string{"fancourier", "fan"}},
	{Code: "sameday", Name: "Sameday", track: "https://sameday.ro/#awb={q}", aliases: []string{"sameday", "samedaycourier"}},
	{Code: "cargus", Name: "Cargus", track: "https://www.cargus.ro/personal/urmareste-coletul/?tracking_number={q}", aliases: []string{"cargus", "urgentcargus"}},
	{Code: "postnl", Name: "PostNL", track: "https://jouw.postnl.nl/track-and-trace/{p}", aliases: []string{"postnl"}},
	{Code: "colissimo", Name: "Colissimo", track: "https://www.laposte.fr/outils/suivre-vos-envois?code={q}", aliases: []string{"colissimo", "laposte"}},
}

// carrierKey folds a carrier's name as sources write it ("Royal Mail", "ROYAL_MAIL", "royal-mail")
// to one key: lower case, letters and digits only.
func carrierKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var carrierIndex = func() map[string]*Carrier {
	m := map[string]*Carrier{}
	for i := range carriers {
		c := &carriers[i]
		m[carrierKey(c.Code)] = c
		m[carrierKey(c.Name)] = c
		for _, a := range c.aliases {
			m[carrierKey(a)] = c
		}
	}
	return m
}()

// CarrierOf finds the known carrier a source's carrier name or code means.
func CarrierOf(name string) (Carrier, bool) {
	c, ok := carrierIndex[carrierKey(name)]
	if !ok {
		return Carrier{}, false
	}
	return *c, true
}

// CarrierCode is what a shipment stores for a carrier name: the known carrier's code, or the name
// as given (trimmed), which then shows as written and gets no link.
func CarrierCode(name string) string {
	if c, ok := CarrierOf(name); ok {
		return c.Code
	}
	return strings.TrimSpace(name)
}

// CarrierName is the carrier's name to show for a stored code.
func CarrierName(code string) string {
	if c, ok := CarrierOf(code); ok {
		return c.Name
	}
	return code
}

// TrackingURL is the carrier's tracking page for a number, or "" when the carrier is not known
// (the number then shows without a link) or there is no number. The number is escaped for its
// place in the URL, so whatever a source sends stays inside that one parameter or path segment.
func TrackingURL(carrier, number string) string {
	number = strings.TrimSpace(number)
	c, ok := CarrierOf(carrier)
	if !ok || carrierKey(number) == "" {
		// Nothing to look up (no letter or digit): no link rather than a page of the carrier's site
		// the number's dots or slashes would point at.
		return ""
	}
	u := strings.Replace(c.track, "{q}", url.QueryEscape(number), 1)
	return strings.Replace(u, "{p}", url.PathEscape(number), 1)
}

// Carriers lists the known carriers, for pickers.
func Carriers() []Carrier { return append([]Carrier(nil), carriers...) }

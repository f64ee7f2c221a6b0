package marketplace

import "slices"

// Marketplaces a workspace can connect today. TikTok Shop and Etsy come later: until a channel can
// be connected, nothing offers it.
const (
	Amazon  = "amazon"
	Walmart = "walmart"
	EBay    = "ebay"
)

// Site is one storefront of a marketplace: an Amazon domain (its relay mail comes from
// marketplace.<domain>), an eBay marketplace id, a Walmart country site.
type Site struct {
	ID       string // amazon.de, EBAY_DE, walmart.ca
	Country  string // ISO 3166-1 alpha-2
	Language string // the site's main language (BCP 47 primary tag)
}

// sites are the storefronts an account may name. Amazon's are the relay domains with a mail
// exchanger (channels.md 2.1); eBay's the marketplace ids its APIs take; Walmart's the two
// countries whose sellers it serves through relay mail.
var sites = map[string][]Site{
	Amazon: {
		{"amazon.com", "US", "en"}, {"amazon.ca", "CA", "en"}, {"amazon.com.mx", "MX", "es"},
		{"amazon.com.br", "BR", "pt"}, {"amazon.co.uk", "GB", "en"}, {"amazon.ie", "IE", "en"},
		{"amazon.de", "DE", "de"}, {"amazon.fr", "FR", "fr"}, {"amazon.it", "IT", "it"},
		{"amazon.es", "ES", "es"}, {"amazon.nl", "NL", "nl"}, {"amazon.com.be", "BE", "fr"},
		{"amazon.pl", "PL", "pl"}, {"amazon.se", "SE", "sv"}, {"amazon.com.tr", "TR", "tr"},
		{"amazon.ae", "AE", "ar"}, {"amazon.sa", "SA", "ar"}, {"amazon.eg", "EG", "ar"},
		{"amazon.in", "IN", "en"}, {"amazon.co.jp", "JP", "ja"}, {"amazon.sg", "SG", "en"},
		{"amazon.com.au", "AU", "en"},
	},
	EBay: {
		{"EBAY_US", "US", "en"}, {"EBAY_CA", "CA", "en"}, {"EBAY_GB", "GB", "en"}, {"EBAY_IE", "IE", "en"},
		{"EBAY_DE", "DE", "de"}, {"EBAY_AT", "AT", "de"}, {"EBAY_CH", "CH", "de"}, {"EBAY_FR", "FR", "fr"},
		{"EBAY_BE", "BE", "fr"}, {"EBAY_IT", "IT", "it"}, {"EBAY_ES", "ES", "es"}, {"EBAY_NL", "NL", "nl"},
		{"EBAY_PL", "PL", "pl"}, {"EBAY_AU", "AU", "en"},
	},
	Walmart: {
		{"walmart.com", "US", "en"}, {"walmart.ca", "CA", "en"},
	},
}

// Sites returns the storefronts of a marketplace (nil for an unknown one).
func Sites(kind string) []Site { return sites[kind] }

// SiteOf finds one storefront.
func SiteOf(kind, id string) (Site, bool) {
	for _, s := range sites[kind] {
		if s.ID == id {
			return s, true
		}
	}
	return Site{}, false
}

// Known reports whether kind is a marketplace that can be connected.
func Known(kind string) bool { _, ok := sites[kind]; return ok }

// languages a store may answer in: the sites' languages and the UI's, in a stable order.
var languages = []string{"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ro", "sv", "tr"}

// Languages lists the reply languages.
func Languages() []string { return slices.Clone(languages) }

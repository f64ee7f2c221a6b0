// Package relay decides whether an inbound mail is marketplace relay mail (Amazon Buyer-Seller
// Messaging, Walmart's customer relay) and what it is. A mail is treated as a marketplace's only
// when the trust verdict says it authenticates for that marketplace's domain (DKIM aligned under
// DMARC, or a trusted provider's Authentication-Results on the IMAP route); a mail that claims a
// marketplace without it is ordinary mail, flagged as suspicious. Parsing itself lives in
// internal/channel/amazon and internal/channel/walmart. Its acceptance fixtures, written before
// the parser, live in testdata (see testdata/README.md).
package relay

// Package relay will recognise marketplace relay mail (Amazon Buyer-Seller Messaging and Walmart's
// customer relay) once its DKIM signature is trusted, classify it (buyer message, pre-sale question,
// Amazon's copies, delivery failures, opt-outs, claims, returns, feedback, Walmart escalations and
// complaints) and extract what a ticket needs: the buyer's own words, order, ASIN, alias, the exact
// reply address and the thread key. Its acceptance fixtures, written before the parser, live in
// testdata (see testdata/README.md).
package relay

#!/usr/bin/env python3
"""Writes the relay-mail fixtures (*.eml) and expect.json of package relay.

The fixtures were written by hand from the documented formats (see README.md)
before any parser existed; this script only renders them as real MIME with CRLF
line ends and the declared charsets (ISO-8859-1 quoted-printable, Shift_JIS
base64), which are awkward to keep by hand. Edit a fixture here, run
`python3 generate.py` in this directory, and commit both the script and its output.
Output is deterministic: running it twice gives the same bytes.
"""

import base64
import hashlib
import html
import json
import os
import quopri
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

# --- small binary attachments -------------------------------------------------

JPEG_A = base64.b64decode(
    "/9j/2wCEAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZGNywtQFdBRkxO"
    "UlNSMj5aYVpQYEpRUk8BDg4OExETJhUVJk81LTVPT09PT09PT09PT09PT09PT09PT09PT09PT09P"
    "T09PT09PT09PT09PT09PT09PT09PT//AABEIAAwAEAMBIgACEQEDEQH/xAGiAAABBQEBAQEBAQAA"
    "AAAAAAAAAQIDBAUGBwgJCgsQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGh"
    "CCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hp"
    "anN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV"
    "1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+gEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoLEQAC"
    "AQIEBAMEBwUEBAABAncAAQIDEQQFITEGEkFRB2FxEyIygQgUQpGhscEJIzNS8BVictEKFiQ04SXx"
    "FxgZGiYnKCkqNTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqCg4SFhoeIiYqS"
    "k5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2dri4+Tl5ufo6ery8/T1"
    "9vf4+fr/2gAMAwEAAhEDEQA/AK6x1MsdPVRUyqK8OUz1qUz/2Q=="
)
JPEG_B = base64.b64decode(
    "/9j/2wCEAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZGNywtQFdBRkxO"
    "UlNSMj5aYVpQYEpRUk8BDg4OExETJhUVJk81LTVPT09PT09PT09PT09PT09PT09PT09PT09PT09P"
    "T09PT09PT09PT09PT09PT09PT09PT//AABEIAAwAEAMBIgACEQEDEQH/xAGiAAABBQEBAQEBAQAA"
    "AAAAAAAAAQIDBAUGBwgJCgsQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGh"
    "CCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hp"
    "anN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV"
    "1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+gEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoLEQAC"
    "AQIEBAMEBwUEBAABAncAAQIDEQQFITEGEkFRB2FxEyIygQgUQpGhscEJIzNS8BVictEKFiQ04SXx"
    "FxgZGiYnKCkqNTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqCg4SFhoeIiYqS"
    "k5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2dri4+Tl5ufo6ery8/T1"
    "9vf4+fr/2gAMAwEAAhEDEQA/AKyx1MsdSKoqZVFdcpnDSmf/2Q=="
)


def png(width, height, rgb):
    """A valid PNG of one flat colour."""
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def pdf(line):
    """A valid one-page PDF showing one ASCII line."""
    stream = ("BT /F1 14 Tf 72 720 Td (%s) Tj ET" % line).encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


# --- MIME rendering -------------------------------------------------------------

CRLF = "\r\n"
LABEL = {"utf-8": "UTF-8", "shift_jis": "Shift_JIS", "iso-8859-1": "ISO-8859-1"}


def encoded_words(s, charset="utf-8"):
    """RFC 2047 B-words of at most 75 characters, never splitting a character."""
    label = LABEL[charset]
    words, cur = [], ""
    for ch in s:
        trial = cur + ch
        w = "=?%s?B?%s?=" % (label, base64.b64encode(trial.encode(charset)).decode())
        if len(w) > 75 and cur:
            words.append(cur)
            cur = ch
        else:
            cur = trial
    words.append(cur)
    return ["=?%s?B?%s?=" % (label, base64.b64encode(w.encode(charset)).decode()) for w in words]


def fold(name, value):
    """One header, folded at spaces to lines of at most 78 characters."""
    line = name + ": "
    lines = []
    for i, tok in enumerate(value.split(" ")):
        if i > 0 and len(line) + 1 + len(tok) > 78:
            lines.append(line)
            line = " " + tok
        else:
            line = line + (" " if i > 0 else "") + tok
    lines.append(line)
    return CRLF.join(lines)


def text_header(s, charset="utf-8"):
    if s.isascii():
        return s
    return " ".join(encoded_words(s, charset))


def addr(name, address, charset="utf-8"):
    if not name:
        return "<%s>" % address
    if name.isascii():
        return '"%s" <%s>' % (name.replace("\\", "\\\\").replace('"', '\\"'), address)
    return "%s <%s>" % (" ".join(encoded_words(name, charset)), address)


def b64_lines(data):
    s = base64.b64encode(data).decode()
    return CRLF.join(s[i:i + 76] for i in range(0, len(s), 76))


def qp(text, charset):
    data = text.replace("\r\n", "\n").encode(charset)
    return quopri.encodestring(data).decode("ascii").replace("\n", CRLF)


def leaf_text(text, subtype="plain", charset="utf-8", cte="quoted-printable"):
    head = ["Content-Type: text/%s; charset=%s" % (subtype, LABEL[charset]),
            "Content-Transfer-Encoding: %s" % cte]
    if cte == "quoted-printable":
        body = qp(text, charset)
    elif cte == "base64":
        body = b64_lines(text.replace("\r\n", "\n").replace("\n", "\r\n").encode(charset))
    else:
        raise ValueError(cte)
    return {"head": head, "body": body}


def leaf_file(name, ctype, data, inline=False):
    disp = "inline" if inline else "attachment"
    if name.isascii():
        ct = '%s; name="%s"' % (ctype, name)
        cd = '%s; filename="%s"' % (disp, name)
    else:
        from urllib.parse import quote
        q = quote(name.encode("utf-8"), safe="")
        ct = "%s; name*=UTF-8''%s" % (ctype, q)
        cd = "%s; filename*=UTF-8''%s" % (disp, q)
    return {"head": ["Content-Type: " + ct, "Content-Disposition: " + cd,
                     "Content-Transfer-Encoding: base64"],
            "body": b64_lines(data)}


def multipart(subtype, parts, seed):
    boundary = "=_%s_%s" % (subtype, hashlib.sha1(seed.encode()).hexdigest()[:20])
    body = ["This is a multi-part message in MIME format.", ""]
    for p in parts:
        body.append("--" + boundary)
        body.extend(p["head"])
        body.append("")
        body.append(p["body"])
    body.append("--" + boundary + "--")
    body.append("")
    return {"head": ['Content-Type: multipart/%s; boundary="%s"' % (subtype, boundary)],
            "body": CRLF.join(body)}


def message(headers, root):
    lines = []
    for name, value in headers:
        if value is None:
            continue
        lines.append(fold(name, value) if value.isascii() else name + ": " + value)
    lines.append("MIME-Version: 1.0")
    lines.extend(root["head"])
    return CRLF.join(lines) + CRLF + CRLF + root["body"].rstrip(CRLF) + CRLF


# --- identities and tokens ------------------------------------------------------

def token(seed, n=12):
    """A stable Communication-Manager-like token: 'A' and uppercase letters and digits."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    h = hashlib.sha256(seed.encode()).digest()
    return "A" + "".join(alphabet[b % len(alphabet)] for b in h[:n])


def hexid(seed, n):
    return hashlib.sha256(seed.encode()).hexdigest()[:n]


def amazon_msgid(seed):
    h = hashlib.sha256(("mid" + seed).encode()).hexdigest()
    return "<0100019a%s-%s-%s-%s-%s-000000@email.amazonses.com>" % (
        h[:8], h[8:16], h[16:20], h[20:24], h[24:36])


SITES = {
    # site: relay domain, Site name, marketplace id, Seller Central host, SPC region, account
    "amazon.com": ("marketplace.amazon.com", "Amazon.com", "ATVPDKIKX0DER", "sellercentral.amazon.com", "US", "amazon-us"),
    "amazon.ca": ("marketplace.amazon.ca", "Amazon.ca", "A2EUQ1WTGCTBG2", "sellercentral.amazon.ca", "US", "amazon-ca"),
    "amazon.co.uk": ("marketplace.amazon.co.uk", "Amazon.co.uk", "A1F83G8C2ARO7P", "sellercentral.amazon.co.uk", "EU", "amazon-eu"),
    "amazon.de": ("marketplace.amazon.de", "Amazon.de", "A1PA6795UKMFR9", "sellercentral.amazon.de", "EU", "amazon-eu"),
    "amazon.fr": ("marketplace.amazon.fr", "Amazon.fr", "A13V1IB3VIYZZH", "sellercentral.amazon.fr", "EU", "amazon-eu"),
    "amazon.it": ("marketplace.amazon.it", "Amazon.it", "APJ6JRA9NG5V4", "sellercentral.amazon.it", "EU", "amazon-eu"),
    "amazon.es": ("marketplace.amazon.es", "Amazon.es", "A1RKKUPIHCS9HS", "sellercentral.amazon.es", "EU", "amazon-eu"),
    "amazon.pl": ("marketplace.amazon.pl", "Amazon.pl", "A1C3SOZRARQ6R3", "sellercentral.amazon.pl", "EU", "amazon-eu"),
    "amazon.co.jp": ("marketplace.amazon.co.jp", "Amazon.co.jp", "A1VC38T7YXB528", "sellercentral.amazon.co.jp", "FE", "amazon-jp"),
}


def forwarding(account):
    return "acme+%s@inbound.localhost" % account


def no_response_url(site, tok, ts):
    _, _, mp, sc, _, _ = SITES[site]
    return "https://%s/gp/communication-manager/no-response-needed.html?msg=%s&d=%d&mp=%s&v=1&t=%s" % (
        sc, tok, ts, mp, hexid(tok + "t", 40))


def report_url(site, tok, ts):
    _, _, mp, _, _, _ = SITES[site]
    return "https://www.%s/gp/communication-manager/report.html?ft=InappropriateContent&msg=%s&d=%d&mp=%s&v=1&t=%s" % (
        site, tok, ts, mp, hexid(tok + "r", 40))


# --- Amazon's templates, per template language -----------------------------------
# The dashed markers of the old template are documented for English ("Begin
# message"), French ("Début du message") and Portuguese; the German, Italian,
# Polish and Japanese markers and every other localised string here are our own
# guesses (see README.md): a parser must find the buyer's text by structure.

OLD = {
    "en": dict(order="Order ID {order}:", item="1 of {product} [ASIN: {asin}]",
               product="Product: {product} [ASIN: {asin}]",
               begin="------------- Begin message -------------",
               end="------------- End message -------------",
               fyi="For Your Information: we retain all messages buyers and sellers send through {Site} for two years, your reply included, so that disputes can be settled fairly.",
               report="If you believe this message is suspicious, please report it to us here: {report}",
               nrn="To mark this message as no response needed, click here: {nrn}",
               copy_head="Dear {seller},", copy="Here is a copy of the e-mail that you sent to {buyer}."),
    "de": dict(order="Bestellnummer {order}:", item="1 von {product} [ASIN: {asin}]",
               product="Artikel: {product} [ASIN: {asin}]",
               begin="------------- Beginn der Nachricht -------------",
               end="------------- Ende der Nachricht -------------",
               fyi="Zur Information: Wir bewahren alle Nachrichten zwischen Käufern und Verkäufern auf {Site} zwei Jahre lang auf, Ihre Antwort eingeschlossen, um Streitfälle fair klären zu können.",
               report="Wenn Ihnen diese Nachricht verdächtig vorkommt, melden Sie sie uns bitte hier: {report}",
               nrn="Um diese Nachricht als \"Keine Antwort erforderlich\" zu markieren, klicken Sie hier: {nrn}",
               copy_head="Hallo {seller},", copy="hier ist eine Kopie der E-Mail, die Sie an {buyer} gesendet haben."),
    "fr": dict(order="Numéro de commande {order} :", item="1 sur {product} [ASIN : {asin}]",
               product="Produit : {product} [ASIN : {asin}]",
               begin="------------- Début du message -------------",
               end="------------- Fin du message -------------",
               fyi="Pour information : nous conservons pendant deux ans tous les messages échangés entre acheteurs et vendeurs sur {Site}, y compris votre réponse, afin de pouvoir régler les litiges.",
               report="Si ce message vous semble suspect, signalez-le ici : {report}",
               nrn="Pour indiquer que ce message ne nécessite pas de réponse, cliquez ici : {nrn}",
               copy_head="Bonjour {seller},", copy="voici une copie de l'e-mail que vous avez envoyé à {buyer}."),
    "en-fr": dict(order="Order ID/Commande N° {order}:", item="1 of/sur {product} [ASIN: {asin}]",
                  product="Product/Produit: {product} [ASIN: {asin}]",
                  begin="------------- Begin message / Début du message -------------",
                  end="------------- End message / Fin du message -------------",
                  fyi="For Your Information: we retain all messages buyers and sellers send through {Site} for two years, your reply included.\nPour information : nous conservons pendant deux ans tous les messages échangés sur {Site}, y compris votre réponse.",
                  report="If you believe this message is suspicious, please report it to us here / Si ce message vous semble suspect, signalez-le ici : {report}",
                  nrn="To mark this message as no response needed, click here / Pour indiquer que ce message ne nécessite pas de réponse, cliquez ici : {nrn}",
                  copy_head="Dear {seller},", copy="Here is a copy of the e-mail that you sent to {buyer}."),
    "it": dict(order="Numero ordine {order}:", item="1 di {product} [ASIN: {asin}]",
               product="Prodotto: {product} [ASIN: {asin}]",
               begin="------------- Inizio messaggio -------------",
               end="------------- Fine messaggio -------------",
               fyi="Per tua informazione: conserviamo per due anni tutti i messaggi scambiati tra acquirenti e venditori su {Site}, compresa la tua risposta, per poter risolvere eventuali controversie.",
               report="Se ritieni che questo messaggio sia sospetto, segnalacelo qui: {report}",
               nrn="Per indicare che questo messaggio non richiede risposta, fai clic qui: {nrn}",
               copy_head="Gentile {seller},", copy="ecco una copia dell'e-mail che hai inviato a {buyer}."),
    "pl": dict(order="Numer zamówienia {order}:", item="1 z {product} [ASIN: {asin}]",
               product="Produkt: {product} [ASIN: {asin}]",
               begin="------------- Początek wiadomości -------------",
               end="------------- Koniec wiadomości -------------",
               fyi="Dla Twojej informacji: przechowujemy przez dwa lata wszystkie wiadomości wymieniane przez kupujących i sprzedawców w {Site}, w tym Twoją odpowiedź, aby móc rozstrzygać spory.",
               report="Jeśli uważasz, że ta wiadomość jest podejrzana, zgłoś ją tutaj: {report}",
               nrn="Aby oznaczyć tę wiadomość jako niewymagającą odpowiedzi, kliknij tutaj: {nrn}",
               copy_head="Szanowni Państwo {seller},", copy="oto kopia wiadomości wysłanej do {buyer}."),
    "ja": dict(order="注文番号 {order}:", item="1 点 {product} [ASIN: {asin}]",
               product="商品: {product} [ASIN: {asin}]",
               begin="------------- メッセージの開始 -------------",
               end="------------- メッセージの終了 -------------",
               fyi="ご参考: 紛争の解決と安全な取引のため、{Site} を通じて購入者と出品者の間で送信されたすべてのメッセージは、お客様の返信を含めて2年間保存されます。",
               report="このメッセージに不審な点がある場合は、こちらからご報告ください: {report}",
               nrn="このメッセージを「返信不要」にするには、こちらをクリックしてください: {nrn}",
               copy_head="{seller} 様", copy="{buyer} 様に送信したEメールのコピーです。"),
}

NEW = {
    "en": dict(heading="You have received a message.", order="Order ID", item="Item", reply="Reply",
               nrn="Mark as no response needed", helpful="Was this email helpful?", yes="Yes", no="No",
               product="Product", legal="© 2026 Amazon.com, Inc. or its affiliates. This message was sent by Amazon on behalf of a customer. Please do not share personal information."),
    "de": dict(heading="Sie haben eine Nachricht erhalten.", order="Bestellnummer", item="Artikel", reply="Antworten",
               nrn="Als \"Keine Antwort erforderlich\" markieren", helpful="War diese E-Mail hilfreich?", yes="Ja", no="Nein",
               product="Artikel", legal="© 2026 Amazon.com, Inc. oder Tochtergesellschaften. Diese Nachricht wurde von Amazon im Auftrag eines Kunden gesendet."),
    "ja": dict(heading="メッセージが届きました。", order="注文番号", item="商品", reply="返信する",
               nrn="返信不要としてマーク", helpful="このメールは役に立ちましたか?", yes="はい", no="いいえ",
               product="商品", legal="© 2026 Amazon.com, Inc. またはその関連会社。このメッセージはお客様に代わってAmazonが送信しました。"),
    "es": dict(heading="Has recibido un mensaje.", order="Número de pedido", item="Producto", reply="Responder",
               nrn="Marcar como que no requiere respuesta", helpful="¿Te ha resultado útil este correo?", yes="Sí", no="No",
               product="Producto", legal="© 2026 Amazon.com, Inc. o sus afiliados. Amazon ha enviado este mensaje en nombre de un cliente."),
}

PRE_STYLE = "white-space:pre-wrap;word-wrap:break-word;font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:20px;margin:0"


def old_lines(site, lang, order, product, asin, text, tok, ts, copy=None):
    """The old template as lines (the buyer's or, for a copy, the seller's text between the markers)."""
    relay, Site, mp, sc, region, _ = SITES[site]
    L = OLD[lang]
    lines = []
    if copy:
        lines += [L["copy_head"].format(seller=copy["seller"]), "", L["copy"].format(buyer=copy["buyer"]), ""]
    if order:
        lines += [L["order"].format(order=order), L["item"].format(product=product, asin=asin)]
    else:
        lines += [L["product"].format(product=product, asin=asin)]
    lines += ["", L["begin"], ""] + text.split("\n") + ["", L["end"], ""]
    lines += L["fyi"].format(Site=Site).split("\n") + [""]
    lines += [L["report"].format(report=report_url(site, tok, ts)), ""]
    if not copy:
        lines += [L["nrn"].format(nrn=no_response_url(site, tok, ts)), ""]
    lines += ["", "[commMgrTok:%s]" % tok]
    return lines


def old_text(*a, **k):
    return "\n".join(old_lines(*a, **k)) + "\n"


def old_html(charset, *a, **k):
    body = "<br />".join(html.escape(l, quote=True) for l in old_lines(*a, **k))
    return ("<html>\n<head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=%s\"></head>\n"
            "<body>\n<div style=\"font-family:Arial,sans-serif;font-size:13px\">%s<br />\n</div>\n</body>\n</html>\n"
            % (LABEL[charset], body))


def new_html(site, lang, order, product, asin, text, tok, ts, spc):
    relay, Site, mp, sc, region, _ = SITES[site]
    N = NEW[lang]
    e = html.escape
    rows = ['<tr><td style="padding:16px 24px"><img src="https://m.media-amazon.com/images/G/01/outbound/amazon_logo._CB0_.png" alt="%s" width="110" height="33"></td></tr>' % e(Site),
            '<tr><td style="padding:0 24px"><h1 style="font-size:20px;font-weight:normal;margin:0 0 12px">%s</h1></td></tr>' % e(N["heading"])]
    if order:
        rows.append('<tr><td style="padding:4px 24px;font-size:13px;color:#565959">%s: <b>%s</b></td></tr>' % (e(N["order"]), e(order)))
    rows.append('<tr><td style="padding:4px 24px;font-size:13px;color:#565959">%s: <a href="https://www.%s/dp/%s" style="color:#007185">%s</a> (ASIN: %s)</td></tr>'
                % (e(N["item"] if order else N["product"]), site, asin, e(product), asin))
    rows.append('<tr><td style="padding:16px 24px"><table role="presentation" width="100%%" style="background:#f7f7f7;border-radius:8px"><tr><td style="padding:16px">'
                '<pre style="%s">%s</pre></td></tr></table></td></tr>' % (PRE_STYLE, e(text, quote=False)))
    rows.append('<tr><td style="padding:8px 24px"><a href="https://%s/messaging/reply?msg=%s&amp;mp=%s" style="background:#ffd814;border-radius:20px;padding:8px 18px;color:#0f1111;text-decoration:none">%s</a></td></tr>'
                % (sc, tok, mp, e(N["reply"])))
    rows.append('<tr><td style="padding:8px 24px;font-size:13px"><a href="%s" style="color:#007185">%s</a></td></tr>'
                % (e(no_response_url(site, tok, ts)), e(N["nrn"])))
    rows.append('<tr><td style="padding:16px 24px;font-size:12px;color:#565959">%s <a href="https://www.%s/gp/f.html?ref=yes_%s">%s</a> | <a href="https://www.%s/gp/f.html?ref=no_%s">%s</a></td></tr>'
                % (e(N["helpful"]), site, tok, e(N["yes"]), site, tok, e(N["no"])))
    rows.append('<tr><td style="padding:16px 24px;font-size:11px;color:#8c8c8c">%s<br>[commMgrTok:%s]<br>%s</td></tr>' % (e(N["legal"]), tok, spc))
    return ('<!DOCTYPE html>\n<html lang="%s">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width">\n<title>%s</title>\n</head>\n'
            '<body style="margin:0;padding:0;background:#eaeded">\n<table role="presentation" width="100%%" cellpadding="0" cellspacing="0" style="max-width:600px;margin:0 auto;background:#ffffff;font-family:Arial,Helvetica,sans-serif;color:#0f1111">\n%s\n</table>\n</body>\n</html>\n'
            % (lang, e(Site), "\n".join(rows)))


def new_text(site, lang, order, product, asin, text, tok, ts, spc):
    relay, Site, mp, sc, region, _ = SITES[site]
    N = NEW[lang]
    lines = [Site, "", N["heading"], ""]
    if order:
        lines.append("%s: %s" % (N["order"], order))
    lines += ["%s: %s (ASIN: %s)" % (N["item"] if order else N["product"], product, asin), "", "", text, "", "",
              "%s: https://%s/messaging/reply?msg=%s&mp=%s" % (N["reply"], sc, tok, mp),
              "%s: %s" % (N["nrn"], no_response_url(site, tok, ts)), "",
              N["legal"], "[commMgrTok:%s]" % tok, spc]
    return "\n".join(lines) + "\n"


# --- fixtures ------------------------------------------------------------------

import datetime as _dt
from email.utils import format_datetime

FIXTURES = []


def when(day, hour, minute, offset_hours=0):
    tz = _dt.timezone(_dt.timedelta(hours=offset_hours))
    return _dt.datetime(2026, 12, day, hour, minute, 17, tzinfo=tz)


def norm(s):
    return " ".join(s.split())


def expect(file, **kw):
    e = dict(file=file, marketplace="", site="", account="", route="gateway", kind="", template="",
             template_lang="", dkim="none", dkim_domain="", suspicious=False, claimed_marketplace="",
             order_id="", purchase_order="", asin="", product="", buyer_name="", buyer_alias="", reply_to="",
             buyer_text="", seller_text="", notice_text="", comm_mgr_tok="", no_response_url="",
             language="", thread="", attachments=[], body_charset="utf-8", body_encoding="",
             failed_reply_message_id="", reason="", rating=0, case_id="", urgent=False,
             duplicate_of="", note="")
    for k, v in kw.items():
        if k not in e:
            raise KeyError(k)
        e[k] = v
    for k in ("buyer_text", "seller_text", "notice_text"):
        e[k] = norm(e[k])
    return e


def add(file, headers, root, exp):
    FIXTURES.append((file, message(headers, root), exp))


def with_files(body, files, seed):
    if not files:
        return body
    return multipart("mixed", [body] + [leaf_file(n, ct, d) for n, ct, d in files], seed)


def amazon_buyer(file, site, template, tlang, name, alias, suffix, order, asin, product, text, language,
                 thread, date, subject, files=(), charset="utf-8", cte="quoted-printable", text_alt=False,
                 kind="buyer_message", seed=None, to=None, extra=(), route="gateway", duplicate_of="", note=""):
    seed = seed or file
    relay, Site, mp, sc, region, account = SITES[site]
    tok = token(seed)
    ts = int(date.timestamp())
    spc = "SPC-%sAmazon-%d" % (region, 3000000000 + int(hexid(seed, 8), 16) % 999999999)
    reply_to = "%s%s@%s" % (alias, "+" + suffix if suffix else "", relay)
    args = (site, tlang, order, product, asin, text, tok, ts)
    if template == "old_text":
        body = leaf_text(old_text(*args), "plain", charset, cte)
    elif template == "old_html":
        body = leaf_text(old_html(charset, *args), "html", charset, cte)
    elif template == "new_html":
        h = leaf_text(new_html(*args, spc), "html", charset, cte)
        body = multipart("alternative", [leaf_text(new_text(*args, spc), "plain", charset, cte), h], seed + "alt") if text_alt else h
    else:
        raise ValueError(template)
    root = with_files(body, files, seed)
    headers = list(extra) + [
        ("Date", format_datetime(date)),
        ("From", addr(name + " - Amazon Marketplace", reply_to, charset if charset != "iso-8859-1" else "utf-8")),
        ("To", to or forwarding(account)),
        ("Subject", text_header(subject, "shift_jis" if charset == "shift_jis" else "utf-8")),
        ("Message-ID", amazon_msgid(seed)),
    ]
    add(file, headers, root, expect(
        file, marketplace="amazon", site=site, account=account, route=route, kind=kind, template=template,
        template_lang=tlang, dkim="sign", dkim_domain=relay, order_id=order, asin=asin, product=product,
        buyer_name=name, buyer_alias="%s@%s" % (alias, relay), reply_to=reply_to, buyer_text=text,
        comm_mgr_tok=tok, no_response_url=no_response_url(site, tok, ts), language=language, thread=thread,
        attachments=[f[0] for f in files], body_charset=charset, body_encoding=cte,
        duplicate_of=duplicate_of, note=note))


# Megan (amazon.com) writes twice about one order and once about another.
MEGAN = "knv4t8wq2hd7xpb"
amazon_buyer(
    "amazon-com-old-text-en.eml", "amazon.com", "old_text", "en", "Megan", MEGAN, "",
    "113-4827165-3390217", "B0C7QJ2M4K", "TrailPeak Insulated Water Bottle, 32 oz, Slate",
    "Hi,\nI ordered the 32 oz bottle in Slate but the tracking page has said \"label created\" since Monday. "
    "Can you check whether it actually left your warehouse? I need it for a trip on the 12th.\nThanks,\nMegan",
    "en", "megan-bottle", when(1, 9, 41, -5),
    "Order delivery inquiry from Amazon customer Megan (Order: 113-4827165-3390217)",
    note="old template, text/plain, plain alias; first of two messages about one order")
amazon_buyer(
    "amazon-com-old-html-en-followup.eml", "amazon.com", "old_html", "en", "Megan", MEGAN, "5e0c71ab",
    "113-4827165-3390217", "B0C7QJ2M4K", "TrailPeak Insulated Water Bottle, 32 oz, Slate",
    "Hello again - the tracking finally moved, but now it says the address is \"undeliverable\". "
    "The address on the order is right (apt 4B, buzzer doesn't work, the carrier should call).\n\n"
    "What should I do? I don't want the bottle sent back to you & the trip is on the 12th.",
    "en", "megan-bottle", when(2, 18, 5, -5),
    "Inquiry from Amazon customer Megan (Order: 113-4827165-3390217)",
    note="old template as HTML with <br /> and entities; hex +suffix on the same alias: same thread")
amazon_buyer(
    "amazon-com-new-en-other-order.eml", "amazon.com", "new_html", "en", "Megan", MEGAN,
    "9c41d2e0-57ab-4f3e-8d21-6b0e9a4c7f15",
    "114-2093384-7712658", "B0D1RZ8H6P", "TrailPeak Stainless Lunch Box, 1.2 L",
    "Different order this time: the lunch box arrived with a cracked lid clip (photo attached).\n"
    "Could you send a replacement clip & seal, or do I need to return the whole box? <it was a gift>\n\nMegan",
    "en", "megan-lunchbox", when(3, 7, 12, -5),
    "Inquiry from Amazon customer Megan (Order: 114-2093384-7712658)",
    files=[("lid_clip.jpg", "image/jpeg", JPEG_A)], text_alt=True,
    note="new template (text alternative and HTML with the text in one <pre>), uuid +suffix, same buyer, another order: another thread")

LENA = "r2m8xq4vk9tz1cb"
amazon_buyer(
    "amazon-de-new-de-photo.eml", "amazon.de", "new_html", "de", "Lena Hoffmann", LENA,
    "0f7e2b9a-3c64-4d1e-b85a-29c7e41d6a03",
    "302-5581920-4471536", "B0CX4T9L2W", "TrailPeak Trekkingstöcke Carbon, 2er-Set",
    "Guten Tag,\n\nbei einem der beiden Stöcke lässt sich die Klemme nicht mehr schließen, sie ist beim "
    "ersten Einsatz gebrochen (Foto anbei). Können Sie mir ein Ersatzteil schicken oder soll ich das Set "
    "zurückgeben?\n\nViele Grüße\nLena Hoffmann",
    "de", "lena-poles", when(2, 10, 3, 1),
    "Anfrage von Amazon-Kunde Lena Hoffmann (Bestellung: 302-5581920-4471536)",
    files=[("IMG_2041.jpg", "image/jpeg", JPEG_B)], cte="base64",
    note="new template, HTML only (no text alternative), uuid +suffix, image attachment")
amazon_buyer(
    "amazon-de-new-de-photo-imap-copy.eml", "amazon.de", "new_html", "de", "Lena Hoffmann", LENA,
    "0f7e2b9a-3c64-4d1e-b85a-29c7e41d6a03",
    "302-5581920-4471536", "B0CX4T9L2W", "TrailPeak Trekkingstöcke Carbon, 2er-Set",
    "Guten Tag,\n\nbei einem der beiden Stöcke lässt sich die Klemme nicht mehr schließen, sie ist beim "
    "ersten Einsatz gebrochen (Foto anbei). Können Sie mir ein Ersatzteil schicken oder soll ich das Set "
    "zurückgeben?\n\nViele Grüße\nLena Hoffmann",
    "de", "lena-poles", when(2, 10, 3, 1),
    "Anfrage von Amazon-Kunde Lena Hoffmann (Bestellung: 302-5581920-4471536)",
    files=[("IMG_2041.jpg", "image/jpeg", JPEG_B)], cte="base64",
    seed="amazon-de-new-de-photo.eml", to="service@acme-outdoor.example", route="imap",
    duplicate_of="amazon-de-new-de-photo.eml",
    extra=[("Delivered-To", "service@acme-outdoor.example"),
           ("Authentication-Results", "mx.mailbox-provider.example; dkim=pass header.d=marketplace.amazon.de header.s=relay2026; dmarc=pass header.from=marketplace.amazon.de")],
    note="the same relay mail as amazon-de-new-de-photo.eml arriving through the seller's IMAP mailbox: same Message-ID and commMgrTok, one message")

amazon_buyer(
    "amazon-de-old-text-de-latin1.eml", "amazon.de", "old_text", "de", "Jürgen", "w7pk3nx0zq5md2e", "",
    "028-9917342-6650871", "B0B8NWQ3TX", "TrailPeak Schlafsack Daune -5 °C",
    "Hallo,\nich möchte wissen, ob der Schlafsack auch für Nächte unter null geeignet ist. Laut Beschreibung "
    "bis -5 °C, auf dem Etikett steht aber 0 °C. Welche Angabe stimmt? Außerdem: Gibt es einen passenden "
    "Kompressionssack?\nMit freundlichen Grüßen\nJürgen Weiß",
    "de", "juergen-sleepingbag", when(1, 20, 47, 1),
    "Anfrage von Amazon-Kunde Jürgen (Bestellung: 028-9917342-6650871)",
    charset="iso-8859-1", cte="quoted-printable",
    note="old template with German markers, ISO-8859-1 quoted-printable body; subject and name as UTF-8 encoded words")
amazon_buyer(
    "amazon-fr-old-html-fr-latin1.eml", "amazon.fr", "old_html", "fr", "Amélie", "h5tb9c2wy7ln4rq", "",
    "171-3340296-8825134", "B0C2PLK8VJ", "TrailPeak Lampe frontale 400 lumens",
    "Bonjour,\nJ'ai bien reçu la lampe frontale mais la batterie ne se recharge pas : le voyant reste éteint "
    "avec deux câbles différents. Pouvez-vous m'indiquer la marche à suivre pour un échange ?\n"
    "Cordialement,\nAmélie Rousseau",
    "fr", "amelie-headlamp", when(3, 14, 26, 1),
    "Demande de renseignements de la part du client Amazon Amélie (Commande : 171-3340296-8825134)",
    charset="iso-8859-1", cte="quoted-printable",
    note="old template with the French markers, HTML with <br />, ISO-8859-1 quoted-printable")
amazon_buyer(
    "amazon-cojp-new-ja-seller-in-subject.eml", "amazon.co.jp", "new_html", "ja", "佐藤 美咲", "p9d4mz7k1xv3sha",
    "e41c07b5",
    "249-6630185-2201947", "B0CQ7M2ZK1", "TrailPeak 折りたたみチェア コンパクト",
    "お世話になっております。\n先日注文した折りたたみチェアですが、座面の縫い目がほつれていました。"
    "交換は可能でしょうか。写真が必要であれば送ります。\nよろしくお願いいたします。\n佐藤",
    "ja", "sato-chair", when(2, 21, 8, 9),
    "Acme Outdoor JP 様からの商品に関するお問い合わせ (注文: 249-6630185-2201947)",
    cte="base64",
    note="new template in Japanese, HTML only, UTF-8 base64; the subject names the seller where the buyer should be (a documented Amazon quirk): the buyer's name comes from From")
amazon_buyer(
    "amazon-cojp-old-text-ja-sjis.eml", "amazon.co.jp", "old_text", "ja", "山本 健", "b3xq8wm5t2kz7nd", "",
    "503-1187264-9930418", "B0BZ3K8QW5", "TrailPeak ダウンジャケット メンズ L",
    "ダウンジャケットのLサイズを注文しましたが、少し小さかったのでXLサイズに交換していただけますか。\n"
    "タグは外していません。\n山本",
    "ja", "yamamoto-jacket", when(4, 8, 55, 9),
    "サイズに関するお問い合わせ (注文: 503-1187264-9930418)",
    charset="shift_jis", cte="base64",
    note="old template with Japanese markers, Shift_JIS base64 body, Shift_JIS encoded-word subject and name")
amazon_buyer(
    "amazon-couk-new-en-pdf.eml", "amazon.co.uk", "new_html", "en", "Oliver", "f6zr1kp8nq3wt5y", "a07d93c4",
    "203-7719204-5518362", "B0C9HX2LMN", "TrailPeak 2-Person Tent, Olive",
    "Hello,\nThe tent arrived but the delivery note (attached) lists 6 pegs and the bag only had 4. Could you "
    "post the two missing pegs? I'm camping in the Lake District on Saturday, so first class would be great "
    "if possible.\nCheers,\nOliver",
    "en", "oliver-tent", when(3, 16, 31, 0),
    "Inquiry from Amazon customer Oliver (Order: 203-7719204-5518362)",
    files=[("delivery_note.pdf", "application/pdf", pdf("Delivery note 203-7719204-5518362: 1 tent, 6 pegs"))],
    text_alt=True, note="new template with text alternative, hex +suffix, PDF attachment")
amazon_buyer(
    "amazon-ca-old-html-frca.eml", "amazon.ca", "old_html", "en-fr", "Geneviève", "m1wd6qz9r4hk8xt", "",
    "701-8842117-3306628", "B0CLM7R4ZE", "TrailPeak Mitaines d'hiver, taille M",
    "Bonjour, j'ai commandé des mitaines taille M mais j'ai reçu du L. Est-ce que je peux les échanger sans "
    "frais? Merci!\nGeneviève",
    "fr-CA", "genevieve-mittens", when(1, 13, 2, -5),
    "Demande de renseignements de la part du client Amazon Geneviève (Commande : 701-8842117-3306628)",
    note="amazon.ca bilingual old template (Begin message / Début du message) as HTML, French-Canadian buyer")
amazon_buyer(
    "amazon-it-old-text-it.eml", "amazon.it", "old_text", "it", "Marco", "t4nz7bq1xw9kd3m", "",
    "404-2281937-6617045", "B0D3TQ9WXN", "TrailPeak Zaino 35 L",
    "Buongiorno,\nlo zaino è arrivato ma la cerniera della tasca frontale si è staccata dopo due giorni. "
    "Posso avere una sostituzione?\nGrazie,\nMarco Bianchi",
    "it", "marco-backpack", when(2, 11, 19, 1),
    "Richiesta dal cliente Amazon Marco (Ordine: 404-2281937-6617045)",
    note="Italian old template: a template language absent from every other fixture")
amazon_buyer(
    "amazon-pl-old-text-pl.eml", "amazon.pl", "old_text", "pl", "Katarzyna", "z8kc2vm6pd1rx4q", "3b58e0f1",
    "406-9903126-4415287", "B0CWQ2H8RT", "TrailPeak Kubek termiczny 500 ml",
    "Dzień dobry,\nkubek przecieka przy zamknięciu, nawet gdy pokrywka jest dokręcona do końca. "
    "Czy mogę prosić o wymianę?\nPozdrawiam,\nKatarzyna",
    "pl", "katarzyna-mug", when(4, 12, 40, 1),
    "Zapytanie od klienta Amazon Katarzyna (Zamówienie: 406-9903126-4415287)",
    note="Polish old template: another template language that appears nowhere else")
amazon_buyer(
    "amazon-es-new-es.eml", "amazon.es", "new_html", "es", "Lucía", "q2hv9nx5mb7kt1w", "",
    "408-5527719-2038441", "B0C5VN8KQ2", "TrailPeak Saco de dormir ligero",
    "Hola, ¿el saco de dormir se puede lavar a máquina? En la etiqueta no queda claro.\nGracias,\nLucía",
    "es", "lucia-sleepingbag", when(4, 17, 3, 1),
    "Consulta del cliente de Amazon Lucía (Pedido: 408-5527719-2038441)",
    text_alt=True, note="Spanish new template with text alternative")
amazon_buyer(
    "amazon-com-new-ko-attachments.eml", "amazon.com", "new_html", "en", "김지우", "y5bn3kw8qz2mv7c", "",
    "112-3056671-8249913", "B0CT5R1MZX", "TrailPeak Compact Camping Stove",
    "안녕하세요.\n캠핑 스토브를 받았는데 점화 버튼이 눌리지 않습니다. 사진과 영수증을 첨부합니다.\n"
    "교환이나 환불 중 어느 쪽이 빠른지 알려 주세요.\n감사합니다.\n김지우",
    "ko", "jiwoo-stove", when(1, 23, 50, -8),
    "Inquiry from Amazon customer 김지우 (Order: 112-3056671-8249913)",
    files=[("파손사진.png", "image/png", png(24, 16, (200, 60, 40))),
           ("receipt.pdf", "application/pdf", pdf("Receipt 112-3056671-8249913"))],
    cte="base64", note="Korean buyer on amazon.com, English new template HTML only, two attachments, one with an RFC 2231 Korean file name")
amazon_buyer(
    "amazon-de-old-html-ko.eml", "amazon.de", "old_html", "de", "박서연", "c7xr2mk9wt4bq6n", "d2a6f8e4-1b97-4c03-a5e2-8f4d6c1b9a70",
    "305-4419823-1176034", "B0C8WZ3PLA", "TrailPeak Isomatte selbstaufblasend",
    "안녕하세요, 독일에 살고 있는 한국 사람입니다. 매트 밸브에서 공기가 새는 것 같아요.\n"
    "영어나 한국어로 답장 주셔도 괜찮습니다.\n박서연",
    "ko", "seoyeon-mat", when(3, 19, 12, 1),
    "Anfrage von Amazon-Kunde 박서연 (Bestellung: 305-4419823-1176034)",
    note="Korean buyer on amazon.de: German old template as HTML, uuid +suffix")

# A pre-sale question (no order), then a second one about the same ASIN: one thread while open.
DANIEL = "g8mt5qc2zx7wn3k"
amazon_buyer(
    "amazon-com-presale-old-text.eml", "amazon.com", "old_text", "en", "Daniel", DANIEL, "",
    "", "B0D6KX1QRT", "TrailPeak Ultralight Tarp 3 x 3 m",
    "Does the tarp come with guy lines and stakes, or only the tarp itself? And is the 3 x 3 m size "
    "measured before or after the hems?",
    "en", "daniel-tarp", when(2, 15, 0, -6),
    "Product details inquiry from Amazon customer Daniel",
    kind="presale_question", note="pre-sale question: no order id anywhere, an ASIN")
amazon_buyer(
    "amazon-com-presale-new-followup.eml", "amazon.com", "new_html", "en", "Daniel", DANIEL, "6f0b2d8c",
    "", "B0D6KX1QRT", "TrailPeak Ultralight Tarp 3 x 3 m",
    "One more question about the tarp: what is the packed weight without the stuff sack?",
    "en", "daniel-tarp", when(2, 15, 42, -6),
    "Product details inquiry from Amazon customer Daniel",
    kind="presale_question", note="second pre-sale question, same alias and ASIN, new template: same thread while open")


# --- Amazon's other mail ---------------------------------------------------------

def amazon_notice(file, site, sender, sender_name, subject, text, date, exp, extra=(), html_body=None):
    relay, Site, mp, sc, region, account = SITES[site]
    body = leaf_text(text, "plain")
    if html_body:
        body = multipart("alternative", [body, leaf_text(html_body, "html")], file + "alt")
    headers = list(extra) + [
        ("Date", format_datetime(date)),
        ("From", addr(sender_name, sender)),
        ("To", forwarding(account)),
        ("Subject", text_header(subject)),
        ("Message-ID", amazon_msgid(file)),
    ]
    exp.update(marketplace="amazon", site=site, account=account, dkim="sign", dkim_domain=sender.split("@")[1],
               body_encoding="quoted-printable")
    add(file, headers, body, expect(file, **exp))


def seller_copy(file, site, tlang, sender, subject, seller, buyer, order, asin, product, text, thread, date, as_html, note):
    relay, Site, mp, sc, region, account = SITES[site]
    tok = token(file)
    ts = int(date.timestamp())
    args = (site, tlang, order, product, asin, text, tok, ts)
    copy = dict(seller=seller, buyer=buyer)
    body = leaf_text(old_html("utf-8", *args, copy=copy), "html") if as_html else leaf_text(old_text(*args, copy=copy), "plain")
    headers = [("Date", format_datetime(date)), ("From", addr(Site, sender)), ("To", forwarding(account)),
               ("Subject", text_header(subject)), ("Message-ID", amazon_msgid(file))]
    add(file, headers, body, expect(
        file, marketplace="amazon", site=site, account=account, kind="seller_copy",
        template="old_html" if as_html else "old_text", template_lang=tlang, dkim="sign",
        dkim_domain=sender.split("@")[1], order_id=order, asin=asin, product=product, buyer_name=buyer,
        seller_text=text, comm_mgr_tok=tok, thread=thread, body_encoding="quoted-printable",
        language=tlang, note=note))


seller_copy(
    "amazon-com-seller-copy.eml", "amazon.com", "en", "donotreply@amazon.com",
    "Sent message: Re: Order delivery inquiry from Amazon customer Megan (Order: 113-4827165-3390217)",
    "Acme Outdoor", "Megan", "113-4827165-3390217", "B0C7QJ2M4K", "TrailPeak Insulated Water Bottle, 32 oz, Slate",
    "Hi Megan,\nThanks for your patience. The carrier confirmed the parcel was scanned this morning and should "
    "reach you by Thursday, well before the 12th.\nBest regards,\nSam at Acme Outdoor",
    "megan-bottle", when(1, 15, 20, -5), False,
    "Amazon's copy of a reply the seller wrote in Seller Central: outbound 'sent outside Shopdesk' on Megan's bottle thread")
seller_copy(
    "amazon-de-seller-copy-de.eml", "amazon.de", "de", "donotreply@amazon.de",
    "Gesendete Nachricht: Re: Anfrage von Amazon-Kunde Lena Hoffmann (Bestellung: 302-5581920-4471536)",
    "Acme Outdoor", "Lena Hoffmann", "302-5581920-4471536", "B0CX4T9L2W", "TrailPeak Trekkingstöcke Carbon, 2er-Set",
    "Hallo Frau Hoffmann,\nvielen Dank für das Foto. Wir schicken Ihnen heute kostenlos eine neue Klemme; "
    "Sie müssen das Set nicht zurückgeben.\nViele Grüße\nIhr Acme Outdoor Team",
    "lena-poles", when(2, 13, 48, 1), True,
    "German copy of a Seller Central reply, old template as HTML, on Lena's thread")

FAILED_MEGAN = "<hd.7k2m9q.0b6c2f4e-1d3a-4c5b-9e8f-7a6b5c4d3e2f@acme.shopdesk.localhost>"
amazon_notice(
    "amazon-com-delivery-failure.eml", "amazon.com", "donotreply@amazon.com", "Amazon.com",
    "Delivery failure: Re: Inquiry from Amazon customer Megan (Order: 113-4827165-3390217)",
    "Hello Acme Outdoor,\n\nWe could not deliver your message to the buyer.\n\n"
    "Order ID: 113-4827165-3390217\nRecipient: Megan (%s+5e0c71ab@marketplace.amazon.com)\n"
    "Subject: Re: Inquiry from Amazon customer Megan (Order: 113-4827165-3390217)\n"
    "Sent: December 3, 2026 09:14 UTC\n\n"
    "Reason: Your message contains an email address or a link to a website outside Amazon.\n\n"
    "Remove it and send the message again. Your messages are listed on the Buyer-Seller Messages page in "
    "Seller Central.\n\nAmazon.com\n" % MEGAN,
    when(3, 4, 15, -5),
    dict(kind="delivery_failure", order_id="113-4827165-3390217", buyer_name="Megan",
         buyer_alias=MEGAN + "@marketplace.amazon.com", thread="megan-bottle", language="en",
         failed_reply_message_id=FAILED_MEGAN,
         reason="Your message contains an email address or a link to a website outside Amazon.",
         note="names the failed reply by In-Reply-To/References (our Message-ID) and by subject and time in the body"),
    extra=[("In-Reply-To", FAILED_MEGAN), ("References", FAILED_MEGAN)])

FAILED_LENA = "<hd.3p8w1z.5a9e7c2b-8f14-4d6a-b3c0-1e2d3f4a5b6c@acme.shopdesk.localhost>"
amazon_notice(
    "amazon-de-delivery-failure-de.eml", "amazon.de", "donotreply@amazon.de", "Amazon.de",
    "Zustellungsfehler: Re: Anfrage von Amazon-Kunde Lena Hoffmann (Bestellung: 302-5581920-4471536)",
    "Hallo Acme Outdoor,\n\nIhre Nachricht konnte dem Käufer nicht zugestellt werden.\n\n"
    "Bestellnummer: 302-5581920-4471536\nEmpfänger: Lena Hoffmann (%s+0f7e2b9a-3c64-4d1e-b85a-29c7e41d6a03@marketplace.amazon.de)\n"
    "Betreff: Re: Anfrage von Amazon-Kunde Lena Hoffmann (Bestellung: 302-5581920-4471536)\n"
    "Gesendet: 2. Dezember 2026, 15:02 MEZ\n\n"
    "Grund: Der Anhang ist größer als die erlaubten 10 MB.\n\n"
    "Bitte verkleinern Sie den Anhang und senden Sie die Nachricht erneut.\n\nAmazon.de\n" % LENA,
    when(2, 15, 3, 1),
    dict(kind="delivery_failure", order_id="302-5581920-4471536", buyer_name="Lena Hoffmann",
         buyer_alias=LENA + "@marketplace.amazon.de", thread="lena-poles", language="de",
         failed_reply_message_id=FAILED_LENA, reason="Der Anhang ist größer als die erlaubten 10 MB.",
         note="German delivery failure; the failed reply is named by In-Reply-To only"),
    extra=[("In-Reply-To", FAILED_LENA)])

FAILED_JIWOO = "<hd.9r4t2k.c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f@acme.shopdesk.localhost>"
amazon_notice(
    "amazon-com-opt-out.eml", "amazon.com", "donotreply@amazon.com", "Amazon.com",
    "Message not delivered: the buyer has opted out (Order: 112-3056671-8249913)",
    "Hello Acme Outdoor,\n\nYour message about order 112-3056671-8249913 to 김지우 "
    "(y5bn3kw8qz2mv7c@marketplace.amazon.com) was not delivered.\n\n"
    "Reason: The buyer has opted out of unsolicited messages from sellers.\n\n"
    "You can still answer messages that this buyer sends you, on the same thread. Messages that are required "
    "to complete the order are always delivered.\n\nAmazon.com\n",
    when(4, 2, 30, -8),
    dict(kind="opt_out", order_id="112-3056671-8249913", buyer_name="김지우",
         buyer_alias="y5bn3kw8qz2mv7c@marketplace.amazon.com", thread="jiwoo-stove", language="en",
         failed_reply_message_id=FAILED_JIWOO,
         reason="The buyer has opted out of unsolicited messages from sellers.",
         note="buyer opt-out bounce of a proactive message: flag the customer, no proactive or survey message"),
    extra=[("In-Reply-To", FAILED_JIWOO), ("References", FAILED_JIWOO)])

amazon_notice(
    "amazon-com-atoz-claim.eml", "amazon.com", "atoz-guarantee-no-reply@amazon.com", "Amazon A-to-z Guarantee",
    "A-to-z Guarantee claim opened for order 114-8837261-5520934",
    "Dear Acme Outdoor,\n\nThe buyer Robert has filed an A-to-z Guarantee claim for the order below.\n\n"
    "Order ID: 114-8837261-5520934\nItem: TrailPeak Waterproof Hiking Boots, Size 10 [ASIN: B0C3MZ7TQ1]\n"
    "Claim reason: Item not received\nClaim amount: USD 64.99\nRespond by: December 7, 2026\n\n"
    "Buyer comment:\nTracking has said in transit for 16 days and nobody answers my messages.\n\n"
    "Respond in Seller Central under Performance > A-to-z Guarantee Claims:\n"
    "https://sellercentral.amazon.com/gp/guarantee-claims/home.html?claimId=9K2Q7M4R1X\n",
    when(4, 11, 5, -5),
    dict(kind="atoz_claim", order_id="114-8837261-5520934", asin="B0C3MZ7TQ1",
         product="TrailPeak Waterproof Hiking Boots, Size 10", buyer_name="Robert", thread="robert-boots-claim",
         buyer_text="Tracking has said in transit for 16 days and nobody answers my messages.", language="en",
         reason="Item not received", case_id="9K2Q7M4R1X",
         note="A-to-z claim: recognised and tagged, never answered automatically"))

amazon_notice(
    "amazon-de-return-request.eml", "amazon.de", "rueckgabe@amazon.de", "Amazon.de",
    "Rücksendeanforderung für Bestellung 304-6627718-0093152",
    "Hallo Acme Outdoor,\n\nein Käufer möchte einen Artikel zurücksenden.\n\n"
    "Bestellnummer: 304-6627718-0093152\nRücksendenummer: DxK7mQ2Rw\n"
    "Artikel: TrailPeak Schlafsack Kunstfaser [ASIN: B0C1LQ8ZNP]\nMenge: 1\n"
    "Grund: Artikel defekt oder funktioniert nicht\n\nKommentar des Käufers:\n"
    "Der Reißverschluss ist beim ersten Öffnen ausgerissen.\n\n"
    "Sie können die Rücksendung unter Bestellungen > Rücksendungen verwalten:\n"
    "https://sellercentral.amazon.de/gp/returns/list?returnId=DxK7mQ2Rw\n\nAmazon.de\n",
    when(3, 9, 44, 1),
    dict(kind="return_request", order_id="304-6627718-0093152", asin="B0C1LQ8ZNP",
         product="TrailPeak Schlafsack Kunstfaser", buyer_name="", thread="return-304-6627718",
         buyer_text="Der Reißverschluss ist beim ersten Öffnen ausgerissen.", language="de",
         reason="Artikel defekt oder funktioniert nicht", case_id="DxK7mQ2Rw",
         note="German return request with the buyer's comment; recognised and tagged, never answered automatically"))

amazon_notice(
    "amazon-couk-feedback.eml", "amazon.co.uk", "feedback-notification@amazon.co.uk", "Amazon.co.uk",
    "New 2-star feedback for order 205-1184930-7726611",
    "Hello Acme Outdoor,\n\nA buyer has left feedback for your store.\n\n"
    "Order ID: 205-1184930-7726611\nRating: 2 out of 5\nBuyer: Sarah\n"
    "Comments: Arrived three days late and the box was crushed, but the stove itself works.\n\n"
    "See all feedback: https://sellercentral.amazon.co.uk/feedback-manager/index.html\n\nAmazon.co.uk\n",
    when(4, 19, 27, 0),
    dict(kind="feedback", order_id="205-1184930-7726611", buyer_name="Sarah", thread="feedback-205-1184930",
         buyer_text="Arrived three days late and the box was crushed, but the stove itself works.", language="en",
         rating=2, note="feedback notice: recognised and tagged, never answered automatically"))


# --- Walmart (its relay formats are not publicly documented: every detail here is an assumption) ---

WALMART = {
    "walmart.com": ("relay.walmart.com", "walmart-us", "Walmart Marketplace"),
    "walmart.ca": ("relay.walmart.ca", "walmart-ca", "Walmart Marketplace Canada"),
}


def walmart_msgid(seed, domain):
    return "<%s.%s@%s>" % (hexid("w" + seed, 16), hexid("x" + seed, 8), domain)


def walmart_html(paragraphs, message):
    e = html.escape
    ps = "\n".join('<p style="margin:0 0 12px">%s</p>' % "<br>".join(e(l) for l in p.split("\n")) for p in paragraphs)
    return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Walmart Marketplace</title></head>\n'
            '<body style="font-family:Arial,sans-serif;font-size:14px;color:#2e2f32">\n'
            '<div style="background:#0071dc;color:#fff;padding:12px 16px;font-weight:bold">Walmart Marketplace</div>\n'
            '<div style="padding:16px">\n%s\n<div style="border-left:3px solid #ffc220;padding:8px 12px;margin:12px 0">'
            '<div class="customer-message">%s</div></div>\n</div>\n</body></html>\n'
            % (ps, "<br>".join(e(l) for l in message.split("\n"))))


def walmart_buyer(file, site, name, local, order, po, product, topic, text, language, thread, date, files=(), note=""):
    relay, account, brand = WALMART[site]
    address = "%s@%s" % (local, relay)
    intro = ("Hello Acme Outdoor,\n\nYour customer sent you a message about the order below. Reply to this email "
             "within 48 hours; your reply is passed on to the customer.")
    facts = ("Customer: %s\nCustomer order number: %s\nPurchase order number: %s\nItem: %s\nTopic: %s"
             % (name, order, po, product, topic))
    footer = ("This message was sent through %s. The customer's email address has been replaced by a relay address "
              "to protect their privacy. Do not include links to other websites or ask the customer to contact you "
              "outside Walmart." % brand)
    plain = "%s\n\n%s\n\nCustomer message:\n%s\n\n-- \n%s\n" % (intro, facts, text, footer)
    body = multipart("alternative", [leaf_text(plain), leaf_text(walmart_html([intro, facts, "Customer message:"], text) .replace(
        "</div>\n</div>\n</body>", "</div>\n<p style=\"font-size:12px;color:#74767c\">%s</p>\n</div>\n</body>" % html.escape(footer)), "html")], file)
    root = with_files(body, files, file)
    headers = [("Date", format_datetime(date)), ("From", addr("%s via %s" % (name, brand), address)),
               ("To", forwarding(account)),
               ("Subject", text_header("Message from customer %s about order #%s" % (name, order))),
               ("Message-ID", walmart_msgid(file, relay))]
    add(file, headers, root, expect(
        file, marketplace="walmart", site=site, account=account, kind="buyer_message", dkim="sign",
        dkim_domain=relay, order_id=order, purchase_order=po, product=product, buyer_name=name,
        buyer_alias=address, reply_to=address, buyer_text=text, language=language, thread=thread,
        attachments=[f[0] for f in files], body_encoding="quoted-printable", reason=topic, note=note))


walmart_buyer(
    "walmart-us-buyer-en.eml", "walmart.com", "Jordan P.", "c7b2e41f9a0d4e63b8d15a2f", "200011846072537",
    "1089234155620", "TrailPeak Insulated Water Bottle, 32 oz, Slate", "Where is my order?",
    "Hi, my order was supposed to arrive on Tuesday and the tracking hasn't changed since Saturday. "
    "Can you tell me where it is?\nThanks, Jordan",
    "en", "jordan-bottle", when(2, 16, 9, -6), note="Walmart US buyer message, text and HTML alternatives")
walmart_buyer(
    "walmart-us-buyer-photo.eml", "walmart.com", "Ashley R.", "5e19d0a7c3b84f2e96a1d7c0", "200011902284410",
    "1089240917733", "TrailPeak 4-Person Dome Tent", "Item damaged",
    "The tent pole was snapped in half when I opened the box. Picture attached. I'd like a replacement pole, "
    "not a refund, because we leave for our trip next week.",
    "en", "ashley-tent", when(3, 20, 44, -5), files=[("pole.jpg", "image/jpeg", JPEG_A)],
    note="Walmart US buyer message with an image attachment")
walmart_buyer(
    "walmart-ca-buyer-en.eml", "walmart.ca", "Priya S.", "8a3f6c21e9d04b7a95c2e1f8", "3004417729051",
    "5601183349027", "TrailPeak Down Vest, Women's M", "Return or exchange",
    "Hello, the vest fits well but the colour is much darker than the pictures. Can I exchange it for the "
    "light grey one, and do I have to pay for the return shipping?",
    "en-CA", "priya-vest", when(1, 17, 36, -5), note="Walmart Canada buyer message in English")
walmart_buyer(
    "walmart-ca-buyer-fr.eml", "walmart.ca", "Marc-André G.", "f2d8b6a0c4e1497d83b5a9e6", "3004420186734",
    "5601190052318", "TrailPeak Bottes d'hiver, pointure 10", "Where is my order?",
    "Bonjour, ma commande devait arriver lundi et le suivi n'a pas bougé depuis une semaine. "
    "Pouvez-vous vérifier avec le transporteur? Merci.",
    "fr-CA", "marcandre-boots", when(4, 10, 2, -5),
    note="Walmart Canada buyer writing French: the reply must still be in English (Walmart Canada policy)")


def walmart_care(file, kind, subject, intro, facts, label, text, case_id, order, name, date, urgent, note, sender, sender_name):
    relay, account, brand = WALMART["walmart.com"]
    plain = "%s\n\n%s\n\n%s\n%s\n\nReply to this email to respond. Keep the case number in the subject.\n\n-- \n%s\n" % (
        intro, facts, label, text, brand)
    body = multipart("alternative", [leaf_text(plain), leaf_text(walmart_html([intro, facts, label], text), "html")], file)
    headers = [("Date", format_datetime(date)), ("From", addr(sender_name, sender)), ("To", forwarding(account)),
               ("Subject", text_header(subject)), ("Message-ID", walmart_msgid(file, "walmart.com"))]
    if urgent:
        headers.insert(0, ("Importance", "high"))
        headers.insert(0, ("X-Priority", "1"))
    add(file, headers, body, expect(
        file, marketplace="walmart", site="walmart.com", account=account, kind=kind, dkim="sign",
        dkim_domain="walmart.com", order_id=order, buyer_name=name, notice_text=text, language="en",
        thread="care-" + case_id, case_id=case_id, urgent=urgent, body_encoding="quoted-printable", note=note,
        reply_to=sender))


walmart_care(
    "walmart-care-escalation.eml", "care_escalation",
    "Escalation from Walmart Customer Care - Case 04781236 - Order #200011733390126",
    "Hello Acme Outdoor,\n\nWalmart Customer Care has escalated a customer's case to you. Respond within 48 hours.",
    "Case number: 04781236\nCustomer order number: 200011733390126\nCustomer: Dana K.\n"
    "Item: TrailPeak Trekking Poles, Carbon, Pair",
    "Notes from Walmart Customer Care:",
    "The customer says one pole arrived bent and two messages to the seller "
    "got no answer. She asks for a replacement before Friday. Please contact the customer and update this case.",
    "04781236", "200011733390126", "Dana K.", when(3, 13, 27, -6), False,
    "Walmart customer-care escalation (a care agent's notes, not the buyer's words)",
    "marketplacecare@walmart.com", "Walmart Marketplace Customer Care")
walmart_care(
    "walmart-bbb-complaint.eml", "complaint",
    "URGENT: Better Business Bureau complaint - Case 04790012 - Order #200011655021874",
    "Hello Acme Outdoor,\n\nA complaint about your store was filed with the Better Business Bureau. "
    "You must respond within 1 hour of receiving this email.",
    "Case number: 04790012\nSource: Better Business Bureau\nCustomer order number: 200011655021874\n"
    "Customer: Luis M.",
    "Complaint:",
    "I returned the stove on November 2 and the seller confirmed receipt, but I still have not "
    "been refunded $89.00 after four weeks.",
    "04790012", "200011655021874", "Luis M.", when(4, 15, 51, -6), True,
    "BBB complaint forwarded by Walmart: prioritised, 1 h target",
    "marketplace-escalations@walmart.com", "Walmart Marketplace Escalations")
walmart_care(
    "walmart-ag-complaint.eml", "complaint",
    "URGENT: Attorney General complaint - Case 04790388 - Order #200011590443218",
    "Hello Acme Outdoor,\n\nWalmart received a consumer complaint from a state Attorney General's office "
    "about an order from your store. You must respond within 1 hour of receiving this email.",
    "Case number: 04790388\nSource: Office of the Attorney General, State of Texas\n"
    "Customer order number: 200011590443218\nCustomer: Karen T.",
    "Complaint:",
    "The consumer reports being charged twice for order 200011590443218 and says the seller "
    "has not answered three requests for a refund of the duplicate charge.",
    "04790388", "200011590443218", "Karen T.", when(5, 8, 12, -6), True,
    "Attorney-General complaint forwarded by Walmart: prioritised, 1 h target",
    "marketplace-escalations@walmart.com", "Walmart Marketplace Escalations")


# --- mail that only claims to be a marketplace, and ordinary mail ----------------------

def spoof(file, claimed, sender_name, sender, to, subject, body, date, dkim, note):
    headers = [("Date", format_datetime(date)), ("From", addr(sender_name, sender)), ("To", to),
               ("Subject", text_header(subject)), ("Message-ID", "<%s@%s>" % (hexid(file, 24), "mailer.example.net"))]
    add(file, headers, body, expect(
        file, kind="ordinary", dkim=dkim, dkim_domain=sender.split("@")[1] if dkim == "wrong_key" else "",
        suspicious=True, claimed_marketplace=claimed, account=to.split("+")[1].split("@")[0],
        body_encoding="quoted-printable", note=note))


SPOOF_TOK = token("spoof-old")
spoof(
    "spoof-amazon-unsigned.eml", "amazon", "Chris - Amazon Marketplace", "q8vz3kd0m1xt7rw@marketplace.amazon.com",
    forwarding("amazon-us"), "Inquiry from Amazon customer Chris (Order: 111-5820391-4478206)",
    leaf_text(old_text("amazon.com", "en", "111-5820391-4478206", "TrailPeak Insulated Water Bottle, 32 oz, Slate",
                       "B0C7QJ2M4K",
                       "Your listing was reported. Confirm your seller account within 24 hours at "
                       "http://sellercentral-verify.example.net/login or it will be suspended.",
                       SPOOF_TOK, int(when(2, 3, 0).timestamp()))),
    when(2, 3, 0), "none",
    "unsigned mail copying the old template and claiming marketplace.amazon.com: an ordinary mail, flagged suspicious")
spoof(
    "spoof-amazon-wrong-key.eml", "amazon", "Taylor - Amazon Marketplace", "x2kf7rm9bq4tz1w@marketplace.amazon.com",
    forwarding("amazon-us"), "Inquiry from Amazon customer Taylor (Order: 113-6620184-2259371)",
    leaf_text(new_html("amazon.com", "en", "113-6620184-2259371", "TrailPeak Compact Camping Stove", "B0CT5R1MZX",
                       "Hi, please send the invoice to my other email taylor.billing@example.org, I can't see it in my account.",
                       token("spoof-new"), int(when(3, 5, 0).timestamp()), "SPC-USAmazon-3100000001"), "html"),
    when(3, 5, 0), "wrong_key",
    "new template signed at test time for marketplace.amazon.com with a key not published in DNS: fails DKIM, ordinary and suspicious")
spoof(
    "spoof-walmart-unsigned.eml", "walmart", "Jordan P. via Walmart Marketplace", "c7b2e41f9a0d4e63b8d15a2f@relay.walmart.com",
    forwarding("walmart-us"), "Message from customer Jordan P. about order #200011846072537",
    leaf_text("Hello Acme Outdoor,\n\nYour customer sent you a message about the order below.\n\n"
              "Customer order number: 200011846072537\n\nCustomer message:\nI paid twice, refund me by gift card "
              "to this code: WM-5521-8830.\n\n-- \nWalmart Marketplace\n"),
    when(4, 1, 12), "none",
    "unsigned copy of a Walmart relay mail reusing a real buyer alias: ordinary and suspicious, never the buyer's thread")

add("ordinary-mentions-amazon.eml",
    [("Date", format_datetime(when(3, 12, 7, 1))), ("From", addr("Claire Dubois", "claire.dubois@example.net")),
     ("To", "acme@inbound.localhost"), ("Subject", "Spare battery for the headlamp I bought on Amazon"),
     ("Message-ID", "<%s@mail.example.net>" % hexid("ordinary", 20))],
    leaf_text("Hello,\n\nI bought your TrailPeak headlamp on Amazon last month (order 111-2233445-5667788, "
              "ASIN B0C2PLK8VJ) and I love it. Do you sell a spare battery on your own website? "
              "Amazon only has the whole lamp.\n\nThanks,\nClaire\n"),
    expect("ordinary-mentions-amazon.eml", kind="ordinary", dkim="none", body_encoding="quoted-printable",
           note="an ordinary customer mail that mentions Amazon, an order number and an ASIN: not relay mail, not suspicious"))


# --- output -----------------------------------------------------------------------

def main():
    for name in os.listdir(HERE):
        if name.endswith(".eml"):
            os.remove(os.path.join(HERE, name))
    entries = []
    for file, raw, exp in FIXTURES:
        assert raw.isascii(), file
        assert "\n" not in raw.replace("\r\n", ""), file
        with open(os.path.join(HERE, file), "w", newline="") as f:
            f.write(raw)
        entries.append(exp)
    entries.sort(key=lambda e: e["file"])
    with open(os.path.join(HERE, "expect.json"), "w", newline="\n") as f:
        json.dump(entries, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print("wrote %d fixtures" % len(entries))


if __name__ == "__main__":
    main()

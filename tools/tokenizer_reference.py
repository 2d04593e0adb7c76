#!/usr/bin/python3
"""Independent Python reference for the BERT WordPiece tokenizer, with offsets.

What it is
----------
A from-scratch re-implementation (stdlib only: unicodedata, json, re) of the
*slow* Hugging Face ``transformers`` ``BertTokenizer.tokenize`` (4.x):

  0. (do_lower_case only) ``PreTrainedTokenizer.tokenize`` lower-cases the raw
     text ONE CHARACTER AT A TIME (``re.sub(r"(<specials>)|(.+?)", ...)``),
     skipping the special tokens.  Because each character is lowered on its
     own, a word-final capital sigma becomes "σ", never the final form "ς".
  1. The special tokens [UNK] [SEP] [PAD] [CLS] [MASK] (exact, case-sensitive)
     are split out of the text wherever they occur and kept whole.
  2. BasicTokenizer on every fragment in between: clean_text (drop NUL,
     U+FFFD and category C* except \\t \\n \\r; whitespace -> " "), spaces
     around CJK ideographs, NFC, whitespace split (str.split()); per token:
     if the token equals a special token it is kept whole (this can happen in
     cased mode, e.g. "[CL\\u200bS]" -> "[CLS]"), otherwise lower() + NFD +
     drop "Mn" (do_lower_case only), then split off every punctuation char.
  3. WordPiece: greedy longest-match-first, "##" continuation pieces, a word
     of more than 100 codepoints or with any unmatched position -> [UNK].

On top of HF it reports, per token, the half-open span [start, end) of
codepoint indices into the ORIGINAL text.  Every character produced by a
transformation inherits the span of the character it came from (lower(),
NFD); NFC is applied per cluster (a starter plus the following characters
with canonical combining class != 0, adjacent clusters merged when NFC
composes across them, e.g. Hangul L+V+T jamo) and every output character of
a cluster that NFC changed gets the cluster's whole span (an unchanged
cluster keeps per-character spans); spaces inserted around CJK
ideographs carry no span.  A word piece spans [start of its first char, end
of its last char]; an [UNK] for a whole word spans the word; a special token
typed by the user spans its own characters.

The script also contains a second, deliberately plain transcription of the HF
algorithm (strings only, no offsets); ``generate`` asserts that both agree on
every case before writing anything.

How to run it (Python 3.11, no third-party packages)
----------------------------------------------------
  Regenerate the fixtures in tests/fixtures/tokenizer/:
    /usr/bin/python3 tools/tokenizer_reference.py generate \\
        --uncased-vocab /work/shared/reference/bert-base-uncased/vocab.txt
  Check the committed fixtures are exactly what the script produces:
    /usr/bin/python3 tools/tokenizer_reference.py check \\
        --uncased-vocab /work/shared/reference/bert-base-uncased/vocab.txt
  Tokenize one string (prints token, id, [start, end), original substring):
    /usr/bin/python3 tools/tokenizer_reference.py tokenize \\
        --vocab /work/shared/reference/bert-base-uncased/vocab.txt --lower "Hello, World!"
  ``--no-prelowercase`` (any command) skips step 0, i.e. lowers whole tokens
  only (BasicTokenizer alone: word-final Σ -> ς, "[CL\\u200bS]" stays special).
"""

import argparse
import json
import os
import re
import sys
import unicodedata

SPECIAL_TOKENS = ("[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]")
UNK = "[UNK]"
MAX_CHARS_PER_WORD = 100

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE_DIR = os.path.join(REPO_ROOT, "tests", "fixtures", "tokenizer")
DEFAULT_UNCASED_VOCAB = "/work/shared/reference/bert-base-uncased/vocab.txt"
CASED_VOCAB_NAME = "cased_vocab.txt"


# ---------------------------------------------------------------------------
# Character classes (same definitions as HF BasicTokenizer)
# ---------------------------------------------------------------------------

def is_whitespace(ch):
    if ch in (" ", "\t", "\n", "\r"):
        return True
    return unicodedata.category(ch) == "Zs"


def is_control(ch):
    if ch in ("\t", "\n", "\r"):
        return False
    return unicodedata.category(ch).startswith("C")


def is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


_CJK_RANGES = (
    (0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF),
    (0x2A700, 0x2B73F), (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF),
    (0xF900, 0xFAFF), (0x2F800, 0x2FA1F),
)


def is_cjk(ch):
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


def load_vocab(path):
    """Token -> id, id = 0-based line number (later duplicates win, as in HF)."""
    vocab = {}
    with open(path, "r", encoding="utf-8") as f:
        for idx, line in enumerate(f.readlines()):
            vocab[line.rstrip("\n")] = idx
    return vocab


# ---------------------------------------------------------------------------
# Implementation 1: offset-tracking tokenizer.
# A "text" here is a list of (char, start, end); start/end are None only for
# the spaces inserted around CJK ideographs.
# ---------------------------------------------------------------------------

def _join(chars):
    return "".join(c for c, _, _ in chars)


def _split_specials(text):
    """[(is_special, start, end)] covering text; leftmost match wins."""
    out = []
    frag_start = 0
    i = 0
    n = len(text)
    while i < n:
        hit = None
        if text[i] == "[":
            for sp in SPECIAL_TOKENS:
                if text.startswith(sp, i):
                    hit = sp
                    break
        if hit is None:
            i += 1
            continue
        if frag_start < i:
            out.append((False, frag_start, i))
        out.append((True, i, i + len(hit)))
        i += len(hit)
        frag_start = i
    if frag_start < n:
        out.append((False, frag_start, n))
    return out


def _lower_per_char(chars):
    """HF PreTrainedTokenizer.tokenize: each char lowered independently."""
    out = []
    for c, s, e in chars:
        out.extend((lc, s, e) for lc in c.lower())
    return out


def _lower_whole(chars):
    """str.lower() of the whole token (with final-sigma context), mapped back
    onto the source chars.  Python's only context-dependent mapping is the
    1:1 final sigma, so per-char lengths line up with the whole result."""
    whole = _join(chars).lower()
    out = []
    k = 0
    for c, s, e in chars:
        n = len(c.lower())
        seg = whole[k:k + n]
        if len(seg) != n or (seg != c.lower() and c != "\u03a3"):
            raise AssertionError("lower() alignment failed on %r" % _join(chars))
        out.extend((lc, s, e) for lc in seg)
        k += n
    if k != len(whole):
        raise AssertionError("lower() length mismatch on %r" % _join(chars))
    return out


def _clean(chars):
    out = []
    for c, s, e in chars:
        cp = ord(c)
        if cp == 0 or cp == 0xFFFD or is_control(c):
            continue
        out.append((" ", s, e) if is_whitespace(c) else (c, s, e))
    return out


def _space_cjk(chars):
    out = []
    for item in chars:
        if is_cjk(item[0]):
            out.append((" ", None, None))
            out.append(item)
            out.append((" ", None, None))
        else:
            out.append(item)
    return out


def _cluster_span(cluster):
    starts = [s for _, s, _ in cluster if s is not None]
    ends = [e for _, _, e in cluster if e is not None]
    if not starts:
        return None, None
    return min(starts), max(ends)


def _nfc(chars):
    clusters = []
    for item in chars:
        if clusters and unicodedata.combining(item[0]) != 0:
            clusters[-1].append(item)
        else:
            clusters.append([item])
    merged = []
    for cl in clusters:
        if merged:
            a = _join(merged[-1])
            b = _join(cl)
            if unicodedata.normalize("NFC", a + b) != (
                    unicodedata.normalize("NFC", a) + unicodedata.normalize("NFC", b)):
                merged[-1].extend(cl)
                continue
        merged.append(cl)
    out = []
    for cl in merged:
        composed = unicodedata.normalize("NFC", _join(cl))
        if composed == _join(cl):
            # NFC left the cluster alone: every character keeps its own span.
            out.extend(cl)
            continue
        s, e = _cluster_span(cl)
        out.extend((c, s, e) for c in composed)
    if _join(out) != unicodedata.normalize("NFC", _join(chars)):
        raise AssertionError("cluster-wise NFC differs from NFC on %r" % _join(chars))
    return out


def _nfd(chars):
    out = []
    for c, s, e in chars:
        out.extend((d, s, e) for d in unicodedata.normalize("NFD", c))
    # canonical ordering of runs of non-starters (stable by combining class)
    changed = True
    while changed:
        changed = False
        for i in range(len(out) - 1):
            a = unicodedata.combining(out[i][0])
            b = unicodedata.combining(out[i + 1][0])
            if a > b > 0:
                out[i], out[i + 1] = out[i + 1], out[i]
                changed = True
    if _join(out) != unicodedata.normalize("NFD", _join(chars)):
        raise AssertionError("char-wise NFD differs from NFD on %r" % _join(chars))
    return out


def _split_ws(chars):
    words = []
    cur = []
    for item in chars:
        if item[0].isspace():  # the whitespace of Python's str.split()
            if cur:
                words.append(cur)
                cur = []
        else:
            cur.append(item)
    if cur:
        words.append(cur)
    return words


def _split_punc(chars):
    out = []
    start_new = True
    for item in chars:
        if is_punctuation(item[0]):
            out.append([item])
            start_new = True
        else:
            if start_new:
                out.append([])
            start_new = False
            out[-1].append(item)
    return out


def _wordpiece(word, vocab):
    """word: list of (char, start, end) -> [(piece, start, end)]."""
    for _, s, e in word:
        if s is None or e is None:
            raise AssertionError("char without a span inside a word")
    wstart, wend = word[0][1], word[-1][2]
    if len(word) > MAX_CHARS_PER_WORD:
        return [(UNK, wstart, wend)]
    text = _join(word)
    pieces = []
    start = 0
    while start < len(text):
        end = len(text)
        found = None
        while start < end:
            sub = text[start:end]
            if start > 0:
                sub = "##" + sub
            if sub in vocab:
                found = sub
                break
            end -= 1
        if found is None:
            return [(UNK, wstart, wend)]
        pieces.append((found, word[start][1], word[end - 1][2]))
        start = end
    return pieces


def tokenize_with_offsets(text, vocab, do_lower_case, prelowercase=True):
    """-> [(token, start, end)] for the raw text (no [CLS]/[SEP] added)."""
    result = []
    for is_special, fs, fe in _split_specials(text):
        if is_special:
            result.append((text[fs:fe], fs, fe))
            continue
        chars = [(text[i], i, i + 1) for i in range(fs, fe)]
        if do_lower_case and prelowercase:
            chars = _lower_per_char(chars)
        chars = _clean(chars)
        chars = _space_cjk(chars)
        chars = _nfc(chars)
        basic_tokens = []
        for tok in _split_ws(chars):
            # BasicTokenizer's never_split (checked before lower-casing and
            # again in _run_split_on_punc)
            if do_lower_case and _join(tok) not in SPECIAL_TOKENS:
                tok = _lower_whole(tok)
                tok = [it for it in _nfd(tok) if unicodedata.category(it[0]) != "Mn"]
            if _join(tok) in SPECIAL_TOKENS:
                basic_tokens.append(tok)
            else:
                basic_tokens.extend(_split_punc(tok))
        # HF re-joins with " " and whitespace-splits again (drops empties)
        for tok in basic_tokens:
            for word in _split_ws(tok):
                result.extend(_wordpiece(word, vocab))
    return result


# ---------------------------------------------------------------------------
# Implementation 2: plain transcription of the HF algorithm (strings only).
# Used as a cross-check of the tokens produced by implementation 1.
# ---------------------------------------------------------------------------

def _plain_basic(text, do_lower_case):
    never_split = set(SPECIAL_TOKENS)
    text = "".join(
        " " if is_whitespace(c) else c
        for c in text
        if not (ord(c) == 0 or ord(c) == 0xFFFD or is_control(c)))
    text = "".join(" %s " % c if is_cjk(c) else c for c in text)
    text = unicodedata.normalize("NFC", text)
    split_tokens = []
    for token in text.strip().split():
        if token not in never_split:
            if do_lower_case:
                token = token.lower()
                token = "".join(c for c in unicodedata.normalize("NFD", token)
                                if unicodedata.category(c) != "Mn")
        if token in never_split:
            split_tokens.append(token)
            continue
        words = []
        new_word = True
        for c in token:
            if is_punctuation(c):
                words.append(c)
                new_word = True
            else:
                if new_word:
                    words.append("")
                new_word = False
                words[-1] += c
        split_tokens.extend(words)
    return " ".join(split_tokens).strip().split()


def _plain_wordpiece(token, vocab):
    if len(token) > MAX_CHARS_PER_WORD:
        return [UNK]
    out = []
    start = 0
    while start < len(token):
        end = len(token)
        cur = None
        while start < end:
            sub = ("##" if start > 0 else "") + token[start:end]
            if sub in vocab:
                cur = sub
                break
            end -= 1
        if cur is None:
            return [UNK]
        out.append(cur)
        start = end
    return out


def plain_tokenize(text, vocab, do_lower_case, prelowercase=True):
    escaped = "|".join(re.escape(t) for t in SPECIAL_TOKENS)
    if do_lower_case and prelowercase:
        text = re.sub("(" + escaped + ")|(.+?)",
                      lambda m: m.group(1) or m.group(2).lower(), text)
    out = []
    for frag in re.split("(" + escaped + ")", text):
        if not frag:
            continue
        if frag in SPECIAL_TOKENS:
            out.append(frag)
            continue
        for tok in _plain_basic(frag, do_lower_case):
            out.extend(_plain_wordpiece(tok, vocab))
    return out


# ---------------------------------------------------------------------------
# Test cases
# ---------------------------------------------------------------------------

UNCASED_CASES = [
    ("hello-world", "Hello, World!"),
    ("unaffable", "unaffable"),
    ("wordpiece-words", "tokenization transformers unbelievably hyperparameterization"),
    ("sentence", "The quick brown fox jumps over the lazy dog."),
    ("empty", ""),
    ("only-spaces", "   "),
    ("only-tabs-newlines", "\n\n\t \r\n"),
    ("leading-trailing-whitespace", "  \t hello world \n "),
    ("many-spaces-between", "a     b\t\t\tc"),
    ("mask-alone", "[MASK]"),
    ("mask-mask-adjacent", "[MASK][MASK]"),
    ("mask-space-mask", "[MASK] [MASK]"),
    ("mask-glued-in-word", "the[MASK]s"),
    ("mask-lowercase-not-special", "[mask]"),
    ("mask-mixed-case-and-unclosed", "[Mask] [MASK [MASK]]"),
    ("cls-sep-pair", "[CLS] a [SEP] b [SEP]"),
    ("unk-typed", "[UNK]"),
    ("pad-glued", "x[PAD]y"),
    ("special-broken-by-zwsp", "[MA\u200bSK] [CL\u200bS]"),
    ("special-between-controls", "\x00[SEP]\x00 naïve[SEP]café"),
    ("accents-precomposed", "café naïve résumé Ångström"),
    ("accents-decomposed", "cafe\u0301 nai\u0308ve re\u0301sume\u0301 A\u030angstro\u0308m"),
    ("accent-after-dropped-zwsp", "e\u200b\u0301te\u0301"),
    ("german-sharp-s", "Straße STRASSE ß ẞ"),
    ("turkish-dotted-dotless-i", "İstanbul İ ı DİYARBAKIR i\u0307"),
    ("greek-final-sigma", "ΟΔΟΣ ΣΑΣ. Σ Σίσυφος"),
    ("greek-polytonic", "Αθήνα ἀρετή ὁ"),
    ("cyrillic", "Привет, мир! Ёлка й"),
    ("cjk-run", "中文字符"),
    ("cjk-mixed-latin", "BERT模型很好"),
    ("cjk-compat-and-ext-b", "\uf900\uf901 \U00020000\U0002a6d6"),
    ("japanese-kana-kanji", "日本語のテキストです。カタカナ"),
    ("korean-precomposed", "한국어 텍스트"),
    ("korean-conjoining-jamo", "\u1112\u1161\u11ab\u1100\u116e\u11a8\u110b\u1165"),
    ("korean-lv-plus-t", "\uac00\u11a8"),
    ("emoji-single", "I love 😀 pizza🍕!"),
    ("emoji-skin-tone", "👍🏽 ok"),
    ("emoji-zwj-family", "👨\u200d👩\u200d👧\u200d👦 family"),
    ("emoji-flags", "🇺🇸🇯🇵 flags"),
    ("emoji-keycap", "1\ufe0f\u20e3 #\ufe0f\u20e3"),
    ("emoji-variation-selectors", "\u263a\ufe0e \u263a\ufe0f \u2764\ufe0f"),
    ("arabic", "مرحبا بالعالم"),
    ("arabic-diacritics", "مَرْحَبًا"),
    ("hebrew-niqqud", "שָׁלוֹם עולם"),
    ("bidi-marks", "abc\u200edef\u200fghi \u202eevil\u202c end"),
    ("zero-width-chars", "zero\u200bwidth join\u200der non\u200cjoiner"),
    ("bom", "\ufeffhello \ufeffworld"),
    ("soft-hyphen", "co\u00adoperate"),
    ("nbsp-ideographic-space", "hello\u00a0world\u3000again\u2003em"),
    ("line-paragraph-separators", "line\u2028break\u2029para"),
    ("tabs-newlines-crlf", "a\tb\nc\r\nd\re"),
    ("vt-ff-join-words", "vertical\x0btab form\x0cfeed"),
    ("nul-in-word", "hel\x00lo"),
    ("replacement-char", "bad\ufffdbyte \ufffd"),
    ("c0-c1-controls", "a\x01b\x1bc\x7fd\x85e\x9fg"),
    ("info-separators", "unit\x1fsep rec\x1eord"),
    ("only-controls", "\x00\x01\u200b\ufeff\x7f\x9f"),
    ("private-use-and-unassigned", "\ue000abc a\uffffb x\u0378y"),
    ("punct-runs", "Wait!!!??? ... -- end"),
    ("guillemets-quotes", "«bonjour» “quotes” ‘single’"),
    ("inverted-marks", "¿Qué? ¡Hola!"),
    ("dashes-apostrophes", "state-of-the-art — en–dash don't l’été"),
    ("money-numbers", "$100 3.14 50% 1,000,000"),
    ("email-cpp-hashtag", "e-mail@x.com C++ #hashtag"),
    ("url", "https://example.com/path?q=1&r=2"),
    ("symbols-not-punct", "©®™ ±×÷ ° € £ ¥ ^`~|<>"),
    ("word-100-a", "a" * 100),
    ("word-101-a", "a" * 101),
    ("word-100-with-accents", "é" * 100),
    ("word-101-decomposed-to-100", "e\u0301" * 50 + "e"),
    ("long-word-no-match", "supercalifragilistic\u2603expialidocious"),
    ("all-caps", "THE QUICK BROWN FOX"),
    ("math-alphanumerics", "𝐀𝐁𝐂 𝒙𝒚"),
    ("fullwidth-latin", "ＡＢＣ ｈｅｌｌｏ"),
    ("ligature", "ﬁnance ﬁ"),
    ("superscripts-subscripts", "x² m³ H₂O"),
    ("fractions-roman", "½ Ⅻ ⅻ"),
    ("letterlike-singletons", "\u212a \u2126 \u212b"),
    ("combining-on-non-letters", "1\u0301 !\u0301 中\u0301 \u0301x"),
    ("devanagari", "नमस्ते दुनिया"),
    ("thai", "สวัสดีครับ"),
    ("mixed-numbers-units", "10km/h 2.5GHz 3x4"),
]

CASED_CASES = [
    ("case-preserved", "The the Paris paris"),
    ("cafe-precomposed", "café Café"),
    ("cafe-decomposed-composes", "cafe\u0301 Cafe\u0301"),
    ("naive-both-forms", "naïve nai\u0308ve"),
    ("unicode-word-both-forms", "Ünïcödé U\u0308ni\u0308co\u0308de\u0301"),
    ("strasse", "Straße straße STRASSE"),
    ("accents-not-stripped", "résumé resume"),
    ("unknown-capitalised", "Zebra Xylophone the Quokka"),
    ("unknown-lowercase-pieces", "zebra quokka"),
    ("punct-split", "Hello, World! (The) end..."),
    ("wordpieces", "playing played plays tokenization unaffable"),
    ("cjk", "中文 模型很好"),
    ("special-tokens", "[CLS] The [MASK] [SEP]"),
    ("special-glued", "the[MASK]s"),
    ("mask-lowercase", "[mask]"),
    ("special-formed-by-cleaning", "[CL\u200bS] [MA\x00SK]"),
    ("greek-upper-not-lowered", "ΟΔΟΣ Σ"),
    ("hangul-jamo-composes", "\u1112\u1161\u11ab\u1100\u116e\u11a8"),
    ("kelvin-sign-composes", "\u212a \u212bngstro\u0308m Ångström"),
    ("combining-on-punct-and-cjk", "!\u0301 中\u0301"),
    ("combining-after-space", "a \u0301b"),
    ("variation-selector-kept", "\u263a\ufe0f \u263a"),
    ("controls-and-spaces", "The\x00re\u200b is\u00a0a\tcafé"),
    ("digits", "2024 100 7"),
    ("word-101-lowercase", "a" * 101),
    ("turkish-i-not-lowered", "İ I i"),
    ("emoji", "😀 New York"),
]


def make_cases(specs, vocab, do_lower_case, prelowercase):
    names = set()
    cases = []
    for name, text in specs:
        if name in names:
            raise AssertionError("duplicate case name " + name)
        names.add(name)
        toks = tokenize_with_offsets(text, vocab, do_lower_case, prelowercase)
        tokens = [t for t, _, _ in toks]
        plain = plain_tokenize(text, vocab, do_lower_case, prelowercase)
        if tokens != plain:
            raise AssertionError("implementations disagree on %s: %r vs %r" % (name, tokens, plain))
        prev = 0
        for t, s, e in toks:
            if not (0 <= s <= e <= len(text)) or s >= e:
                raise AssertionError("bad offsets in %s: %r" % (name, (t, s, e)))
            if s < prev:
                raise AssertionError("offsets go backwards in %s" % name)
            prev = s
        cases.append({
            "name": name,
            "text": text,
            "tokens": tokens,
            "ids": [vocab[t] for t in tokens],
            "offsets": [[s, e] for _, s, e in toks],
        })
    return cases


def dump_json(obj):
    text = json.dumps(obj, ensure_ascii=True, indent=1)
    # ensure_ascii leaves DEL raw; escape it too so the file is printable ASCII
    return text.replace("\x7f", "\\u007f") + "\n"


def build_outputs(uncased_vocab_path, prelowercase):
    uncased_vocab = load_vocab(uncased_vocab_path)
    cased_vocab = load_vocab(os.path.join(FIXTURE_DIR, CASED_VOCAB_NAME))
    return {
        "uncased_cases.json": dump_json({
            "vocab": "bert-base-uncased",
            "do_lower_case": True,
            "cases": make_cases(UNCASED_CASES, uncased_vocab, True, prelowercase),
        }),
        "cased_cases.json": dump_json({
            "vocab": CASED_VOCAB_NAME,
            "do_lower_case": False,
            "cases": make_cases(CASED_CASES, cased_vocab, False, prelowercase),
        }),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("generate", "check"):
        p = sub.add_parser(name)
        p.add_argument("--uncased-vocab", default=DEFAULT_UNCASED_VOCAB)
        p.add_argument("--no-prelowercase", action="store_true")
    p = sub.add_parser("tokenize")
    p.add_argument("--vocab", required=True)
    p.add_argument("--lower", action="store_true", help="do_lower_case=True")
    p.add_argument("--no-prelowercase", action="store_true")
    p.add_argument("text")
    args = ap.parse_args(argv)
    prelower = not args.no_prelowercase

    if args.cmd == "tokenize":
        vocab = load_vocab(args.vocab)
        for t, s, e in tokenize_with_offsets(args.text, vocab, args.lower, prelower):
            print("%-16s %6d  [%d, %d)  %r" % (t, vocab[t], s, e, args.text[s:e]))
        return 0

    outputs = build_outputs(args.uncased_vocab, prelower)
    if args.cmd == "generate":
        for fname, content in outputs.items():
            with open(os.path.join(FIXTURE_DIR, fname), "w", encoding="ascii", newline="\n") as f:
                f.write(content)
            print("wrote %s (%d cases)" % (fname, len(json.loads(content)["cases"])))
        return 0
    bad = 0
    for fname, content in outputs.items():
        path = os.path.join(FIXTURE_DIR, fname)
        with open(path, "r", encoding="ascii") as f:
            if f.read() != content:
                print("STALE: " + path)
                bad += 1
            else:
                print("ok: " + path)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

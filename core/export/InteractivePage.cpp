#include "export/InteractivePage.h"

#include "Errors.h"
#include "export/PageTemplate.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <sstream>

namespace bertlens {
namespace {

// The next code point of s at i, or -1 for a byte that does not start a
// valid UTF-8 sequence (overlong forms and surrogates included); i moves on.
long nextCodePoint(const std::string& s, size_t& i) {
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b = byte(i);
    int extra = 0;
    long cp = 0, min = 0;
    if (b < 0x80) {
        ++i;
        return b;
    } else if (b >= 0xC2 && b <= 0xDF) {
        extra = 1, cp = b & 0x1F, min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
        extra = 2, cp = b & 0x0F, min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
        extra = 3, cp = b & 0x07, min = 0x10000;
    } else {
        ++i;
        return -1;
    }
    for (int k = 1; k <= extra; ++k) {
        if (i + k >= s.size() || (byte(i + k) & 0xC0) != 0x80) {
            ++i;
            return -1;
        }
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++i;
        return -1;
    }
    i += static_cast<size_t>(extra) + 1;
    return cp;
}

// Text for inside HTML elements and attributes: valid UTF-8, the five
// special characters as entities, line breaks as spaces, other controls and
// direction overrides as U+FFFD (the <bdi> around the text isolates the rest).
std::string htmlText(const std::string& s, size_t maxCodePoints = std::string::npos) {
    std::string out;
    size_t count = 0;
    for (size_t i = 0; i < s.size();) {
        if (count++ == maxCodePoints) {
            out += "\xE2\x80\xA6";  // …
            break;
        }
        const size_t start = i;
        const long cp = nextCodePoint(s, i);
        if (cp == '\n' || cp == '\t' || cp == '\r') {
            out += ' ';
        } else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || (cp >= 0x202A && cp <= 0x202E) ||
                   (cp >= 0x2066 && cp <= 0x2069)) {
            out += "\xEF\xBF\xBD";  // U+FFFD: invalid bytes (-1), controls, direction overrides
        } else if (cp == '&') {
            out += "&amp;";
        } else if (cp == '<') {
            out += "&lt;";
        } else if (cp == '>') {
            out += "&gt;";
        } else if (cp == '"') {
            out += "&quot;";
        } else if (cp == '\'') {
            out += "&#39;";
        } else {
            out.append(s, start, i - start);
        }
    }
    return out;
}

// A JSON string that cannot end the <script> it sits in: ASCII only (so
// U+2028 and invalid bytes cannot surprise a parser), '<', '>' and '&' as
// \u escapes. Only strings can hold these characters, so escaping them
// inside the dump changes no structure.
std::string scriptJson(const nlohmann::json& value) {
    const std::string raw = value.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
    std::string out;
    out.reserve(raw.size());
    for (char c : raw) {
        if (c == '<') {
            out += "\\u003c";
        } else if (c == '>') {
            out += "\\u003e";
        } else if (c == '&') {
            out += "\\u0026";
        } else {
            out += c;
        }
    }
    return out;
}

size_t base64Length(size_t bytes) {
    return (bytes + 2) / 3 * 4;
}

void writeBase64(std::ostream& out, const std::vector<uint8_t>& bytes) {
    static const char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string text;
    text.reserve(base64Length(bytes.size()));
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const uint32_t v = (uint32_t(bytes[i]) << 16) | (uint32_t(bytes[i + 1]) << 8) | bytes[i + 2];
        for (int shift : {18, 12, 6, 0}) text += kDigits[(v >> shift) & 63];
    }
    if (i < bytes.size()) {
        const bool two = i + 1 < bytes.size();
        const uint32_t v = (uint32_t(bytes[i]) << 16) | (two ? uint32_t(bytes[i + 1]) << 8 : 0);
        text += kDigits[(v >> 18) & 63];
        text += kDigits[(v >> 12) & 63];
        text += two ? kDigits[(v >> 6) & 63] : '=';
        text += '=';
    }
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

// Stored weights of one layer per query row: n for bidirectional, query + 1 for causal.
size_t layerBytes(MaskMode mode, int heads, int n) {
    const size_t N = static_cast<size_t>(n);
    return static_cast<size_t>(heads) * 2 * (mode == MaskMode::Causal ? N * (N + 1) / 2 : N * N);
}

std::vector<uint8_t> layerWeights(const Analysis& a, int layer) {
    std::vector<uint8_t> bytes;
    bytes.reserve(layerBytes(a.maskMode, a.heads, a.tokenCount));
    const int n = a.tokenCount;
    for (int h = 0; h < a.heads; ++h) {
        const auto map = a.attention(layer, h);
        for (int q = 0; q < n; ++q) {
            for (int k = 0; k < endVisible(a.maskMode, q, n); ++k) {
                const float w = map(q, k);
                const auto v = static_cast<uint16_t>(w > 0 ? std::lround(std::min(w, 1.0f) * kPageScale) : 0);
                bytes.push_back(static_cast<uint8_t>(v & 0xFF));
                bytes.push_back(static_cast<uint8_t>(v >> 8));
            }
        }
    }
    return bytes;
}

// p with 4 significant digits, as the double whose shortest text is those digits.
double fourDigits(float p) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, p, std::chars_format::general, 4);
    double v = 0;
    std::from_chars(buf, r.ptr, v);
    return v;
}

std::string tokenText(const Analysis& a, size_t i) {
    return i < a.tokens.size() ? a.tokens[i].text : "#" + std::to_string(a.ids[i]);
}

void check(const PageInput& in) {
    if (!in.bidirectional || !in.causal) throw InputError("the page needs the analysis under both masks");
    const Analysis& a = *in.bidirectional;
    const Analysis& c = *in.causal;
    if (a.objective != Objective::MaskedLm && a.maskMode != MaskMode::Bidirectional) {
        throw InputError(std::string("this model reads in one direction only (trained for ") + objectiveName(a.objective) +
                         "), so there is no bidirectional side to show: make the page with a BERT model, such as "
                         "the bundled bertlens-mini");
    }
    if (a.maskMode != MaskMode::Bidirectional || c.maskMode != MaskMode::Causal)
        throw InputError("the page needs one bidirectional and one causal analysis, in that order");
    const size_t cells = static_cast<size_t>(a.layers) * a.heads * a.tokenCount * a.tokenCount;
    if (c.layers != a.layers || c.heads != a.heads || c.tokenCount != a.tokenCount || c.ids != a.ids ||
        a.attentions.size() != cells || c.attentions.size() != cells || a.ids.size() != size_t(a.tokenCount))
        throw InputError("the two analyses of the page are not of the same tokens and model");
    if (a.tokenCount < 1 || a.layers < 1 || a.heads < 1) throw InputError("there is no attention to put in the page");
    if (in.layer < 0 || in.layer >= a.layers)
        throw InputError("layer " + std::to_string(in.layer) + " does not exist: this model has layers 0.." +
                         std::to_string(a.layers - 1));
    if (in.head != kPageMeanHead && (in.head < 0 || in.head >= a.heads))
        throw InputError("head " + std::to_string(in.head) + " does not exist: this model has heads 0.." +
                         std::to_string(a.heads - 1));
}

nlohmann::json predictionsJson(const Analysis& a) {
    nlohmann::json out = nlohmann::json::array();
    for (const Prediction& p : a.predictions) {
        nlohmann::json top = nlohmann::json::array();
        for (const TokenProbability& t : p.top) top.push_back({t.token, fourDigits(t.probability)});
        out.push_back({{"position", p.position}, {"from", p.fromPosition}, {"top", std::move(top)}});
    }
    return out;
}

// The legend says which mask the model was trained with: BERT's is the
// bidirectional one, a left-to-right twin's the causal one.
std::string bodyFor(Objective objective) {
    std::string body = page::kBody;
    const bool bert = objective == Objective::MaskedLm, leftToRight = objective == Objective::NextWord;
    const auto put = [&body](const std::string& key, const std::string& text) {
        body.replace(body.find(key), key.size(), text);
    };
    put("@BIDIRECTIONAL_NOTE@", bert ? "The mask BERT was trained with."
                                     : "This model was not trained with it: its weights under this mask show what "
                                       "changes when it may read both sides.");
    put("@CAUSAL_NOTE@", leftToRight ? "The mask this model was trained with (predicting the next word)."
                                     : (bert ? "BERT was not trained this way" : "This model was not trained this way") +
                                           std::string(": its weights under this mask show what changes when the "
                                                       "future is hidden."));
    return body;
}

// Writes the page; without withWeights the attention strings are left empty
// and their length is returned instead (what interactivePageBytes adds).
uint64_t writePage(std::ostream& out, const PageInput& in, bool withWeights) {
    check(in);
    const Analysis& a = *in.bidirectional;
    nlohmann::json tokens = nlohmann::json::array();
    for (size_t i = 0; i < size_t(a.tokenCount); ++i) tokens.push_back(tokenText(a, i));
    const std::string model = in.modelName.empty() ? std::string("a BERT model") : in.modelName;

    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "script-src 'unsafe-inline'; style-src 'unsafe-inline'\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<meta name=\"generator\" content=\"BertLens\">\n<title>Attention in "
        << htmlText(model, 60) << ": " << htmlText(in.text, 80) << "</title>\n<style>" << page::kStyle
        << "</style>\n</head>\n<body class=\"mask-bidirectional\">\n<header>\n<h1>Attention in <bdi>" << htmlText(model)
        << "</bdi></h1>\n<p class=\"text\">\xE2\x80\x9C<bdi>" << htmlText(in.text)
        << "</bdi>\xE2\x80\x9D</p>\n<p class=\"facts\">" << a.tokenCount << " tokens \xC2\xB7 " << a.layers
        << " layers \xC3\x97 " << a.heads << " heads \xC2\xB7 made with BertLens</p>\n</header>" << bodyFor(a.objective);

    nlohmann::json start = {{"layer", in.layer}, {"mask", maskModeName(in.mask)}};
    start["head"] = in.head == kPageMeanHead ? nlohmann::json("mean") : nlohmann::json(in.head);
    out << "<script type=\"application/json\" id=\"bertlens-data\">{\"format\":\"bertlens-page\",\"version\":1,"
        << "\"model\":" << scriptJson(model) << ",\"text\":" << scriptJson(in.text) << ",\"layers\":" << a.layers
        << ",\"heads\":" << a.heads << ",\"tokens\":" << scriptJson(tokens) << ",\"scale\":" << kPageScale
        << ",\"start\":" << scriptJson(start) << ",\"masks\":{";
    uint64_t left = 0;
    for (const Analysis* m : {in.bidirectional, in.causal}) {
        out << (m == in.causal ? "," : "") << '"' << maskModeName(m->maskMode) << "\":{\"attention\":[";
        for (int l = 0; l < m->layers; ++l) {
            out << (l ? ",\"" : "\"");
            if (withWeights) {
                writeBase64(out, layerWeights(*m, l));
            } else {
                left += base64Length(layerBytes(m->maskMode, m->heads, m->tokenCount));
            }
            out << '"';
        }
        out << "],\"predictions\":" << scriptJson(predictionsJson(*m));
        if (!m->predictionsOffReason.empty()) out << ",\"predictions_off\":" << scriptJson(m->predictionsOffReason);
        out << '}';
    }
    out << "}}</script>\n<script>" << page::kScript << "</script>\n</body>\n</html>\n";
    return left;
}

}  // namespace

void writeInteractivePage(std::ostream& out, const PageInput& input) {
    writePage(out, input, true);
}

std::string interactivePage(const PageInput& input) {
    std::ostringstream out;
    writePage(out, input, true);
    return std::move(out).str();
}

uint64_t interactivePageBytes(const PageInput& input) {
    std::ostringstream out;
    const uint64_t weights = writePage(out, input, false);
    return static_cast<uint64_t>(out.tellp()) + weights;
}

uint64_t estimateInteractivePageBytes(int layers, int heads, int tokenCount) {
    // The fixed text, measured once; then per token its text (title, JSON)
    // and four [MASK]s' guesses under both masks.
    static const uint64_t kFixed =
        std::strlen(page::kStyle) + std::strlen(page::kBody) + std::strlen(page::kScript) + 1400;
    const uint64_t perToken = 16, guesses = 2 * 4 * 10 * 20;
    uint64_t weights = 0;
    for (MaskMode m : {MaskMode::Bidirectional, MaskMode::Causal})
        weights += static_cast<uint64_t>(layers) * (base64Length(layerBytes(m, heads, tokenCount)) + 3);
    return kFixed + perToken * static_cast<uint64_t>(std::max(tokenCount, 0)) + guesses + weights;
}

}  // namespace bertlens

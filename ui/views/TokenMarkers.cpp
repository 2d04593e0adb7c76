#include "TokenMarkers.h"

namespace bertlens::ui {

namespace {

// See the header for how these were chosen (OKLCH, converted to sRGB with
// the chroma lowered until the colour fits).
constexpr QRgb kTokenColors[kTokenColorCount] = {
    0xb02a2d, 0x6ca53b, 0x056a9e, 0xd368a1, 0x736309, 0x13a5b2, 0x843da6, 0xd2790e, 0x007559, 0x7c87ec,
    0xdf6862, 0x417302, 0x129be4, 0xa42c72, 0xaa9105, 0x02717a, 0xb274d3, 0x915103, 0x0eab84, 0x4f52c1,
};

}  // namespace

TokenMarker tokenMarker(int position) {
    const int p = position < 0 ? 0 : position;
    TokenMarker m;
    m.color = QColor::fromRgb(kTokenColors[p % kTokenColorCount]);
    m.shape = static_cast<MarkerShape>((p / kTokenColorCount) % kMarkerShapeCount);
    return m;
}

}  // namespace bertlens::ui

// One look per token of a sentence, for the embeddings view: the token's
// path, its start and its end point, and its label's frame all take it, so
// a path can be followed to its word. Twenty colours, none used twice in a
// sentence of up to twenty tokens ([CLS] and [SEP] included); past twenty
// the colours come round again with another marker shape, so every token up
// to 160 has a colour and shape pair of its own (a sentence that long is a
// cloud where no marker can be told apart anyway).
//
// The colours: ten hues 36 degrees apart in OKLCH, each at a darker (L 0.50)
// and a lighter (L 0.66) shade. Token i takes hue 3i mod 10 (108 degrees on
// from the last token's), dark and light in turn, and tokens i and i + 10 the
// same hue in the other shade; so the nearest two hues always differ in
// shade too, and any two tokens within five places of each other are at
// least 60 apart in RGB (0-255). All visible on white; none grey (grey is
// the kept sentence's in a comparison).
//
// Plain functions; safe from any thread.
#pragma once

#include <QColor>

namespace bertlens::ui {

enum class MarkerShape { Circle, Square, Diamond, Triangle, TriangleDown, CrossSquare, PlusCircle, CrossCircle };

struct TokenMarker {
    QColor color;
    MarkerShape shape = MarkerShape::Circle;
};

constexpr int kTokenColorCount = 20;
constexpr int kMarkerShapeCount = 8;

// The token at this position's colour and shape (position >= 0).
TokenMarker tokenMarker(int position);

}  // namespace bertlens::ui

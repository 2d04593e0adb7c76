// Files dropped on the window or on its sentence box.
//
//   a folder, or a file of one (config.json, model.safetensors, ...)
//                     -> openModelRequested(folder)
//   a text file       -> textDropped(text) when it is UTF-8 text the sentence
//                        box can hold; otherwise dropRefused(message) and the
//                        sentence stays as it was. Invalid UTF-8 is refused,
//                        not repaired: replacement characters would change the
//                        text the model sees without the user knowing.
//   plain text (dragged from another program) -> the sentence box's own handling.
//
// Installed as an event filter on the widgets given to watch(): the sentence
// box would otherwise insert a dropped file's path as text.
//
// UI thread only.
#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

class QWidget;

namespace bertlens::ui {

class FileDropHandler : public QObject {
    Q_OBJECT
public:
    // A dropped text file larger than this is refused before it is read.
    static constexpr qint64 kMaxTextBytes = 4 << 20;

    // maxChars: the most characters the sentence box holds; a longer text
    // file is refused, not cut.
    explicit FileDropHandler(int maxChars, QObject* parent = nullptr);
    void watch(QWidget* widget);

    // What a drop of these URLs does (the first local one counts).
    void handleUrls(const QList<QUrl>& urls);

    // "" when bytes are UTF-8 text, else the reason ("byte 0xE9 at position 12
    // is not UTF-8"). Exposed for tests.
    static QString whyNotUtf8Text(const QByteArray& bytes);

signals:
    void openModelRequested(const QString& folder);
    void textDropped(const QString& text);
    void dropRefused(const QString& message);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void readTextFile(const QString& path);

    int m_maxChars;
};

}  // namespace bertlens::ui

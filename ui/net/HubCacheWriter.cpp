#include "net/HubCacheWriter.h"

#include "io/HubCache.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <filesystem>
#include <system_error>

namespace bertlens {

HubCacheWriter::HubCacheWriter(const QString& cacheRoot, const QString& repoId)
    : m_root(cacheRoot),
      m_repo(QDir(cacheRoot).filePath(QString::fromStdString(HubCache::repoFolderName(repoId.toStdString())))) {}

QString HubCacheWriter::blobPath(const QString& etag) const {
    return m_repo + "/blobs/" + etag;
}

QString HubCacheWriter::incompletePath(const QString& etag) const {
    return blobPath(etag) + ".incomplete";
}

QString HubCacheWriter::lockPath(const QString& etag) const {
    return m_root + "/.locks/" + QFileInfo(m_repo).fileName() + "/" + etag + ".lock";
}

QString HubCacheWriter::snapshotFolder(const QString& commit) const {
    return m_repo + "/snapshots/" + commit;
}

bool HubCacheWriter::hasBlob(const QString& etag, qint64 size) const {
    const QFileInfo info(blobPath(etag));
    return info.isFile() && size >= 0 && info.size() == size;
}

QString HubCacheWriter::finishBlob(const QString& etag) const {
    const QString target = blobPath(etag);
    // rename(2) replaces a stale or damaged copy in one step: the blob is
    // never missing and never half there.
    std::error_code ec;
    std::filesystem::rename(incompletePath(etag).toStdString(), target.toStdString(), ec);
    if (ec)
        return "cannot move the downloaded file into place (" + target + "): " + QString::fromStdString(ec.message());
    return {};
}

QString HubCacheWriter::linkIntoSnapshot(const QString& commit, const QString& fileName, const QString& etag) const {
    const QString folder = snapshotFolder(commit);
    if (!QDir().mkpath(folder)) return "cannot create " + folder;
    const std::filesystem::path link = (folder + "/" + fileName).toStdString();
    std::error_code ec;
    std::filesystem::remove(link, ec);
    std::filesystem::create_symlink(std::filesystem::path("..") / ".." / "blobs" / etag.toStdString(), link, ec);
    if (!ec) return {};
    // Filesystems without symlinks: huggingface_hub then keeps a copy in the snapshot.
    if (!QFile::copy(blobPath(etag), QString::fromStdString(link.string()))) {
        return "cannot link or copy " + fileName + " into " + folder;
    }
    return {};
}

QString HubCacheWriter::writeRef(const QString& revision, const QString& commit) const {
    const QString path = m_repo + "/refs/" + revision;
    if (!QDir().mkpath(QFileInfo(path).path())) return "cannot create " + QFileInfo(path).path();
    QSaveFile f(path);  // a temporary file renamed over the old ref
    const QByteArray bytes = commit.toUtf8();
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        return "cannot write " + path + ": " + f.errorString();
    }
    return {};
}

}  // namespace bertlens

#include "net/HubCacheWriter.h"

#include "io/HubCache.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

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
    QFile::remove(target);  // a stale or damaged copy
    if (!QFile::rename(incompletePath(etag), target)) {
        return "cannot move the downloaded file into place (" + target + ")";
    }
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
    QFile f(path + ".tmp");
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(commit.toUtf8()) != commit.toUtf8().size()) {
        return "cannot write " + path;
    }
    f.close();
    QFile::remove(path);
    if (!QFile::rename(path + ".tmp", path)) return "cannot write " + path;
    return {};
}

}  // namespace bertlens

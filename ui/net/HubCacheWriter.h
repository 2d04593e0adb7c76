// Writes into the Hugging Face hub cache exactly as huggingface_hub does, so
// that other tools reuse what BertLens downloads and vice versa:
//
//   CACHE/models--ORG--NAME/blobs/ETAG              the bytes (ETAG.incomplete while downloading)
//   CACHE/models--ORG--NAME/snapshots/COMMIT/FILE   relative symlink ../../blobs/ETAG
//   CACHE/models--ORG--NAME/refs/REVISION           the commit a branch name resolved to
//   CACHE/.locks/models--ORG--NAME/ETAG.lock        held while a blob is being written
//
// Plain file operations; use from one thread at a time (the lock files keep
// two processes from writing the same blob).
#pragma once

#include <QString>

namespace bertlens {

class HubCacheWriter {
public:
    HubCacheWriter(const QString& cacheRoot, const QString& repoId);

    QString repoFolder() const { return m_repo; }
    QString blobPath(const QString& etag) const;
    QString incompletePath(const QString& etag) const;
    QString lockPath(const QString& etag) const;
    QString snapshotFolder(const QString& commit) const;

    // Whether blobs/ETAG is complete (size known and equal).
    bool hasBlob(const QString& etag, qint64 size) const;
    // Moves ETAG.incomplete to ETAG. Returns an error message, or "" on success.
    QString finishBlob(const QString& etag) const;
    // snapshots/COMMIT/FILE -> ../../blobs/ETAG (a copy where symlinks fail).
    QString linkIntoSnapshot(const QString& commit, const QString& fileName, const QString& etag) const;
    QString writeRef(const QString& revision, const QString& commit) const;

private:
    QString m_root;
    QString m_repo;
};

}  // namespace bertlens

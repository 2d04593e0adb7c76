// A file written all at once or not at all. Bytes go to a temporary file in
// the target's folder (so the rename cannot cross file systems); commit()
// flushes them to the disk, renames the temporary file over the target and
// flushes the folder. A crash, a kill or a full disk at any moment leaves
// either the old file or the new one, never a torn one; a writer that is
// destroyed without commit() removes its temporary file.
//
// Every file BertLens writes outside Qt goes through this class (Qt code
// uses QSaveFile, which does the same). Not thread-safe: one writer per
// object; two writers of the same target race only for who renames last.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace bertlens {

class AtomicFile {
public:
    // Throws Error when the folder cannot take a new file.
    explicit AtomicFile(std::filesystem::path target);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    // Throws Error (naming the target, and saying when the disk is full);
    // the target is untouched until commit() returns.
    void write(const void* data, size_t size);
    void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
    // Puts the bytes on the disk under the temporary name (no more writes).
    // Writers of several files that belong together flush them all, then
    // commit them one after the other, so the renames come close together.
    void flush();
    // flush() if not done yet, then the rename over the target.
    void commit();

    const std::filesystem::path& target() const { return m_target; }
    const std::filesystem::path& temporary() const { return m_temporary; }

    // The whole file in one call.
    static void writeAll(const std::filesystem::path& target, std::string_view bytes);

private:
    [[noreturn]] void fail(int error);
    void discard() noexcept;

    std::filesystem::path m_target;
    std::filesystem::path m_temporary;
    int m_fd = -1;
};

}  // namespace bertlens

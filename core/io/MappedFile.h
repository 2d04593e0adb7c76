// A read-only memory map of a whole file. The pages stay in the OS page cache
// and are shared between processes; nothing is copied. Movable, not copyable;
// the bytes stay valid for the object's lifetime.
//
// A mapped file can change under the map: another program overwrites or
// truncates it in place (cp over it, a download tool, an editor). Reading a
// page past the new end of the file raises SIGBUS, which would kill the
// process. MappedFile installs one SIGBUS handler for its maps: a fault
// inside a map replaces the rest of that map with zero pages, marks the map,
// and lets the read go on. changedOnDisk() then says the bytes can no longer
// be trusted (it also notices an overwrite of the same size through the
// file's modification time), so the caller can discard what it computed and
// tell the user. Faults outside every map go to the previous handler.
// changedOnDisk() is thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <string>

namespace bertlens {

class MappedFile {
public:
    // Throws CheckpointError naming the path when it cannot be opened or mapped.
    explicit MappedFile(const std::string& path);
    ~MappedFile();
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const uint8_t* data() const { return m_data; }
    size_t size() const { return m_size; }
    const std::string& path() const { return m_path; }

    // True once the file was modified, truncated or overwritten in place since
    // it was mapped (a file replaced by rename or deleted keeps its old bytes
    // and is not "changed": the map still holds the file that was opened).
    bool changedOnDisk() const;

private:
    void release();

    std::string m_path;
    const uint8_t* m_data = nullptr;
    size_t m_size = 0;
    int m_fd = -1;    // kept open so fstat sees this file, not whatever now has its name
    int m_slot = -1;  // the SIGBUS guard's slot for this map, -1 when unguarded
    timespec m_modified{};
};

}  // namespace bertlens

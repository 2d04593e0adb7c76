// A read-only memory map of a whole file. The pages stay in the OS page cache
// and are shared between processes; nothing is copied. Movable, not copyable;
// the bytes stay valid for the object's lifetime.
#pragma once

#include <cstddef>
#include <cstdint>
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

private:
    void release();

    std::string m_path;
    const uint8_t* m_data = nullptr;
    size_t m_size = 0;
};

}  // namespace bertlens

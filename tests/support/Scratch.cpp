// SPDX-License-Identifier: GPL-2.0-or-later
#include "Scratch.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <unistd.h>

namespace hoststudio::testing {

std::string scratchDirectory(std::string_view prefix)
{
    const char* tmp = std::getenv("TMPDIR"); // NOLINT(concurrency-mt-unsafe): read before any thread starts
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/hoststudio-" + std::string(prefix) + "-XXXXXX";
    std::error_code ignored;
    std::filesystem::create_directories(std::filesystem::path(pattern).parent_path(), ignored);
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()) == nullptr) {
        return {};
    }
    return buffer.data();
}

std::string readTextFile(const std::string& path)
{
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

} // namespace hoststudio::testing

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Loading the known-answer vectors under tests/data/vectors for the nostr tests.

#include "hoststudio/core/Result.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace hoststudio::nostr::test {

// Secret key 00…03 and its x-only public key: the signer of the synthetic vectors.
inline constexpr std::string_view secretKeyThreeHex =
    "0000000000000000000000000000000000000000000000000000000000000003";
inline constexpr std::string_view publicKeyThreeHex =
    "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9";

inline std::string vectorPath(const std::string& fileName)
{
    return std::string(HOSTSTUDIO_TEST_DATA_DIR) + "/vectors/" + fileName;
}

// The whole file, or "" when it cannot be read (tests then fail on the vector count).
inline std::string readVectorFile(const std::string& fileName)
{
    std::ifstream stream(vectorPath(fileName), std::ios::binary);
    std::ostringstream contents;
    contents << stream.rdbuf();
    return contents.str();
}

inline nlohmann::json readJsonVectors(const std::string& fileName)
{
    return nlohmann::json::parse(readVectorFile(fileName), nullptr, false);
}

// A parameter-name-safe version of `text` (letters, digits, '_').
inline std::string testNameFrom(const std::string& text)
{
    std::string name;
    for (const char character : text) {
        const bool isAlphanumeric = (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z') ||
                                    (character >= '0' && character <= '9');
        if (isAlphanumeric) {
            name.push_back(character);
        } else if (!name.empty() && name.back() != '_') {
            name.push_back('_');
        }
    }
    while (!name.empty() && name.back() == '_') {
        name.pop_back();
    }
    return name.empty() ? std::string("unnamed") : name;
}

// The error of `result`, or an Error holding no error when it succeeded (so that a test expecting
// a failure fails instead of aborting on Result::error()).
template <typename T> core::Error errorOf(const core::Result<T>& result)
{
    return result.ok() ? core::Error{} : result.error();
}

} // namespace hoststudio::nostr::test

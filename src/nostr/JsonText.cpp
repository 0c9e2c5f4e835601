// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/nostr/JsonText.hpp"

#include "Utf8.hpp"
#include "hoststudio/nostr/NostrError.hpp"

#include <exception>

namespace hoststudio::nostr {

namespace {

// The deepest array/object nesting of `text`, scanning past strings; stops early once above `limit`.
std::size_t nestingDepth(std::string_view text, std::size_t limit) noexcept
{
    std::size_t depth = 0;
    std::size_t deepest = 0;
    bool inString = false;
    bool escaped = false;
    for (const char character : text) {
        if (inString) {
            if (escaped) {
                escaped = false;
            } else if (character == '\\') {
                escaped = true;
            } else if (character == '"') {
                inString = false;
            }
            continue;
        }
        if (character == '"') {
            inString = true;
        } else if (character == '[' || character == '{') {
            ++depth;
            if (depth > deepest) {
                deepest = depth;
                if (deepest > limit) {
                    return deepest;
                }
            }
        } else if ((character == ']' || character == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

} // namespace

core::Result<nlohmann::json> parseJsonText(std::string_view text)
{
    if (const auto offset = detail::firstInvalidUtf8Offset(text)) {
        return {NostrErrc::invalidUtf8, "invalid UTF-8 at byte " + std::to_string(*offset)};
    }
    // JSON never contains a raw NUL (not even inside strings), and nlohmann's lexer would take one
    // for the end of the input and silently ignore whatever follows it.
    if (const std::size_t nulOffset = text.find('\0'); nulOffset != std::string_view::npos) {
        return {NostrErrc::invalidJson, "NUL byte at offset " + std::to_string(nulOffset)};
    }
    if (nestingDepth(text, maximumJsonNestingDepth) > maximumJsonNestingDepth) {
        return {NostrErrc::invalidJson, "nested deeper than " + std::to_string(maximumJsonNestingDepth) + " levels"};
    }
    try {
        return nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& error) {
        const std::string message = error.what();
        // The bytes are valid UTF-8, so a UTF-8 complaint can only come from a \uD8xx escape
        // without its partner: text that has no UTF-8 form.
        if (message.find("surrogate") != std::string::npos) {
            return {NostrErrc::invalidUtf8, message};
        }
        return {NostrErrc::invalidJson, message};
    } catch (const std::exception& error) {
        return {NostrErrc::invalidJson, error.what()};
    }
}

core::Result<std::string> dumpJsonText(const nlohmann::json& value)
{
    try {
        return value.dump();
    } catch (const nlohmann::json::type_error& error) {
        if (error.id == 316) {
            return {NostrErrc::invalidUtf8, error.what()};
        }
        return {NostrErrc::invalidJson, error.what()};
    } catch (const std::exception& error) {
        return {NostrErrc::invalidJson, error.what()};
    }
}

} // namespace hoststudio::nostr

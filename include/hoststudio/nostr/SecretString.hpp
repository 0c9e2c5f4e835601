// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// SecretString: text that is a secret (an nsec, a secret key in hex), in a buffer of its own that
// is overwritten with OPENSSL_cleanse before it is freed: on destruction, on assignment and when
// append() moves it. Move-only, so no stray copy of the buffer is made by accident; view() and
// c_str() lend the text to whoever must write it out (and who then wipes their own copies).
// No operator<< on purpose: it is never printed or logged.
//
//   SecretString nsec = secretKey.toNsec();
//   write(fd, nsec.c_str(), nsec.size());
//
// Thread safety: a value type; not synchronised. The wipe observer is process-wide, for tests.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace hoststudio::nostr {

class SecretString {
public:
    SecretString() noexcept = default;
    // A copy of `text` (the caller wipes its own storage).
    explicit SecretString(std::string_view text);
    // Takes the text over and wipes `text`'s buffer (it is left empty).
    [[nodiscard]] static SecretString adopt(std::string& text);

    SecretString(SecretString&& other) noexcept;
    SecretString& operator=(SecretString&& other) noexcept;
    SecretString(const SecretString&) = delete;
    SecretString& operator=(const SecretString&) = delete;
    ~SecretString();

    [[nodiscard]] std::string_view view() const noexcept { return {data_.get() == nullptr ? "" : data_.get(), size_}; }
    // NUL-terminated.
    [[nodiscard]] const char* c_str() const noexcept { return data_ ? data_.get() : ""; }
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

    // Appends `more`; when the buffer must grow, the old one is wiped before it is freed.
    void append(std::string_view more);
    // Wipes and empties now.
    void clear() noexcept;

    friend bool operator==(const SecretString& left, std::string_view right) noexcept { return left.view() == right; }

    // Called with every buffer right after it was wiped and right before it is freed (tests check
    // that it holds zeros only). nullptr: none (the default).
    using WipeObserver = void (*)(const char* buffer, std::size_t capacity);
    static void setWipeObserver(WipeObserver observer) noexcept;

private:
    static void release(std::unique_ptr<char[]>& buffer, std::size_t capacity) noexcept;

    std::unique_ptr<char[]> data_; // size_ + 1 bytes at least (NUL), capacity_ in all
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

} // namespace hoststudio::nostr

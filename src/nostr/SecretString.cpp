// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/nostr/SecretString.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <utility>

namespace hoststudio::nostr {

namespace {

std::atomic<SecretString::WipeObserver> wipeObserver{nullptr};

} // namespace

void SecretString::setWipeObserver(WipeObserver observer) noexcept
{
    wipeObserver.store(observer);
}

void SecretString::release(std::unique_ptr<char[]>& buffer, std::size_t capacity) noexcept
{
    if (!buffer) {
        return;
    }
    OPENSSL_cleanse(buffer.get(), capacity);
    if (const WipeObserver observer = wipeObserver.load(); observer != nullptr) {
        observer(buffer.get(), capacity);
    }
    buffer.reset();
}

SecretString::SecretString(std::string_view text)
{
    append(text);
}

SecretString SecretString::adopt(std::string& text)
{
    SecretString secret(text);
    OPENSSL_cleanse(text.data(), text.size());
    text.clear();
    return secret;
}

SecretString::SecretString(SecretString&& other) noexcept
    : data_(std::move(other.data_)), size_(std::exchange(other.size_, 0)), capacity_(std::exchange(other.capacity_, 0))
{}

SecretString& SecretString::operator=(SecretString&& other) noexcept
{
    if (this != &other) {
        release(data_, capacity_);
        data_ = std::move(other.data_);
        size_ = std::exchange(other.size_, 0);
        capacity_ = std::exchange(other.capacity_, 0);
    }
    return *this;
}

SecretString::~SecretString()
{
    release(data_, capacity_);
}

void SecretString::append(std::string_view more)
{
    if (more.empty() && data_) {
        return;
    }
    const std::size_t needed = size_ + more.size() + 1;
    if (needed > capacity_) {
        const std::size_t capacity = std::max<std::size_t>({needed, 2 * capacity_, 32});
        std::unique_ptr<char[]> grown = std::make_unique<char[]>(capacity);
        if (size_ > 0) {
            std::memcpy(grown.get(), data_.get(), size_);
        }
        release(data_, capacity_);
        data_ = std::move(grown);
        capacity_ = capacity;
    }
    if (!more.empty()) {
        std::memcpy(data_.get() + size_, more.data(), more.size());
    }
    size_ += more.size();
    data_[size_] = '\0';
}

void SecretString::clear() noexcept
{
    release(data_, capacity_);
    size_ = 0;
    capacity_ = 0;
}

} // namespace hoststudio::nostr

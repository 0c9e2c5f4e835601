// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Result<T>: a value or an Error, for fallible functions (C++20 has no std::expected, and
// clang 14 cannot compile libstdc++'s). Accessing the wrong alternative is a programming
// error and aborts in every build type.
//
// Thread safety: a value type.

#include "hoststudio/core/Error.hpp"

#include <cstdio>
#include <cstdlib>
#include <utility>
#include <variant>

namespace hoststudio::core {

namespace detail {
[[noreturn]] inline void badResultAccess(const char* what) noexcept
{
    std::fputs(what, stderr);
    std::fputc('\n', stderr);
    std::abort();
}
} // namespace detail

template <typename T> class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) // NOLINT(google-explicit-constructor)
    {
        if (!std::get<1>(state_).isError()) {
            detail::badResultAccess("Result constructed from an Error that holds no error");
        }
    }
    template <typename Enum, typename = std::enable_if_t<std::is_error_code_enum_v<Enum>>>
    Result(Enum code, std::string detail = {}) : Result(Error{code, std::move(detail)}) // NOLINT
    {}

    [[nodiscard]] bool ok() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    [[nodiscard]] T& value() &
    {
        check();
        return std::get<0>(state_);
    }
    [[nodiscard]] const T& value() const&
    {
        check();
        return std::get<0>(state_);
    }
    [[nodiscard]] T&& value() &&
    {
        check();
        return std::get<0>(std::move(state_));
    }
    [[nodiscard]] T valueOr(T fallback) const& { return ok() ? std::get<0>(state_) : std::move(fallback); }

    [[nodiscard]] const Error& error() const&
    {
        if (ok()) {
            detail::badResultAccess("Result::error() called on a value");
        }
        return std::get<1>(state_);
    }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

private:
    void check() const
    {
        if (!ok()) {
            detail::badResultAccess(("Result::value() called on an error: " + std::get<1>(state_).describe()).c_str());
        }
    }

    std::variant<T, Error> state_;
};

template <> class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)) // NOLINT(google-explicit-constructor)
    {
        if (!error_.isError()) {
            detail::badResultAccess("Result<void> constructed from an Error that holds no error");
        }
    }
    template <typename Enum, typename = std::enable_if_t<std::is_error_code_enum_v<Enum>>>
    Result(Enum code, std::string detail = {}) : Result(Error{code, std::move(detail)}) // NOLINT
    {}

    [[nodiscard]] bool ok() const noexcept { return !error_.isError(); }
    explicit operator bool() const noexcept { return ok(); }
    [[nodiscard]] const Error& error() const&
    {
        if (ok()) {
            detail::badResultAccess("Result<void>::error() called on success");
        }
        return error_;
    }

private:
    Error error_;
};

using Status = Result<void>;

} // namespace hoststudio::core

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The error convention of HostStudio.
//
// Every module declares its own `enum class <Module>Errc` (values start at 1; 0 means success),
// a `std::error_category` for it, and `make_error_code` in its namespace, with
// HOSTSTUDIO_DECLARE_ERROR_ENUM / HOSTSTUDIO_DEFINE_ERROR_CATEGORY below. A failure travels as an
// `Error`: the code (what went wrong, comparable across modules) plus a detail text (the concrete
// thing: a URL, a relay's reason, a file name; never a secret). Exceptions never cross a module or
// thread boundary. Only the `ui` module turns codes into words for the host.
//
// Thread safety: Error is a value type; categories are immutable singletons.

#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace hoststudio::core {

// A category whose messages come from one function over the enum.
template <typename Enum> class EnumErrorCategory final : public std::error_category {
public:
    using DescribeFunction = const char* (*)(Enum) noexcept;

    constexpr EnumErrorCategory(const char* categoryName, DescribeFunction describe) noexcept
        : categoryName_(categoryName), describe_(describe)
    {}

    [[nodiscard]] const char* name() const noexcept override { return categoryName_; }

    [[nodiscard]] std::string message(int value) const override
    {
        if (value == 0) {
            return "success";
        }
        const char* text = describe_(static_cast<Enum>(value));
        return text != nullptr ? text : "unknown error " + std::to_string(value);
    }

private:
    const char* categoryName_;
    DescribeFunction describe_;
};

// An error code with the concrete detail of this occurrence.
class Error {
public:
    Error() = default;
    Error(std::error_code code, std::string detail = {}) // NOLINT(google-explicit-constructor)
        : code_(code), detail_(std::move(detail))
    {}
    template <typename Enum, typename = std::enable_if_t<std::is_error_code_enum_v<Enum>>>
    Error(Enum value, std::string detail = {}) // NOLINT(google-explicit-constructor)
        : code_(make_error_code(value)), detail_(std::move(detail))
    {}

    [[nodiscard]] const std::error_code& code() const noexcept { return code_; }
    [[nodiscard]] const std::string& detail() const noexcept { return detail_; }
    [[nodiscard]] bool isError() const noexcept { return static_cast<bool>(code_); }
    explicit operator bool() const noexcept { return isError(); }

    // "hoststudio.net: connection refused (rtmp://127.0.0.1:1935/live)": for logs and CLI output.
    [[nodiscard]] std::string describe() const;

    // The same error with more context in front of the detail ("relay wss://x: " + detail).
    [[nodiscard]] Error withContext(std::string_view context) const;

    friend bool operator==(const Error& left, const Error& right) noexcept { return left.code_ == right.code_; }
    template <typename Enum, typename = std::enable_if_t<std::is_error_code_enum_v<Enum>>>
    friend bool operator==(const Error& left, Enum right) noexcept
    {
        return left.code_ == make_error_code(right);
    }

private:
    std::error_code code_;
    std::string detail_;
};

// The errors of the core module itself.
enum class CoreErrc {
    invalidArgument = 1,
    unknownSetting,
    invalidSettingValue,
    settingsFileMissing,
    settingsFileMalformed,
    settingsFileUnwritable,
    fileUnreadable,
    fileUnwritable,
    cancelled,
    retriesExhausted,
    timedOut,
};

[[nodiscard]] const std::error_category& coreCategory() noexcept;
[[nodiscard]] std::error_code make_error_code(CoreErrc value) noexcept;

} // namespace hoststudio::core

// Registers a module's error enum with <system_error>; use at global scope in the module's header.
#define HOSTSTUDIO_DECLARE_ERROR_ENUM(QualifiedEnum)                                                                   \
    template <> struct std::is_error_code_enum<QualifiedEnum> : std::true_type {}

// Defines `<categoryFunction>()` and `make_error_code(Enum)` in the current namespace, with the
// messages of `describeFunction` (a `const char* f(Enum) noexcept` returning nullptr for unknown values).
#define HOSTSTUDIO_DEFINE_ERROR_CATEGORY(Enum, categoryFunction, categoryName, describeFunction)                       \
    const std::error_category& categoryFunction() noexcept                                                             \
    {                                                                                                                  \
        static const ::hoststudio::core::EnumErrorCategory<Enum> category{categoryName, describeFunction};             \
        return category;                                                                                               \
    }                                                                                                                  \
    std::error_code make_error_code(Enum value) noexcept                                                               \
    {                                                                                                                  \
        return {static_cast<int>(value), categoryFunction()};                                                          \
    }

HOSTSTUDIO_DECLARE_ERROR_ENUM(hoststudio::core::CoreErrc);

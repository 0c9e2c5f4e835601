// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/core/Error.hpp"

namespace hoststudio::core {

std::string Error::describe() const
{
    if (!isError()) {
        return "no error";
    }
    std::string text = std::string(code_.category().name()) + ": " + code_.message();
    if (!detail_.empty()) {
        text += " (" + detail_ + ")";
    }
    return text;
}

Error Error::withContext(std::string_view context) const
{
    std::string detail(context);
    if (!detail_.empty()) {
        detail += detail.empty() ? "" : ": ";
        detail += detail_;
    }
    return Error{code_, std::move(detail)};
}

namespace {
const char* describeCoreError(CoreErrc value) noexcept
{
    switch (value) {
    case CoreErrc::invalidArgument: return "invalid argument";
    case CoreErrc::unknownSetting: return "unknown setting";
    case CoreErrc::invalidSettingValue: return "invalid setting value";
    case CoreErrc::settingsFileMissing: return "settings file does not exist";
    case CoreErrc::settingsFileMalformed: return "settings file is malformed";
    case CoreErrc::settingsFileUnwritable: return "settings file cannot be written";
    case CoreErrc::fileUnreadable: return "file cannot be read";
    case CoreErrc::fileUnwritable: return "file cannot be written";
    case CoreErrc::cancelled: return "cancelled";
    case CoreErrc::retriesExhausted: return "all retries used up";
    case CoreErrc::timedOut: return "timed out";
    }
    return nullptr;
}
} // namespace

HOSTSTUDIO_DEFINE_ERROR_CATEGORY(CoreErrc, coreCategory, "hoststudio.core", describeCoreError)

} // namespace hoststudio::core

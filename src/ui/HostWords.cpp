// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/ui/HostWords.hpp"

#include <QRegularExpression>

#include <string_view>

namespace hoststudio::ui {

QString wordsFor(const core::Error& error)
{
    if (!error) {
        return {};
    }
    const std::string& detail = error.detail();
    const std::string_view category = error.code().category().name();
    QString text;
    if (category == "hoststudio.session" && !detail.empty()) {
        text = fromStd(detail);
    } else {
        text = fromStd(error.code().message());
        if (!detail.empty()) {
            text += QStringLiteral(": ") + fromStd(detail);
        }
    }
    // "hoststudio.cloud: x (y)" inside a detail: the log's way of naming where it came from.
    static const QRegularExpression categoryName(QStringLiteral("\\bhoststudio\\.[a-z_]+: "));
    text.remove(categoryName);
    if (!text.isEmpty()) {
        text[0] = text[0].toUpper();
    }
    return text;
}

} // namespace hoststudio::ui

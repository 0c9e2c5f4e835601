// SPDX-License-Identifier: GPL-2.0-or-later
// renderPlainText() on a real QLabel, QTextDocument and QTextEdit: HTML and Qt rich-text markup in
// a chat message stay literal text (no bold, no image, no link), and a label is switched off
// Qt::AutoText.

#include "hoststudio/chat/ChatHub.hpp"

#include <QLabel>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextEdit>
#include <QTextFragment>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hoststudio::chat {
namespace {

TEST(ChatHubDisplay, MarkupAndRichTextStayLiteral)
{
    const std::vector<std::string> inputs{
        "<b>x</b>",
        "<img src=\"https://tracker.example/pixel.png\">",
        "<qt><font color=red>big</font></qt>",
        "<a href=\"javascript:alert(1)\">click</a> &amp; <table><tr><td>cell</td></tr></table>",
    };
    for (const std::string& input : inputs) {
        SCOPED_TRACE(input);
        const QString literal = QString::fromStdString(input);
        EXPECT_TRUE(Qt::mightBeRichText(literal)); // what a QLabel left on Qt::AutoText would render

        QTextDocument document;
        renderPlainText(document, input);
        EXPECT_EQ(document.toPlainText(), literal);
        EXPECT_EQ(document.blockCount(), 1);
        for (QTextBlock block = document.begin(); block.isValid(); block = block.next()) {
            for (auto fragment = block.begin(); !fragment.atEnd(); ++fragment) {
                const QTextCharFormat format = fragment.fragment().charFormat();
                EXPECT_FALSE(format.isImageFormat());
                EXPECT_FALSE(format.isAnchor());
                EXPECT_NE(format.fontWeight(), QFont::Bold);
            }
        }
        EXPECT_NE(document.toHtml().indexOf("&lt;"), -1); // kept as escaped text, not as tags

        QLabel label;
        label.setText("<b>left over</b>"); // a label on its default AutoText
        renderPlainText(label, input);
        EXPECT_EQ(label.textFormat(), Qt::PlainText);
        EXPECT_EQ(label.text(), literal);
        QTextEdit edit;
        renderPlainText(edit, input);
        EXPECT_EQ(edit.toPlainText(), literal);
    }
}

} // namespace
} // namespace hoststudio::chat

// SPDX-License-Identifier: GPL-2.0-or-later
// GoogleTest main for the chat display tests: one QApplication (the plain-text rendering is
// checked on a QLabel and a QTextDocument), on Qt's offscreen platform unless a display is set.
#include <QApplication>

#include <gtest/gtest.h>

#include <cstdlib>

int main(int argc, char** argv)
{
    if (std::getenv("DISPLAY") == nullptr && std::getenv("QT_QPA_PLATFORM") == nullptr) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    testing::InitGoogleTest(&argc, argv);
    QApplication application(argc, argv);
    return RUN_ALL_TESTS();
}

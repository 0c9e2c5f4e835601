// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/core/Error.hpp"
#include "hoststudio/core/Result.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace hoststudio::core {
namespace {

TEST(Error, DefaultIsNoError)
{
    const Error error;
    EXPECT_FALSE(error.isError());
    EXPECT_FALSE(static_cast<bool>(error));
    EXPECT_EQ(error.describe(), "no error");
}

TEST(Error, CarriesCodeCategoryAndDetail)
{
    const Error error{CoreErrc::settingsFileMissing, "/tmp/x.ini"};
    EXPECT_TRUE(error.isError());
    EXPECT_EQ(error, CoreErrc::settingsFileMissing);
    EXPECT_STREQ(error.code().category().name(), "hoststudio.core");
    EXPECT_EQ(error.describe(), "hoststudio.core: settings file does not exist (/tmp/x.ini)");
}

TEST(Error, WithContextPrependsToTheDetail)
{
    const Error error{CoreErrc::timedOut, "after 5 s"};
    EXPECT_EQ(error.withContext("relay ws://a").detail(), "relay ws://a: after 5 s");
    EXPECT_EQ(Error{CoreErrc::timedOut}.withContext("relay ws://a").detail(), "relay ws://a");
    EXPECT_EQ(error.withContext("x"), CoreErrc::timedOut);
}

TEST(Error, EveryCoreCodeHasItsOwnMessage)
{
    std::set<std::string> messages;
    for (int value = 1; value <= static_cast<int>(CoreErrc::timedOut); ++value) {
        const std::string message = make_error_code(static_cast<CoreErrc>(value)).message();
        EXPECT_FALSE(message.empty());
        EXPECT_EQ(message.find("unknown error"), std::string::npos) << value;
        EXPECT_TRUE(messages.insert(message).second) << "duplicate message " << message;
    }
    EXPECT_NE(make_error_code(static_cast<CoreErrc>(999)).message().find("unknown error 999"), std::string::npos);
}

TEST(Result, HoldsAValueOrAnError)
{
    const Result<int> good = 42;
    ASSERT_TRUE(good.ok());
    EXPECT_EQ(*good, 42);
    EXPECT_EQ(good.valueOr(7), 42);

    const Result<int> bad = Error{CoreErrc::invalidArgument, "negative"};
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error(), CoreErrc::invalidArgument);
    EXPECT_EQ(bad.valueOr(7), 7);

    const Result<std::string> fromEnum{CoreErrc::cancelled, "by the host"};
    EXPECT_EQ(fromEnum.error().detail(), "by the host");
}

TEST(Result, VoidStatus)
{
    const Status fine;
    EXPECT_TRUE(fine.ok());
    const Status failed = Error{CoreErrc::fileUnwritable};
    EXPECT_FALSE(failed.ok());
    EXPECT_EQ(failed.error(), CoreErrc::fileUnwritable);
}

TEST(ResultDeathTest, AccessingTheWrongSideAborts)
{
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    const Result<int> bad = Error{CoreErrc::invalidArgument};
    EXPECT_DEATH(static_cast<void>(bad.value()), "called on an error");
    const Result<int> good = 1;
    EXPECT_DEATH(static_cast<void>(good.error()), "called on a value");
    EXPECT_DEATH(Status{Error{}}, "holds no error");
}

} // namespace
} // namespace hoststudio::core

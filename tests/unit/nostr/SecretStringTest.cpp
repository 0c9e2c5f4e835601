// SPDX-License-Identifier: GPL-2.0-or-later
// SecretString wipes every buffer it lets go of: a wipe observer sees each buffer after the wipe
// and before it is freed (no freed memory is read); and SecretKey's text forms are SecretStrings.

#include "hoststudio/nostr/SecretString.hpp"
#include "hoststudio/nostr/Keys.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace hoststudio::nostr {
namespace {

struct Released {
    std::size_t capacity = 0;
    bool allZero = false;
};

std::vector<Released>& released()
{
    static std::vector<Released> buffers;
    return buffers;
}

void observe(const char* buffer, std::size_t capacity)
{
    released().push_back(
        Released{capacity, std::all_of(buffer, buffer + capacity, [](char byte) { return byte == '\0'; })});
}

class SecretStringTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        released().clear();
        SecretString::setWipeObserver(&observe);
    }
    void TearDown() override { SecretString::setWipeObserver(nullptr); }
};

TEST_F(SecretStringTest, HoldsTheTextAndWipesItsBufferOnDestruction)
{
    {
        const SecretString secret("nsec1secretsecretsecret");
        EXPECT_EQ(secret.view(), "nsec1secretsecretsecret");
        EXPECT_STREQ(secret.c_str(), "nsec1secretsecretsecret");
        EXPECT_EQ(secret.size(), 23U);
        EXPECT_TRUE(released().empty()); // nothing let go yet
    }
    ASSERT_EQ(released().size(), 1U);
    EXPECT_GE(released()[0].capacity, 24U);
    EXPECT_TRUE(released()[0].allZero);
}

TEST_F(SecretStringTest, GrowingWipesTheOldBuffer)
{
    SecretString secret("x");
    const std::string longer(200, 's');
    secret.append(longer); // outgrows the first buffer
    EXPECT_EQ(secret.size(), 201U);
    ASSERT_EQ(released().size(), 1U);
    EXPECT_TRUE(released()[0].allZero);
    secret.clear();
    EXPECT_TRUE(secret.empty());
    EXPECT_EQ(secret.view(), "");
    ASSERT_EQ(released().size(), 2U);
    EXPECT_GE(released()[1].capacity, 202U);
    EXPECT_TRUE(released()[1].allZero);
}

TEST_F(SecretStringTest, MovingHandsTheBufferOverAndAssignmentWipesTheOldOne)
{
    SecretString first("first secret text");
    SecretString second(std::move(first));
    EXPECT_EQ(second.view(), "first secret text");
    EXPECT_TRUE(released().empty()); // a move copies no secret and frees nothing
    SecretString third("third secret text");
    third = std::move(second);
    EXPECT_EQ(third.view(), "first secret text");
    ASSERT_EQ(released().size(), 1U); // "third secret text"'s buffer
    EXPECT_TRUE(released()[0].allZero);
}

TEST_F(SecretStringTest, AdoptWipesTheSourceString)
{
    std::string source = "a secret that is longer than the small-string buffer";
    const char* storage = source.data();
    const std::size_t length = source.size();
    const SecretString secret = SecretString::adopt(source);
    EXPECT_EQ(secret.view(), "a secret that is longer than the small-string buffer");
    EXPECT_TRUE(source.empty());
    // clear() keeps the heap buffer, so the zeros can be checked where the text was.
    EXPECT_TRUE(std::all_of(storage, storage + length, [](char byte) { return byte == '\0'; }));
}

TEST_F(SecretStringTest, SecretKeyTextFormsAreWipedWhenTheyGo)
{
    const SecretKey key =
        SecretKey::fromHex("0000000000000000000000000000000000000000000000000000000000000003").value();
    {
        const SecretString hex = key.toHex();
        const SecretString nsec = key.toNsec();
        EXPECT_EQ(hex.view(), "0000000000000000000000000000000000000000000000000000000000000003");
        EXPECT_TRUE(nsec.view().starts_with("nsec1"));
        EXPECT_EQ(SecretKey::fromNsec(nsec.view()).value().toHex().view(), hex.view());
    }
    ASSERT_FALSE(released().empty());
    EXPECT_TRUE(
        std::all_of(released().begin(), released().end(), [](const Released& buffer) { return buffer.allZero; }));
}

} // namespace
} // namespace hoststudio::nostr

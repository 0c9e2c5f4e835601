// SPDX-License-Identifier: GPL-2.0-or-later
// Bech32 (BIP-173) known answers and refusals, with NIP-19's 5000-character cap.

#include "hoststudio/nostr/Bech32.hpp"
#include "hoststudio/nostr/NostrError.hpp"

#include <gtest/gtest.h>

namespace hoststudio::nostr {
namespace {

// The valid bech32 strings of BIP-173.
class Bech32ValidTest : public ::testing::TestWithParam<std::string> {};

TEST_P(Bech32ValidTest, DecodesAndReencodesToTheLowerCaseForm)
{
    const auto decoded = decodeBech32(GetParam());
    ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
    const auto reencoded = encodeBech32(decoded->humanReadablePart, decoded->fiveBitGroups);
    ASSERT_TRUE(reencoded.ok());
    std::string lower = GetParam();
    for (char& character : lower) {
        if (character >= 'A' && character <= 'Z') {
            character = static_cast<char>(character - 'A' + 'a');
        }
    }
    EXPECT_EQ(reencoded.value(), lower);
}

INSTANTIATE_TEST_SUITE_P(
    Bip173, Bech32ValidTest,
    ::testing::Values("A12UEL5L", "a12uel5l",
                      "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
                      "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
                      "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
                      "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "?1ezyfcl"));

struct InvalidBech32Case {
    std::string name;
    std::string text;
    std::string detailFragment;
};

class Bech32InvalidTest : public ::testing::TestWithParam<InvalidBech32Case> {};

TEST_P(Bech32InvalidTest, IsInvalidBech32WithDetail)
{
    const auto decoded = decodeBech32(GetParam().text);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error(), NostrErrc::invalidBech32);
    EXPECT_NE(decoded.error().detail().find(GetParam().detailFragment), std::string::npos) << decoded.error().detail();
}

INSTANTIATE_TEST_SUITE_P(
    Bip173AndNip19, Bech32InvalidTest,
    ::testing::Values(InvalidBech32Case{"spaceInHrp", std::string("\x20") + "1nwldj5", "outside ASCII"},
                      InvalidBech32Case{"delInHrp", std::string("\x7f") + "1axkwrx", "outside ASCII"},
                      InvalidBech32Case{"noSeparator", "pzry9x0s0muk", "no separator"},
                      InvalidBech32Case{"emptyHrp", "1pzry9x0s0muk", "empty human-readable part"},
                      InvalidBech32Case{"invalidDataCharacter", "x1b4n0q5v", "not in the bech32 alphabet"},
                      InvalidBech32Case{"checksumTooShort", "li1dgmt3", "truncated"},
                      InvalidBech32Case{"checksumOfUpperCaseHrp", "A1G7SGD8", "bad checksum"},
                      InvalidBech32Case{"emptyHrpWithData", "10a06t8", "empty human-readable part"},
                      InvalidBech32Case{"mixedCase", "a12UEL5L", "mixed"},
                      InvalidBech32Case{"bech32mChecksum", "a1lqfn3a", "bech32m"},
                      InvalidBech32Case{"tooLong", "a1" + std::string(5000, 'q'), "above the limit"}),
    [](const auto& paramInfo) { return paramInfo.param.name; });

TEST(Bech32, AcceptsLongStringsUpToTheNip19Cap)
{
    const std::vector<std::uint8_t> groups(4000, 3);
    const auto encoded = encodeBech32("naddr", groups);
    ASSERT_TRUE(encoded.ok());
    const auto decoded = decodeBech32(encoded.value());
    ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
    EXPECT_EQ(decoded->fiveBitGroups, groups);
}

TEST(Bech32, EncoderRefusesResultsAboveTheCap)
{
    const std::vector<std::uint8_t> groups(5000, 0);
    const auto encoded = encodeBech32("naddr", groups);
    ASSERT_FALSE(encoded.ok());
    EXPECT_EQ(encoded.error(), NostrErrc::invalidBech32);
}

TEST(Bech32, EncoderRefusesGroupsAboveFiveBits)
{
    const std::vector<std::uint8_t> groups{1, 32};
    EXPECT_FALSE(encodeBech32("a", groups).ok());
}

TEST(Bech32, RegroupingRoundTripsEveryLength)
{
    for (std::size_t length = 0; length < 70; ++length) {
        std::vector<std::uint8_t> bytes(length);
        for (std::size_t index = 0; index < length; ++index) {
            bytes[index] = static_cast<std::uint8_t>(index * 37 + 11);
        }
        const auto back = fiveBitGroupsToBytes(bytesToFiveBitGroups(bytes));
        ASSERT_TRUE(back.ok()) << length;
        EXPECT_EQ(back.value(), bytes);
    }
}

TEST(Bech32, RegroupingRefusesNonZeroPadding)
{
    // 0x00 → groups 00000 000(00): a 1 in the padding bits.
    const std::vector<std::uint8_t> groups{0, 1};
    const auto bytes = fiveBitGroupsToBytes(groups);
    ASSERT_FALSE(bytes.ok());
    EXPECT_NE(bytes.error().detail().find("non-zero padding"), std::string::npos);
}

TEST(Bech32, RegroupingRefusesExcessPadding)
{
    // Three groups = 15 bits: one byte and 7 leftover bits (≥ 5).
    const std::vector<std::uint8_t> groups{0, 0, 0};
    const auto bytes = fiveBitGroupsToBytes(groups);
    ASSERT_FALSE(bytes.ok());
    EXPECT_NE(bytes.error().detail().find("excess padding"), std::string::npos);
}

} // namespace
} // namespace hoststudio::nostr

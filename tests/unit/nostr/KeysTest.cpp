// SPDX-License-Identifier: GPL-2.0-or-later
// Hex helpers, key import/export, generation, signing and verification round trips.

#include "hoststudio/nostr/Keys.hpp"
#include "TestVectors.hpp"
#include "hoststudio/nostr/Hex.hpp"
#include "hoststudio/nostr/NostrError.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace hoststudio::nostr {
namespace {

using test::publicKeyThreeHex;
using test::secretKeyThreeHex;
TEST(Hex, EncodesLowerCase)
{
    const std::vector<std::uint8_t> bytes{0x00, 0xAB, 0xff, 0x10};
    EXPECT_EQ(toHex(bytes), "00abff10");
}

struct BadHexCase {
    std::string name;
    std::string text;
    std::size_t expectedByteCount;
    HexCase allowedCase;
    std::string detailFragment;
};

class BadHexTest : public ::testing::TestWithParam<BadHexCase> {};

TEST_P(BadHexTest, IsInvalidHexWithDetail)
{
    const auto decoded = fromHex(GetParam().text, GetParam().expectedByteCount, GetParam().allowedCase);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error(), NostrErrc::invalidHex);
    EXPECT_NE(decoded.error().detail().find(GetParam().detailFragment), std::string::npos) << decoded.error().detail();
}

INSTANTIATE_TEST_SUITE_P(
    Hex, BadHexTest,
    ::testing::Values(BadHexCase{"tooShort", std::string(63, 'a'), 32, HexCase::lowerOrUpper, "expected 64"},
                      BadHexCase{"tooLong", std::string(66, 'a'), 32, HexCase::lowerOrUpper, "got 66"},
                      BadHexCase{"empty", "", 1, HexCase::lowerOrUpper, "got 0"},
                      BadHexCase{"nonHexLetter", "0g", 1, HexCase::lowerOrUpper, "position 1"},
                      BadHexCase{"space", " 0", 1, HexCase::lowerOrUpper, "position 0"},
                      BadHexCase{"upperWhenLowerOnly", "0A", 1, HexCase::lowerOnly, "upper-case"},
                      BadHexCase{"prefix0x", "0x12", 2, HexCase::lowerOrUpper, "position 1"}),
    [](const auto& paramInfo) { return paramInfo.param.name; });

TEST(Hex, AnyLengthRefusesOddLength)
{
    const auto decoded = fromHexAnyLength("abc");
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error(), NostrErrc::invalidHex);
}

TEST(Hex, AcceptsUpperCaseWhenAllowed)
{
    const auto decoded = fromHexFixed<2>("ABcd");
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded.value()[0], 0xAB);
    EXPECT_EQ(decoded.value()[1], 0xCD);
}

TEST(SecretKey, DerivesTheKnownPublicKey)
{
    const auto secretKey = SecretKey::fromHex(secretKeyThreeHex);
    ASSERT_TRUE(secretKey.ok());
    const auto publicKey = secretKey->publicKey();
    ASSERT_TRUE(publicKey.ok());
    EXPECT_EQ(publicKey->toHex(), publicKeyThreeHex);
}

TEST(SecretKey, RefusesZeroAndTheCurveOrder)
{
    for (const std::string_view hex :
         {std::string_view("0000000000000000000000000000000000000000000000000000000000000000"),
          std::string_view("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"),
          std::string_view("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")}) {
        const auto secretKey = SecretKey::fromHex(hex);
        ASSERT_FALSE(secretKey.ok()) << hex;
        EXPECT_EQ(secretKey.error(), NostrErrc::invalidSecretKey);
    }
}

TEST(SecretKey, RefusesWrongLengthHexAsInvalidHex)
{
    const auto secretKey = SecretKey::fromHex("0003");
    ASSERT_FALSE(secretKey.ok());
    EXPECT_EQ(secretKey.error(), NostrErrc::invalidHex);
}

TEST(SecretKey, RoundTripsThroughNsecAndHex)
{
    const auto secretKey = SecretKey::fromNsec("nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5");
    ASSERT_TRUE(secretKey.ok()) << secretKey.error().describe();
    EXPECT_EQ(secretKey->toHex().view(), "67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa");
    EXPECT_EQ(secretKey->toNsec().view(), "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5");
}

TEST(SecretKey, FromNsecRefusesAnNpub)
{
    const auto secretKey = SecretKey::fromNsec("npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6");
    ASSERT_FALSE(secretKey.ok());
    EXPECT_EQ(secretKey.error(), NostrErrc::invalidSecretKey);
}

TEST(SecretKey, FromTextTakesAnNsecOrHexAndSaysWhatIsWrong)
{
    const std::string hex = "67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa";
    const std::string nsec = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5";
    for (const std::string& text : {nsec, "  " + nsec + "\r\n", hex, "\t" + hex + " "}) {
        const auto key = SecretKey::fromText(text);
        ASSERT_TRUE(key.ok()) << text << ": " << key.error().describe();
        EXPECT_EQ(key->toHex().view(), hex);
    }
    struct Refusal {
        std::string text;
        const char* says;
    };
    for (const Refusal& refusal :
         {Refusal{"", "it is empty"}, Refusal{"  \n", "it is empty"}, Refusal{"nsec1notbech32", "not a valid nsec"},
          Refusal{std::string(64, 'g'), "not a valid secret key in hex"}, Refusal{"npub1abc", "got 8 characters"}}) {
        const auto key = SecretKey::fromText(refusal.text);
        ASSERT_FALSE(key.ok()) << refusal.text;
        EXPECT_EQ(key.error(), NostrErrc::invalidSecretKey);
        EXPECT_NE(key.error().detail().find(refusal.says), std::string::npos) << key.error().detail();
    }
}

TEST(SecretKey, GeneratesDistinctValidKeys)
{
    std::set<std::string> seen;
    for (int round = 0; round < 16; ++round) {
        const auto secretKey = SecretKey::generate();
        ASSERT_TRUE(secretKey.ok());
        EXPECT_TRUE(secretKey->publicKey().ok());
        seen.insert(std::string(secretKey->toHex().view()));
    }
    EXPECT_EQ(seen.size(), 16U);
}

TEST(PublicKey, RoundTripsThroughNpub)
{
    const auto publicKey = PublicKey::fromNpub("npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6");
    ASSERT_TRUE(publicKey.ok());
    EXPECT_EQ(publicKey->toHex(), "3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d");
    EXPECT_EQ(publicKey->toNpub(), "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6");
}

TEST(PublicKey, RefusesAnXCoordinateOffTheCurve)
{
    // BIP-340 vector 5: not on the curve.
    const auto publicKey = PublicKey::fromHex("EEFDEA4CDB677750A420FEE807EACF21EB9898AE79B9768766E4FAA04A2D4A34");
    ASSERT_FALSE(publicKey.ok());
    EXPECT_EQ(publicKey.error(), NostrErrc::invalidPublicKey);
}

TEST(PublicKey, RefusesWrongByteCount)
{
    const std::vector<std::uint8_t> bytes(31, 1);
    const auto publicKey = PublicKey::fromBytes(bytes);
    ASSERT_FALSE(publicKey.ok());
    EXPECT_EQ(publicKey.error(), NostrErrc::invalidPublicKey);
}

TEST(Signature, RefusesWrongLengthHex)
{
    const auto signature = Signature::fromHex(std::string(126, 'a'));
    ASSERT_FALSE(signature.ok());
    EXPECT_EQ(signature.error(), NostrErrc::invalidHex);
}

TEST(Schnorr, FreshRandomnessSignaturesDifferButBothVerify)
{
    const auto secretKey = SecretKey::generate();
    ASSERT_TRUE(secretKey.ok());
    const auto publicKey = secretKey->publicKey();
    ASSERT_TRUE(publicKey.ok());
    const Sha256Digest digest = sha256("hello").value();
    const auto first = sign(secretKey.value(), digest);
    const auto second = sign(secretKey.value(), digest);
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(second.ok());
    EXPECT_NE(first.value(), second.value());
    EXPECT_TRUE(verify(publicKey.value(), digest, first.value()));
    EXPECT_TRUE(verify(publicKey.value(), digest, second.value()));
    Sha256Digest otherDigest = digest;
    otherDigest[0] ^= 1U;
    EXPECT_FALSE(verify(publicKey.value(), otherDigest, first.value()));
}

TEST(Schnorr, SigningAndVerifyingFromManyThreadsAtOnce)
{
    // One libsecp256k1 context serves every thread; concurrent use must be safe.
    std::atomic<int> failures{0};
    constexpr int threadCount = 4;
    std::vector<std::thread> threads;
    threads.reserve(threadCount);
    for (int threadIndex = 0; threadIndex < threadCount; ++threadIndex) {
        threads.emplace_back([&failures, threadIndex] {
            for (int round = 0; round < 50; ++round) {
                const auto secretKey = SecretKey::generate();
                if (!secretKey) {
                    ++failures;
                    continue;
                }
                const Sha256Digest digest = sha256(std::to_string(threadIndex * 1000 + round)).value();
                const auto signature = sign(secretKey.value(), digest);
                const auto publicKey = secretKey->publicKey();
                if (!signature || !publicKey || !verify(publicKey.value(), digest, signature.value())) {
                    ++failures;
                }
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(failures.load(), 0);
}

TEST(Sha256, KnownAnswer)
{
    EXPECT_EQ(toHex(sha256("abc").value()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(toHex(sha256("").value()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

} // namespace
} // namespace hoststudio::nostr

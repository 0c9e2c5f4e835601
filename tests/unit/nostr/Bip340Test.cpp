// SPDX-License-Identifier: GPL-2.0-or-later
// Every official BIP-340 vector: signing where a secret key is given, verification always.

#include "TestVectors.hpp"
#include "hoststudio/nostr/Hex.hpp"
#include "hoststudio/nostr/Keys.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

namespace hoststudio::nostr {
namespace {

struct Bip340Vector {
    std::string index;
    std::string secretKeyHex;
    std::string publicKeyHex;
    std::string auxRandomnessHex;
    std::string messageHex;
    std::string signatureHex;
    bool expectedValid = false;
    std::string comment;
};

std::vector<std::string> splitCsvLine(const std::string& line)
{
    std::vector<std::string> fields;
    std::string field;
    std::istringstream stream(line);
    while (std::getline(stream, field, ',')) {
        if (!field.empty() && field.back() == '\r') {
            field.pop_back();
        }
        fields.push_back(field);
    }
    if (!line.empty() && line.back() == ',') {
        fields.emplace_back();
    }
    return fields;
}

std::vector<Bip340Vector> loadBip340Vectors()
{
    std::istringstream csv(test::readVectorFile("bip340-test-vectors.csv"));
    std::vector<Bip340Vector> vectors;
    std::string line;
    std::getline(csv, line); // header
    while (std::getline(csv, line)) {
        if (line.empty()) {
            continue;
        }
        const std::vector<std::string> fields = splitCsvLine(line);
        if (fields.size() < 7) {
            continue;
        }
        vectors.push_back(Bip340Vector{fields[0], fields[1], fields[2], fields[3], fields[4], fields[5],
                                       fields[6] == "TRUE", fields.size() > 7 ? fields[7] : std::string()});
    }
    return vectors;
}

class Bip340VectorTest : public ::testing::TestWithParam<Bip340Vector> {};

TEST_P(Bip340VectorTest, SignsWhereASecretKeyIsGivenAndVerifiesAsExpected)
{
    const Bip340Vector& vector = GetParam();
    const auto message = fromHexAnyLength(vector.messageHex);
    ASSERT_TRUE(message.ok()) << message.error().describe();

    if (!vector.secretKeyHex.empty()) {
        const auto secretKey = SecretKey::fromHex(vector.secretKeyHex);
        ASSERT_TRUE(secretKey.ok()) << secretKey.error().describe();
        const auto publicKey = secretKey->publicKey();
        ASSERT_TRUE(publicKey.ok());
        EXPECT_EQ(publicKey->toHex(), toHex(fromHex(vector.publicKeyHex, 32).value()));
        const auto auxRandomness = fromHexFixed<32>(vector.auxRandomnessHex);
        ASSERT_TRUE(auxRandomness.ok());
        const auto signature = signMessage(secretKey.value(), message.value(), auxRandomness.value());
        ASSERT_TRUE(signature.ok()) << signature.error().describe();
        EXPECT_EQ(signature->toHex(), toHex(fromHex(vector.signatureHex, 64).value()));
        if (message->size() == 32) {
            // The digest API (sign32) must agree with the any-length one.
            Sha256Digest digest{};
            std::copy(message->begin(), message->end(), digest.begin());
            const auto digestSignature = sign(secretKey.value(), digest, auxRandomness.value());
            ASSERT_TRUE(digestSignature.ok());
            EXPECT_EQ(digestSignature.value(), signature.value());
        }
    }

    const auto publicKey = PublicKey::fromHex(vector.publicKeyHex);
    const auto signature = Signature::fromHex(vector.signatureHex);
    ASSERT_TRUE(signature.ok());
    // A key that is not on the curve cannot be constructed, so it cannot verify anything.
    const bool verified = publicKey.ok() && verify(publicKey.value(), message.value(), signature.value());
    EXPECT_EQ(verified, vector.expectedValid) << vector.comment;
}

INSTANTIATE_TEST_SUITE_P(Bip340, Bip340VectorTest, ::testing::ValuesIn(loadBip340Vectors()),
                         [](const ::testing::TestParamInfo<Bip340Vector>& paramInfo) {
                             return "vector" + paramInfo.param.index;
                         });

TEST(Bip340Vectors, AllNineteenRowsAreLoaded)
{
    EXPECT_EQ(loadBip340Vectors().size(), 19U);
}

} // namespace
} // namespace hoststudio::nostr

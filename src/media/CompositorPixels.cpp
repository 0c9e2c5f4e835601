// SPDX-License-Identifier: GPL-2.0-or-later
// Packed RGB to YUV 4:2:0 (BT.709, limited range) for the compositor: the X11 screen (B,G,R,x)
// and camera pictures (R,G,B,x) straight into the output frame's planes; and the two-thirds
// downscale (a 1920x1080 screen in a 1280x720 stream) fused with that conversion.
//
// Fixed point with 8 fractional bits, every step of it in unsigned 16-bit arithmetic so that eight
// pixels go through one SSE2 register (x86-64 always has SSE2), sixteen through an AVX2 one where
// the processor has AVX2 (checked once at run time); the scalar loop does the same arithmetic for
// the columns left over and on other machines, so every path gives identical results.
//
// Thread safety: pure functions.
#include "hoststudio/media/Compositor.hpp"

#include <algorithm>
#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HOSTSTUDIO_PIXELS_AVX2 1
// Functions built for AVX2 inside a file built for the baseline; called only after the check.
#define HOSTSTUDIO_TARGET_AVX2 __attribute__((target("avx2")))
#endif

namespace hoststudio::media {

namespace {

struct Weights {
    int red;
    int green;
    int blue;
};
// BT.709 with the limited-range scale (219/255 for Y, 224/255 for U and V), times 256. The chroma
// weights sum to zero so that grey stays exactly neutral.
constexpr Weights kLumaWeights{47, 157, 16};
constexpr Weights kBlueDifferenceWeights{-26, -86, 112};
constexpr Weights kRedDifferenceWeights{112, -102, -10};
// The offset (16 for Y, 128 for U and V) and half a step for rounding, in the same fixed point.
// Every weighted sum plus its bias lies in 0–65535: the 16-bit arithmetic never needs a sign.
constexpr int kLumaBias = (16 << 8) + 128;
constexpr int kChromaBias = (128 << 8) + 128;

std::uint8_t weigh(Weights weights, int red, int green, int blue, int bias)
{
    return static_cast<std::uint8_t>((weights.red * red + weights.green * green + weights.blue * blue + bias) >> 8);
}

// Columns [start, width) of one row pair (`bottom` null: an odd last row).
void convertRowsScalar(const std::uint8_t* top, const std::uint8_t* bottom, PackedOrder order, int start, int width,
                       std::uint8_t* lumaTop, std::uint8_t* lumaBottom, std::uint8_t* blueDifference,
                       std::uint8_t* redDifference)
{
    const int redAt = order == PackedOrder::bgrx ? 2 : 0;
    const int blueAt = 2 - redAt;
    const std::uint8_t* const rows[2] = {top, bottom};
    std::uint8_t* const lumaRows[2] = {lumaTop, lumaBottom};
    for (int x = start; x < width; x += 2) {
        const int columns = std::min(2, width - x);
        int red = 0;
        int green = 0;
        int blue = 0;
        int count = 0;
        for (int row = 0; row < 2; ++row) {
            if (rows[row] == nullptr) {
                continue;
            }
            for (int column = x; column < x + columns; ++column) {
                const std::uint8_t* pixel = rows[row] + static_cast<std::ptrdiff_t>(column) * 4;
                lumaRows[row][column] = weigh(kLumaWeights, pixel[redAt], pixel[1], pixel[blueAt], kLumaBias);
                red += pixel[redAt];
                green += pixel[1];
                blue += pixel[blueAt];
                ++count;
            }
        }
        // The block's mean, rounded (the SIMD path: (sum + 2) / 4 for full blocks).
        red = (red + count / 2) / count;
        green = (green + count / 2) / count;
        blue = (blue + count / 2) / count;
        blueDifference[x / 2] = weigh(kBlueDifferenceWeights, red, green, blue, kChromaBias);
        redDifference[x / 2] = weigh(kRedDifferenceWeights, red, green, blue, kChromaBias);
    }
}

#if defined(__SSE2__)

struct Channels {
    __m128i red;
    __m128i green;
    __m128i blue;
};

// Eight pixels as three vectors of eight 16-bit values.
template <PackedOrder Order> Channels loadEight(const std::uint8_t* pixels)
{
    const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(pixels));       // NOLINT
    const __m128i high = _mm_loadu_si128(reinterpret_cast<const __m128i*>(pixels + 16)); // NOLINT
    const __m128i mask = _mm_set1_epi32(0xFF);
    const __m128i first = _mm_packs_epi32(_mm_and_si128(low, mask), _mm_and_si128(high, mask));
    const __m128i second =
        _mm_packs_epi32(_mm_and_si128(_mm_srli_epi32(low, 8), mask), _mm_and_si128(_mm_srli_epi32(high, 8), mask));
    const __m128i third =
        _mm_packs_epi32(_mm_and_si128(_mm_srli_epi32(low, 16), mask), _mm_and_si128(_mm_srli_epi32(high, 16), mask));
    if constexpr (Order == PackedOrder::bgrx) {
        return {third, second, first};
    } else {
        return {first, second, third};
    }
}

__m128i splat(int value)
{
    return _mm_set1_epi16(static_cast<short>(value));
}

// The weighted sum plus bias, divided by 256: eight results of 0–255 in 16-bit lanes.
__m128i weighEight(const Channels& channels, Weights weights, int bias)
{
    __m128i sum = _mm_mullo_epi16(channels.red, splat(weights.red));
    sum = _mm_add_epi16(sum, _mm_mullo_epi16(channels.green, splat(weights.green)));
    sum = _mm_add_epi16(sum, _mm_mullo_epi16(channels.blue, splat(weights.blue)));
    sum = _mm_add_epi16(sum, splat(bias));
    return _mm_srli_epi16(sum, 8);
}

// The rounded mean of each 2×2 block of 16 columns × 2 rows (given as two 8-column halves).
__m128i blockMeans(__m128i topLeft, __m128i bottomLeft, __m128i topRight, __m128i bottomRight)
{
    const __m128i ones = _mm_set1_epi16(1);
    const __m128i left = _mm_madd_epi16(_mm_add_epi16(topLeft, bottomLeft), ones);
    const __m128i right = _mm_madd_epi16(_mm_add_epi16(topRight, bottomRight), ones);
    return _mm_srli_epi16(_mm_add_epi16(_mm_packs_epi32(left, right), splat(2)), 2);
}

// 16 columns of a row pair: 32 luma, 8 + 8 chroma samples.
template <PackedOrder Order>
void convertSixteen(const std::uint8_t* top, const std::uint8_t* bottom, std::uint8_t* lumaTop,
                    std::uint8_t* lumaBottom, std::uint8_t* blueDifference, std::uint8_t* redDifference)
{
    const Channels topLeft = loadEight<Order>(top);
    const Channels topRight = loadEight<Order>(top + 32);
    const Channels bottomLeft = loadEight<Order>(bottom);
    const Channels bottomRight = loadEight<Order>(bottom + 32);
    _mm_storeu_si128(
        reinterpret_cast<__m128i*>(lumaTop), // NOLINT
        _mm_packus_epi16(weighEight(topLeft, kLumaWeights, kLumaBias), weighEight(topRight, kLumaWeights, kLumaBias)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(lumaBottom), // NOLINT
                     _mm_packus_epi16(weighEight(bottomLeft, kLumaWeights, kLumaBias),
                                      weighEight(bottomRight, kLumaWeights, kLumaBias)));
    const Channels means{blockMeans(topLeft.red, bottomLeft.red, topRight.red, bottomRight.red),
                         blockMeans(topLeft.green, bottomLeft.green, topRight.green, bottomRight.green),
                         blockMeans(topLeft.blue, bottomLeft.blue, topRight.blue, bottomRight.blue)};
    const __m128i zero = _mm_setzero_si128();
    _mm_storel_epi64(reinterpret_cast<__m128i*>(blueDifference), // NOLINT
                     _mm_packus_epi16(weighEight(means, kBlueDifferenceWeights, kChromaBias), zero));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(redDifference), // NOLINT
                     _mm_packus_epi16(weighEight(means, kRedDifferenceWeights, kChromaBias), zero));
}

// Full 16-column groups of a row pair from column `start` (even); returns the first column not done.
int convertRowsSse2(const std::uint8_t* top, const std::uint8_t* bottom, PackedOrder order, int start, int width,
                    std::uint8_t* lumaTop, std::uint8_t* lumaBottom, std::uint8_t* blueDifference,
                    std::uint8_t* redDifference)
{
    int x = start;
    for (; x + 16 <= width; x += 16) {
        const std::ptrdiff_t offset = static_cast<std::ptrdiff_t>(x) * 4;
        if (order == PackedOrder::bgrx) {
            convertSixteen<PackedOrder::bgrx>(top + offset, bottom + offset, lumaTop + x, lumaBottom + x,
                                              blueDifference + x / 2, redDifference + x / 2);
        } else {
            convertSixteen<PackedOrder::rgbx>(top + offset, bottom + offset, lumaTop + x, lumaBottom + x,
                                              blueDifference + x / 2, redDifference + x / 2);
        }
    }
    return x;
}

#endif

#if defined(HOSTSTUDIO_PIXELS_AVX2)

struct WideChannels {
    __m256i red;
    __m256i green;
    __m256i blue;
};

// Sixteen pixels as three vectors of sixteen 16-bit values, in the order packs leaves them:
// pixels 0–3, 8–11 in the low 128-bit lane, 4–7, 12–15 in the high one (the same for every
// channel, so the arithmetic does not care; the stores put them back in order).
template <PackedOrder Order> HOSTSTUDIO_TARGET_AVX2 WideChannels loadSixteen(const std::uint8_t* pixels)
{
    const __m256i low = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(pixels));       // NOLINT
    const __m256i high = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(pixels + 32)); // NOLINT
    const __m256i mask = _mm256_set1_epi32(0xFF);
    const __m256i first = _mm256_packs_epi32(_mm256_and_si256(low, mask), _mm256_and_si256(high, mask));
    const __m256i second = _mm256_packs_epi32(_mm256_and_si256(_mm256_srli_epi32(low, 8), mask),
                                              _mm256_and_si256(_mm256_srli_epi32(high, 8), mask));
    const __m256i third = _mm256_packs_epi32(_mm256_and_si256(_mm256_srli_epi32(low, 16), mask),
                                             _mm256_and_si256(_mm256_srli_epi32(high, 16), mask));
    if constexpr (Order == PackedOrder::bgrx) {
        return {third, second, first};
    } else {
        return {first, second, third};
    }
}

HOSTSTUDIO_TARGET_AVX2 __m256i wideSplat(int value)
{
    return _mm256_set1_epi16(static_cast<short>(value));
}

HOSTSTUDIO_TARGET_AVX2 __m256i weighSixteen(const WideChannels& channels, Weights weights, int bias)
{
    __m256i sum = _mm256_mullo_epi16(channels.red, wideSplat(weights.red));
    sum = _mm256_add_epi16(sum, _mm256_mullo_epi16(channels.green, wideSplat(weights.green)));
    sum = _mm256_add_epi16(sum, _mm256_mullo_epi16(channels.blue, wideSplat(weights.blue)));
    sum = _mm256_add_epi16(sum, wideSplat(bias));
    return _mm256_srli_epi16(sum, 8);
}

HOSTSTUDIO_TARGET_AVX2 __m256i wideBlockMeans(__m256i topFirst, __m256i bottomFirst, __m256i topSecond,
                                              __m256i bottomSecond)
{
    const __m256i ones = _mm256_set1_epi16(1);
    const __m256i first = _mm256_madd_epi16(_mm256_add_epi16(topFirst, bottomFirst), ones);
    const __m256i second = _mm256_madd_epi16(_mm256_add_epi16(topSecond, bottomSecond), ones);
    return _mm256_srli_epi16(_mm256_add_epi16(_mm256_packs_epi32(first, second), wideSplat(2)), 2);
}

// 32 columns of a row pair: 64 luma, 16 + 16 chroma samples.
template <PackedOrder Order>
HOSTSTUDIO_TARGET_AVX2 void convertThirtyTwo(const std::uint8_t* top, const std::uint8_t* bottom, std::uint8_t* lumaTop,
                                             std::uint8_t* lumaBottom, std::uint8_t* blueDifference,
                                             std::uint8_t* redDifference)
{
    const WideChannels topFirst = loadSixteen<Order>(top);
    const WideChannels topSecond = loadSixteen<Order>(top + 64);
    const WideChannels bottomFirst = loadSixteen<Order>(bottom);
    const WideChannels bottomSecond = loadSixteen<Order>(bottom + 64);
    // packus leaves groups of four pixels as 0, 2, 4, 6 | 1, 3, 5, 7: one 32-bit permutation.
    const __m256i lumaOrder = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    _mm256_storeu_si256(
        reinterpret_cast<__m256i*>(lumaTop), // NOLINT
        _mm256_permutevar8x32_epi32(_mm256_packus_epi16(weighSixteen(topFirst, kLumaWeights, kLumaBias),
                                                        weighSixteen(topSecond, kLumaWeights, kLumaBias)),
                                    lumaOrder));
    _mm256_storeu_si256(
        reinterpret_cast<__m256i*>(lumaBottom), // NOLINT
        _mm256_permutevar8x32_epi32(_mm256_packus_epi16(weighSixteen(bottomFirst, kLumaWeights, kLumaBias),
                                                        weighSixteen(bottomSecond, kLumaWeights, kLumaBias)),
                                    lumaOrder));
    const WideChannels means{wideBlockMeans(topFirst.red, bottomFirst.red, topSecond.red, bottomSecond.red),
                             wideBlockMeans(topFirst.green, bottomFirst.green, topSecond.green, bottomSecond.green),
                             wideBlockMeans(topFirst.blue, bottomFirst.blue, topSecond.blue, bottomSecond.blue)};
    // Chroma samples 0,1,4,5,8,9,12,13 of U then V in the low lane, 2,3,6,7,… in the high one:
    // U's two halves into the low lane, V's into the high one, then each lane put in order.
    const __m256i packed = _mm256_packus_epi16(weighSixteen(means, kBlueDifferenceWeights, kChromaBias),
                                               weighSixteen(means, kRedDifferenceWeights, kChromaBias));
    const __m256i halves = _mm256_permute4x64_epi64(packed, 0xD8); // quad words 0, 2, 1, 3
    const __m256i chromaOrder = _mm256_setr_epi8(0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15, //
                                                 0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15);
    const __m256i ordered = _mm256_shuffle_epi8(halves, chromaOrder);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(blueDifference), _mm256_castsi256_si128(ordered));     // NOLINT
    _mm_storeu_si128(reinterpret_cast<__m128i*>(redDifference), _mm256_extracti128_si256(ordered, 1)); // NOLINT
}

// Full 32-column groups of a row pair; returns the first column not done.
HOSTSTUDIO_TARGET_AVX2 int convertRowsAvx2(const std::uint8_t* top, const std::uint8_t* bottom, PackedOrder order,
                                           int width, std::uint8_t* lumaTop, std::uint8_t* lumaBottom,
                                           std::uint8_t* blueDifference, std::uint8_t* redDifference)
{
    int x = 0;
    for (; x + 32 <= width; x += 32) {
        const std::ptrdiff_t offset = static_cast<std::ptrdiff_t>(x) * 4;
        if (order == PackedOrder::bgrx) {
            convertThirtyTwo<PackedOrder::bgrx>(top + offset, bottom + offset, lumaTop + x, lumaBottom + x,
                                                blueDifference + x / 2, redDifference + x / 2);
        } else {
            convertThirtyTwo<PackedOrder::rgbx>(top + offset, bottom + offset, lumaTop + x, lumaBottom + x,
                                                blueDifference + x / 2, redDifference + x / 2);
        }
    }
    return x;
}

bool hasAvx2() noexcept
{
    static const bool available = __builtin_cpu_supports("avx2") != 0;
    return available;
}

#endif

// Output rows `row` and `row + 1` (`bottom` null: an odd last row) of `width` pixels.
void convertRowPair(const std::uint8_t* top, const std::uint8_t* bottom, PackedOrder order, int width, int row,
                    std::uint8_t* const planes[3], const int strides[3])
{
    const bool pair = bottom != nullptr;
    std::uint8_t* lumaTop = planes[0] + static_cast<std::ptrdiff_t>(row) * strides[0];
    std::uint8_t* lumaBottom = pair ? lumaTop + strides[0] : nullptr;
    std::uint8_t* blueDifference = planes[1] + static_cast<std::ptrdiff_t>(row / 2) * strides[1];
    std::uint8_t* redDifference = planes[2] + static_cast<std::ptrdiff_t>(row / 2) * strides[2];
    int done = 0;
#if defined(HOSTSTUDIO_PIXELS_AVX2)
    if (pair && hasAvx2()) {
        done = convertRowsAvx2(top, bottom, order, width, lumaTop, lumaBottom, blueDifference, redDifference);
    }
#endif
#if defined(__SSE2__)
    if (pair) {
        done = convertRowsSse2(top, bottom, order, done, width, lumaTop, lumaBottom, blueDifference, redDifference);
    }
#endif
    convertRowsScalar(top, bottom, order, done, width, lumaTop, lumaBottom, blueDifference, redDifference);
}

// The two-thirds scale: of three neighbours a, b, c (pixels or rows) the two outputs are 3/4 a + 1/4 b
// and 1/4 b + 3/4 c (bilinear at the output pixels' centres, 0.75 and 2.25 source pixels in), each
// as the rounded mean of the near one and the rounded mean of the pair — what _mm_avg_epu8 does.
std::uint8_t mean(std::uint8_t a, std::uint8_t b)
{
    return static_cast<std::uint8_t>((a + b + 1) >> 1);
}
std::uint8_t nearThreeQuarters(std::uint8_t near, std::uint8_t middle)
{
    return mean(near, mean(near, middle));
}

// Three source rows into two, `bytes` wide.
void scaleRowsTwoThirds(const std::uint8_t* first, const std::uint8_t* second, const std::uint8_t* third,
                        std::size_t bytes, std::uint8_t* upper, std::uint8_t* lower)
{
    std::size_t index = 0;
#if defined(__SSE2__)
    for (; index + 16 <= bytes; index += 16) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(first + index));               // NOLINT
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(second + index));              // NOLINT
        const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(third + index));               // NOLINT
        _mm_storeu_si128(reinterpret_cast<__m128i*>(upper + index), _mm_avg_epu8(a, _mm_avg_epu8(a, b))); // NOLINT
        _mm_storeu_si128(reinterpret_cast<__m128i*>(lower + index), _mm_avg_epu8(c, _mm_avg_epu8(b, c))); // NOLINT
    }
#endif
    for (; index < bytes; ++index) {
        upper[index] = nearThreeQuarters(first[index], second[index]);
        lower[index] = nearThreeQuarters(third[index], second[index]);
    }
}

// A row of 3·n 4-byte pixels into 2·n.
void scaleColumnsTwoThirds(const std::uint8_t* source, int outputWidth, std::uint8_t* output)
{
    int x = 0;
#if defined(__SSE2__)
    // Twelve source pixels p0..p11 (three registers of four) into eight: the near pixels
    // p0 p2 p3 p5 p6 p8 p9 p11 with the middle ones p1 p1 p4 p4 p7 p7 p10 p10.
    for (; x + 8 <= outputWidth; x += 8) {
        const std::uint8_t* group = source + static_cast<std::ptrdiff_t>(x / 2) * 3 * 4;
        const __m128 first = _mm_castsi128_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(group)));       // NOLINT
        const __m128 second = _mm_castsi128_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(group + 16))); // NOLINT
        const __m128 third = _mm_castsi128_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(group + 32)));  // NOLINT
        const __m128 threeFive = _mm_shuffle_ps(first, second, _MM_SHUFFLE(1, 1, 3, 3)); // p3 p3 p5 p5
        const __m128 sixEight = _mm_shuffle_ps(second, third, _MM_SHUFFLE(0, 0, 2, 2));  // p6 p6 p8 p8
        const __m128 nineEleven = _mm_shuffle_ps(third, third, _MM_SHUFFLE(3, 3, 1, 1)); // p9 p9 p11 p11
        const __m128i nearLow = _mm_castps_si128(_mm_shuffle_ps(first, threeFive, _MM_SHUFFLE(2, 0, 2, 0)));
        const __m128i nearHigh = _mm_castps_si128(_mm_shuffle_ps(sixEight, nineEleven, _MM_SHUFFLE(2, 0, 2, 0)));
        const __m128i middleLow = _mm_castps_si128(_mm_shuffle_ps(first, second, _MM_SHUFFLE(0, 0, 1, 1)));
        const __m128i middleHigh = _mm_castps_si128(_mm_shuffle_ps(second, third, _MM_SHUFFLE(2, 2, 3, 3)));
        std::uint8_t* out = output + static_cast<std::ptrdiff_t>(x) * 4;
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out), // NOLINT
                         _mm_avg_epu8(nearLow, _mm_avg_epu8(nearLow, middleLow)));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16), // NOLINT
                         _mm_avg_epu8(nearHigh, _mm_avg_epu8(nearHigh, middleHigh)));
    }
#endif
    for (; x + 2 <= outputWidth; x += 2) {
        const std::uint8_t* a = source + static_cast<std::ptrdiff_t>(x / 2) * 3 * 4;
        const std::uint8_t* b = a + 4;
        const std::uint8_t* c = a + 8;
        std::uint8_t* out = output + static_cast<std::ptrdiff_t>(x) * 4;
        for (int channel = 0; channel < 4; ++channel) {
            out[channel] = nearThreeQuarters(a[channel], b[channel]);
            out[4 + channel] = nearThreeQuarters(c[channel], b[channel]);
        }
    }
}

} // namespace

void convertPackedRgbToI420(const std::uint8_t* source, int sourceStride, PackedOrder order, int width, int height,
                            std::uint8_t* const planes[3], const int strides[3])
{
    if (source == nullptr || width <= 0 || height <= 0) {
        return;
    }
    for (int row = 0; row < height; row += 2) {
        const std::uint8_t* top = source + static_cast<std::ptrdiff_t>(row) * sourceStride;
        convertRowPair(top, row + 1 < height ? top + sourceStride : nullptr, order, width, row, planes, strides);
    }
}

bool scalesTwoThirds(int sourceWidth, int sourceHeight, int width, int height) noexcept
{
    return width > 0 && height > 0 && width % 2 == 0 && height % 2 == 0 && sourceWidth * 2 == width * 3 &&
           sourceHeight * 2 == height * 3;
}

void scaleTwoThirdsToI420(const std::uint8_t* source, int sourceStride, PackedOrder order, int width, int height,
                          std::uint8_t* const planes[3], const int strides[3], std::vector<std::uint8_t>& scratch)
{
    if (source == nullptr || width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0) {
        return;
    }
    // Two rows at the source's width (the vertical pass), two at the output's (the horizontal one):
    // a few tens of kilobytes that stay in the cache while each row pair is converted.
    const auto sourceBytes = static_cast<std::size_t>(width / 2) * 3 * 4;
    const auto outputBytes = static_cast<std::size_t>(width) * 4;
    scratch.resize(2 * sourceBytes + 2 * outputBytes);
    std::uint8_t* upper = scratch.data();
    std::uint8_t* lower = upper + sourceBytes;
    std::uint8_t* top = lower + sourceBytes;
    std::uint8_t* bottom = top + outputBytes;
    for (int row = 0; row < height; row += 2) {
        const std::uint8_t* first = source + static_cast<std::ptrdiff_t>(row / 2) * 3 * sourceStride;
        scaleRowsTwoThirds(first, first + sourceStride, first + 2 * static_cast<std::ptrdiff_t>(sourceStride),
                           sourceBytes, upper, lower);
        scaleColumnsTwoThirds(upper, width, top);
        scaleColumnsTwoThirds(lower, width, bottom);
        convertRowPair(top, bottom, order, width, row, planes, strides);
    }
}

} // namespace hoststudio::media

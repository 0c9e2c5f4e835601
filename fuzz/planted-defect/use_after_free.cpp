// SPDX-License-Identifier: GPL-2.0-or-later
// A deliberately broken parser, for `scripts/dev planted-defect` only: it shows that the sanitizer
// gates fail on a real memory error. It is never part of a normal build (this directory has no
// CMakeLists.txt, so fuzz/CMakeLists.txt does not pick it up).
//
// The defect: a "name:value" record whose name is "free" makes the parser read the name through a
// pointer into a buffer it has already released (heap-use-after-free).
//
// Built two ways by the verb: as a libFuzzer target (clang, -fsanitize=fuzzer,address,undefined,
// like the fuzz preset) and, with PLANTED_DEFECT_MAIN, as a plain program with the asan preset's
// compiler flags that reads the inputs named on its command line.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

namespace {

volatile char gSink = 0; // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

std::size_t parseRecord(const std::uint8_t* data, std::size_t size)
{
    const auto* text = reinterpret_cast<const char*>(data);
    const auto* colon = static_cast<const char*>(std::memchr(text, ':', size));
    if (colon == nullptr) {
        return 0;
    }
    auto name = std::make_unique<std::string>(text, static_cast<std::size_t>(colon - text));
    const char* first = name->data();
    const bool released = *name == "free";
    if (released) {
        name.reset(); // the defect: `first` still points into the released buffer
    }
    gSink = *first;
    return released ? 0 : name->size();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    (void)parseRecord(data, size);
    return 0;
}

#ifdef PLANTED_DEFECT_MAIN
#include <fstream>
#include <iterator>
#include <vector>

int main(int argc, char** argv)
{
    for (int index = 1; index < argc; ++index) {
        std::ifstream file(argv[index], std::ios::binary);
        const std::vector<char> bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
        (void)LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    }
    return 0;
}
#endif
